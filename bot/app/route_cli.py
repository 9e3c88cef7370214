"""`borger route`: the competence decision for texts, with the live model.

Only the NLU part of the model is loaded (``bot.rasa.model.NluModel`` runs the model's
own NLU graph nodes, not the dialogue policies), so the command starts in seconds and a
text is parsed exactly as the running assistant parses it."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from typing import IO, Iterator, List
from zoneinfo import ZoneInfo

from bot.core.privacy import redact
from bot.core.settings import get_settings
from bot.features.competence.content import cached_competence
from bot.features.competence.routing import Parse, decide
from bot.rasa.model import NluModel, latest_model


def _texts(args: argparse.Namespace, stdin: IO[str]) -> Iterator[str]:
    if args.jsonl:
        handle = stdin if args.jsonl == "-" else open(args.jsonl, encoding="utf-8")  # noqa: SIM115
        with handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    item = json.loads(line)
                    text = item["text"] if isinstance(item, dict) else None
                except (json.JSONDecodeError, KeyError):
                    text = None
                if not isinstance(text, str):
                    print(f'linje {number}: forventede {{"text": ...}}', file=sys.stderr)
                    continue
                yield text
    if args.text:
        yield " ".join(args.text)


def main(argv: List[str] | None = None, stdin: IO[str] = sys.stdin) -> int:
    parser = argparse.ArgumentParser(prog="borger route", description="Kompetencetjek for tekster.")
    parser.add_argument("--today", type=date.fromisoformat, help="reference day YYYY-MM-DD")
    parser.add_argument("--jsonl", help='JSON Lines file with {"text": ...} per line, or -')
    parser.add_argument("--model", help="model file (default: the newest in models/)")
    parser.add_argument("text", nargs="*")
    args = parser.parse_args(argv)
    if not args.jsonl and not args.text:
        parser.error("giv en tekst eller --jsonl FILE")

    settings = get_settings()
    today = args.today or datetime.now(ZoneInfo(settings.timezone)).date()
    model_path = args.model or latest_model(settings.models_dir)
    if model_path is None:
        print("Ingen model fundet. Kør `borger train` først.", file=sys.stderr)
        return 2
    data = cached_competence(settings.content_dir / "competence.yml")
    model = NluModel(model_path)
    try:
        for text in _texts(args, stdin):
            parse = model.parse(redact(text))
            decision = decide(Parse.from_rasa(parse), today, data)
            print(json.dumps(decision.as_json(text), ensure_ascii=False), flush=True)
    finally:
        model.close()
    return 0
