"""The office's training loop (issue 14), plain Python (no Rasa, no FastAPI).

- ``registry``, ``modelfile``: every kept model, its metrics, the one active model;
- ``retrain``, ``gate``, ``jobs``, ``workspace``: the guarded retrain (validate → train →
  evaluate on ``data/eval`` and ``tests/stories`` → compare per intent and per story →
  activate if not worse → every Rasa replica has it) with its steps in the job table;
- ``inbox``, ``pii``, ``examples``, ``office_nlu``: messages that need a look, masked;
  the trainer's choice as an office example with its provenance;
- ``editor``, ``gitrepo``: responses, content files and stories edited safely, one git
  commit per change; ``feedback``, ``overview``: "Hjalp svaret?" and the office's figures.

Rasa is reached through ``bot.rasa.training``; the portal pages are
``bot.web.portal.training``; the CLI is ``bot.app.training_cli``.
"""
