"""`borger explain`: the explain feature on the command line."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import date
from pathlib import Path
from typing import Any, Dict, Sequence

import yaml

from bot.core.settings import get_settings
from bot.features.explain.glossary import cached_glossary
from bot.features.explain.laws import cached_lawbook
from bot.features.explain.letters import DOMAIN_FILE, Reply, explain, replies_for_message
from bot.infra.spacy import load_nlp

_VAR = re.compile(r"\{(\w+)\}")


def load_responses(path: Path = DOMAIN_FILE) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as fh:
        return dict(yaml.safe_load(fh).get("responses", {}))


def _contact_vars(path: Path) -> Dict[str, Any]:
    """The office's contact details ({telefon}, ...) that responses may use."""
    try:
        from bot.features.contact import cached_contact

        return cached_contact(path).as_template_vars()
    except Exception:  # noqa: BLE001 - the CLI works without contact data
        return {}


def render_reply(
    reply: Reply, responses: Dict[str, Any], defaults: Dict[str, Any] | None = None
) -> str:
    """A reply as plain text, from the first variant of its domain response."""
    name, reply_values = reply
    values = {**(defaults or {}), **reply_values}
    variant = responses[name][0]
    text = _VAR.sub(lambda m: str(values.get(m.group(1), m.group(0))), variant.get("text", ""))
    buttons = variant.get("buttons") or []
    if buttons:
        text += "\n" + "\n".join(f"  [{b['title']}] ({b['payload']})" for b in buttons)
    return text


def _read_source(source: Sequence[str]) -> str:
    if not source or list(source) == ["-"]:
        return sys.stdin.read()
    if len(source) == 1:
        candidate = Path(source[0])
        try:
            if candidate.is_file():
                return candidate.read_text(encoding="utf-8")
        except OSError:
            pass
    return " ".join(source)


def explain_cli(argv: Sequence[str]) -> int:
    """``borger explain [--json] [--today YYYY-MM-DD] [FILE|-|TEXT]``.

    Prints the JSON of ``explain()`` with --json, otherwise the assistant's replies as
    readable Danish text. Exit status 0; 1 when the text is too long; 2 on usage errors.
    """
    parser = argparse.ArgumentParser(
        prog="borger explain",
        description="Forklar ord, frister, love og klagevejledning i et brev fra kommunen.",
    )
    parser.add_argument("source", nargs="*", metavar="FILE|-|TEXT",
                        help="en fil, '-' for standard input, eller selve teksten")
    parser.add_argument("--json", action="store_true", help="skriv resultatet som JSON")
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="dagens dato (YYYY-MM-DD), når frister skal regnes ud")
    try:
        args = parser.parse_args(list(argv))
    except SystemExit as exc:
        return int(exc.code or 0)
    settings = get_settings()
    max_chars = settings.max_message_chars
    text = _read_source(args.source)
    glossary = cached_glossary(settings.content_dir / "glossary.yml")
    lawbook = cached_lawbook(settings.content_dir / "laws.yml")
    responses = load_responses()
    defaults = _contact_vars(settings.content_dir / "contact.yml")
    if len(text) > max_chars:
        message = render_reply(
            ("utter_explain_too_long", {"max_tegn": f"{max_chars:,}".replace(",", ".")}),
            responses, defaults,
        )
        if args.json:
            print(json.dumps({"error": "too_long", "max_chars": max_chars, "message": message},
                             ensure_ascii=False, indent=2))
        else:
            print(message)
        return 1
    nlp = load_nlp()
    if args.json:
        result = explain(text, nlp, args.today, glossary=glossary, lawbook=lawbook,
                         max_chars=max_chars)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    replies = replies_for_message(text, nlp, glossary, lawbook, args.today, None, max_chars)
    print("\n\n".join(render_reply(r, responses, defaults) for r in replies))
    return 0
