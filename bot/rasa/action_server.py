"""The action server: rasa-sdk's own, answering only Rasa.

``python -m bot.rasa.action_server --actions actions --port 5055`` is
``python -m rasa_sdk`` (same arguments) with these differences:

- it listens on ``BORGER_ACTION_HOST`` (loopback unless set otherwise), not on every
  interface;
- every request but ``GET /health`` needs the shared secret in the header
  ``X-Borger-Action-Token`` (``BORGER_ACTION_TOKEN``; Rasa sends it, see
  ``bot.rasa.endpoints``); without it the answer is 401 and no action runs, so a
  forged tracker cannot skip the forms' validation. Without a token set the server
  does not start;
- files are created private and log records masked (``bot.core.process``); no CORS;
- the explain action's spaCy pipeline is loaded before the server answers (not at the
  first letter, which held every other call up for seconds).
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, List

from bot.core import process
from bot.core.settings import get_settings
from bot.rasa.endpoints import ACTION_TOKEN_HEADER
from bot.rasa.guard import same_secret

logger = logging.getLogger(__name__)

OPEN_PATHS = {"/health"}


def refusal(path: str, given: str | None, token: str) -> str | None:
    """Why a request is refused; None when it may pass."""
    if path in OPEN_PATHS:
        return None
    if not same_secret(given, token):
        return f"missing or wrong {ACTION_TOKEN_HEADER}"
    return None


def register(app: Any, token: str) -> None:
    from sanic import response

    async def guard(request: Any) -> Any:
        why = refusal(request.path, request.headers.get(ACTION_TOKEN_HEADER), token)
        if why:
            logger.warning("Refused %s %s: %s", request.method, request.path, why)
            return response.json({"error": "unauthorized"}, status=401)
        return None

    app.register_middleware(guard, "request")


def main(argv: List[str] | None = None) -> int:
    process.harden()
    settings = get_settings()
    if not settings.action_token:
        print(
            "BORGER_ACTION_TOKEN er ikke sat: action-serveren starter ikke uden den "
            "(borger run laver en for hver kørsel).",
            file=sys.stderr,
        )
        return 2
    import rasa_sdk.endpoint
    from rasa_sdk.__main__ import main_from_args

    create_app = rasa_sdk.endpoint.create_app
    token = settings.action_token

    def create_guarded_app(*args: Any, **kwargs: Any) -> Any:
        kwargs["cors_origins"] = None  # only Rasa calls this server, never a browser
        app = create_app(*args, **kwargs)
        register(app, token)
        return app

    rasa_sdk.endpoint.create_app = create_guarded_app
    # The explain action's spaCy pipeline, loaded before serving: loading it at the first
    # letter blocked the server (every citizen's action calls) for 3-6 s.
    from bot.infra.spacy import load_nlp

    load_nlp()
    os.environ["SANIC_HOST"] = settings.action_host
    args = rasa_sdk.endpoint.create_argument_parser().parse_args(
        sys.argv[1:] if argv is None else argv
    )
    main_from_args(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
