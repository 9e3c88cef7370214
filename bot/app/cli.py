"""`borger`: the project's own commands.

borger run                 train if needed and run everything (see bot/app/run.py)
borger train               train the Rasa model (skipped when nothing changed)
borger route [...]         competence decision for texts (JSON lines)
borger explain [...]       explain terms, deadlines and laws in a letter (JSON)
borger worker              the e-mail outbox worker
borger db-init             create the app database tables and load booking hours if none
borger booking-sync        load content/booking.yml (office hours, closed days) into the database
borger purge               delete personal data older than BORGER_RETENTION_DAYS now
borger rasa ARGS...        Rasa's command line with the privacy choke point
"""

from __future__ import annotations

import logging
import sys
import threading
from datetime import datetime, timezone
from typing import TYPE_CHECKING, List

if TYPE_CHECKING:
    from bot.core.settings import Settings

COMMANDS = (
    "run",
    "train",
    "route",
    "explain",
    "worker",
    "db-init",
    "booking-sync",
    "purge",
    "rasa",
)


def _usage() -> int:
    print(__doc__.strip())
    return 2


def main(argv: List[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help") or args[0] not in COMMANDS:
        return _usage()
    command, rest = args[0], args[1:]
    from bot.core.settings import get_settings

    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    if command == "run":
        from bot.app.run import run_all

        return run_all(settings)
    if command == "train":
        from bot.rasa.model import train

        print(train(settings.models_dir))
        return 0
    if command == "route":
        from bot.app.route_cli import main as route_main

        return route_main(rest)
    if command == "explain":
        from bot.app.explain_cli import explain_cli

        return explain_cli(rest)
    if command == "worker":
        from bot.app.worker import run_worker

        stop = threading.Event()
        try:
            run_worker(settings, stop)
        except KeyboardInterrupt:
            stop.set()
        return 0
    if command in ("db-init", "booking-sync", "purge"):
        return _database_command(command, settings)
    if command == "rasa":
        from bot.rasa.main import main as rasa_main

        rasa_main(rest)
        return 0
    return _usage()


def _database_command(command: str, settings: Settings) -> int:
    from bot.app.retention import run_policy
    from bot.app.schema import create_schema
    from bot.features.booking import sync as booking
    from bot.infra.db import make_engine, make_session_factory, session_scope

    engine = make_engine(settings.app_database_url)
    try:
        create_schema(engine)
        factory = make_session_factory(engine)
        path = settings.content_dir / "booking.yml"
        if command == "db-init":
            with session_scope(factory) as session:
                booking.ensure_seeded(session, path, tz=settings.timezone)
        elif command == "booking-sync":
            with session_scope(factory) as session:
                report = booking.seed_from_file(session, path, tz=settings.timezone)
            print(
                f"Indlæst: {report.advisors} rådgivere, {report.hours} åbningstider, "
                f"{report.closed_days} lukkedage."
            )
            if report.conflicts:
                print(
                    "Bookinger uden for de nye tider (kontakt borgerne): "
                    + ", ".join(report.conflicts)
                )
        else:
            done = run_policy(
                factory,
                settings.tracker_database_url,
                datetime.now(timezone.utc),
                settings.retention_days,
            )
            print(
                f"Slettet: personoplysninger i {done['mails']} e-mails, {done['fuldmagt']} "
                f"fuldmagtsbestillinger, {done['bookings']} bookinger og "
                f"{done['conversations']} hændelser i gamle samtaler."
            )
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
