"""`borger`: the project's own commands.

    borger run                 train if needed and run everything (see bot/run.py)
    borger train               train the Rasa model (skipped when nothing changed)
    borger route [...]         competence decision for texts (JSON lines)
    borger explain [...]       explain terms, deadlines and laws in a letter (JSON)
    borger worker              the e-mail outbox worker
    borger db-init             create the app database tables and seed data
    borger rasa ARGS...        Rasa's command line with the privacy choke point
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import List

COMMANDS = ("run", "train", "route", "explain", "worker", "db-init", "rasa")


def _usage() -> int:
    print(__doc__.strip())
    return 2


def main(argv: List[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        return _usage()
    command, rest = args[0], args[1:]
    from bot.settings import get_settings

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    if command == "run":
        from bot.run import run_all

        return run_all(settings)
    if command == "train":
        from bot.nlu import train

        print(train(settings.models_dir))
        return 0
    if command == "route":
        from bot.route_cli import main as route_main

        return route_main(rest)
    if command == "explain":
        from bot.explain import explain_cli

        return explain_cli(rest)
    if command == "worker":
        from bot.outbox import run_worker

        stop = threading.Event()
        try:
            run_worker(settings, stop)
        except KeyboardInterrupt:
            stop.set()
        return 0
    if command == "db-init":
        from bot.db import create_schema, make_engine

        engine = make_engine(settings.app_database_url)
        create_schema(engine)
        engine.dispose()
        return 0
    if command == "rasa":
        from bot.rasa_main import main as rasa_main

        rasa_main(rest)
        return 0
    return _usage()


if __name__ == "__main__":
    sys.exit(main())
