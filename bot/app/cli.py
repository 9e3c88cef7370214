"""`borger`: the project's own commands.

borger run                 train if needed and run everything (see bot/app/run.py)
borger run --prod          production mode: N Rasa replicas behind nginx, PostgreSQL, Redis
                           (bot/app/prod.py, docs/deployment.md)
borger prod-config         write var/endpoints.yml and var/nginx/nginx.conf (the systemd units)
borger train               train the Rasa model (skipped when nothing changed)
borger route [...]         competence decision for texts (JSON lines)
borger explain [...]       explain terms, deadlines and laws in a letter (JSON)
borger worker              the e-mail outbox worker
borger db ACTION           the app tables' migrations: upgrade, downgrade, current, check,
                           history, revision (bot/app/db_cli.py)
borger db-init             migrate the app database and load booking hours if none
borger booking-sync        load content/booking.yml (office hours, closed days) into the database
borger purge               delete personal data older than BORGER_RETENTION_DAYS now
borger rasa ARGS...        Rasa's command line with the privacy choke point
borger staff ACTION        staff portal users: add NAME --role R, list, disable NAME,
                           reset-password NAME (passwords from standard input; staff_cli.py)
borger audit [--json]      the audit log of the staff portal (--json: one JSON list)
borger models list|activate ID|rollback   the model registry (training_cli.py)
borger retrain [--json]    guarded retrain: train, evaluate, activate only if not worse
borger inbox scan          read new conversations into the office's training inbox
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
    "prod-config",
    "db",
    "db-init",
    "booking-sync",
    "purge",
    "rasa",
    "staff",
    "audit",
    "models",
    "retrain",
    "inbox",
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
    from bot.core import process

    process.harden()  # var/ files 0600, folders 0700; no CPR number in any log record

    if command == "run" and rest == ["--prod"]:
        from bot.app.prod import run_production

        return run_production(settings)
    if command == "prod-config":
        from bot.app.prod import write_config

        for path in write_config(settings):
            print(path)
        return 0
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
    if command in ("models", "retrain", "inbox"):
        from bot.app.training_cli import main as training_main

        return training_main(command, rest, settings)
    if command == "db":
        from bot.app.db_cli import main as db_main

        return db_main(rest, settings.app_database_url)
    if command in ("db-init", "booking-sync", "purge"):
        return _database_command(command, settings)
    if command == "rasa":
        from bot.rasa.main import main as rasa_main

        rasa_main(rest)
        return 0
    if command in ("staff", "audit"):
        from bot.app.staff_cli import audit_main, staff_main

        return staff_main(rest, settings) if command == "staff" else audit_main(rest, settings)
    return _usage()


def _database_command(command: str, settings: Settings) -> int:
    from bot.app.db_cli import upgrade
    from bot.app.retention import run_policy
    from bot.app.schema import ensure_embedded_schema
    from bot.features.booking import sync as booking
    from bot.infra.db import make_engine, make_session_factory, session_scope

    if command == "db-init":
        upgrade(settings.app_database_url)
    engine = make_engine(settings.app_database_url)
    try:
        ensure_embedded_schema(engine)
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
                settings.case_retention_days,
                outbox_dir=settings.mail_outbox_dir,
                conversation_max_days=settings.conversation_max_days,
            )
            print(
                f"Slettet: personoplysninger i {done['mails']} e-mails, {done['fuldmagt']} "
                f"fuldmagtsbestillinger, {done['bookings']} bookinger, "
                f"{done['cases']} afsluttede sager, "
                f"{done['conversations']} hændelser i gamle samtaler "
                f"og {done['outbox_files']} gamle .eml-filer."
            )
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
