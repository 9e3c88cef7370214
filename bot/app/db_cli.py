"""`borger db ...`: the app tables under Alembic migrations (``migrations/``).

borger db upgrade [REV] [--sql]    bring the database to REV (default: head); --sql prints it
borger db downgrade REV            take it back to REV ("base": no app tables)
borger db current                  the revision the database is at
borger db check                    exit 1 if the database is not at head
borger db history                  every revision, newest first
borger db revision -m "MESSAGE"    a new revision: the models against a throwaway SQLite
                                   database at head (autogenerate); --empty for data

The URL is ``BORGER_DATABASE_URL`` (default ``sqlite:///var/app.db``). A database made
before the migrations (by ``create_all``, no ``alembic_version`` table) is adopted: the
missing tables are created and, if it then matches the models, it is stamped at head.
How to write a revision: docs/migrations.md.
"""

from __future__ import annotations

import argparse
import logging
import re
import tempfile
from pathlib import Path
from typing import Any, List, Sequence

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url

from bot.app.schema import create_schema, metadata
from bot.core.settings import ROOT
from bot.infra.db import make_engine

log = logging.getLogger(__name__)

MIGRATIONS_DIR = ROOT / "migrations"
VERSION_TABLE = "alembic_version"


class SchemaError(Exception):
    """The database cannot be brought to the models' schema without a person."""


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    """Alembic's configuration without an alembic.ini: the script folder, the URL or an
    open connection (``migrations/env.py`` reads them), and ruff on new revisions."""
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)  # chatty
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    cfg.set_main_option("truncate_slug_length", "40")
    # Generated revisions are formatted and linted like the rest of the code.
    cfg.set_section_option("post_write_hooks", "hooks", "ruff_format, ruff_fix")
    for name, options in (
        ("ruff_format", "format REVISION_SCRIPT_FILENAME"),
        ("ruff_fix", "check --fix REVISION_SCRIPT_FILENAME"),
    ):
        cfg.set_section_option("post_write_hooks", f"{name}.type", "module")
        cfg.set_section_option("post_write_hooks", f"{name}.module", "ruff")
        cfg.set_section_option("post_write_hooks", f"{name}.options", options)
    if url is not None:
        cfg.attributes["url"] = url
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Only the app's tables: a database may also hold Rasa's tracker store (``events``)
    or other tables nobody here declared; autogenerate must not drop them."""
    return not (type_ == "table" and reflected and compare_to is None)


def schema_differences(connection: Connection) -> List[Any]:
    """What differs between the database and the models (empty: they agree)."""
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": include_object,
        },
    )
    return list(compare_metadata(context, metadata))


def _app_tables_present(engine: Engine) -> bool:
    present = set(inspect(engine).get_table_names())
    return bool(present & set(metadata.tables)) and VERSION_TABLE not in present


def adopt_legacy(engine: Engine) -> bool:
    """A database made by ``create_all`` before the migrations: create what is missing
    and stamp it at head if it then agrees with the models. False: nothing to adopt."""
    if not _app_tables_present(engine):
        return False
    create_schema(engine)
    with engine.connect() as conn:
        diffs = schema_differences(conn)
    if diffs:
        raise SchemaError(
            "Databasen er lavet før migreringerne og passer ikke til modellerne; "
            f"ret den i hånden eller start forfra. Forskelle: {diffs[:5]}"
        )
    with engine.begin() as conn:
        command.stamp(alembic_config(connection=conn), "head")
    log.warning("database made before the migrations: stamped at head")
    return True


def ensure_database(url: str) -> bool:
    """Create a missing PostgreSQL database (True: created). SQLite files make
    themselves."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    admin = create_engine(
        parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", future=True
    )
    try:
        with admin.connect() as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}
            ).first()
            if exists:
                return False
            conn.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        admin.dispose()
    log.info("created the PostgreSQL database %s", parsed.database)
    return True


def upgrade(url: str, revision: str = "head") -> str | None:
    """Bring the database at ``url`` to ``revision``; returns the revision it is at."""
    engine = make_engine(url)
    try:
        if revision == "head":
            adopt_legacy(engine)
        with engine.begin() as conn:
            command.upgrade(alembic_config(connection=conn), revision)
        return current_revision(engine)
    finally:
        engine.dispose()


def downgrade(url: str, revision: str) -> str | None:
    """Take the database back to ``revision`` ("base": no app tables)."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), revision)
        return current_revision(engine)
    finally:
        engine.dispose()


def check(url: str) -> str | None:
    """None when the database is at head; otherwise a Danish sentence saying what to do."""
    engine = make_engine(url)
    try:
        at, head = current_revision(engine), head_revision()
    finally:
        engine.dispose()
    if at == head:
        return None
    return (
        f"Databasen er på version {at or 'ingen'}, koden venter {head}: "
        "kør 'borger db upgrade'."
    )


def next_revision_id() -> str:
    """Revisions are numbered 0001, 0002, ... so the folder lists them in order."""
    numbers = [
        int(m.group(1))
        for p in (MIGRATIONS_DIR / "versions").glob("*.py")
        if (m := re.match(r"(\d{4})_", p.name))
    ]
    return f"{max(numbers, default=0) + 1:04d}"


def _revision(message: str, autogenerate: bool) -> None:
    """Generate against a throwaway SQLite database at head, never a real one."""
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'head.db'}"
        upgrade(url)
        command.revision(
            alembic_config(url),
            message=message,
            autogenerate=autogenerate,
            rev_id=next_revision_id(),
        )


def main(argv: Sequence[str], url: str) -> int:
    parser = argparse.ArgumentParser(prog="borger db", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="action", required=True)
    up = sub.add_parser("upgrade")
    up.add_argument("revision", nargs="?", default="head")
    up.add_argument("--sql", action="store_true", help="print the SQL instead of running it")
    down = sub.add_parser("downgrade")
    down.add_argument("revision")
    sub.add_parser("current")
    sub.add_parser("check")
    sub.add_parser("history")
    rev = sub.add_parser("revision")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--empty", action="store_true", help="no autogenerate (data migrations)")
    args = parser.parse_args(list(argv))

    try:
        if args.action == "upgrade" and args.sql:
            command.upgrade(alembic_config(url), args.revision, sql=True)
        elif args.action == "upgrade":
            ensure_database(url)
            print(f"Databasen er på version {upgrade(url, args.revision)}.")
        elif args.action == "downgrade":
            print(f"Databasen er på version {downgrade(url, args.revision) or 'ingen'}.")
        elif args.action == "current":
            engine = make_engine(url)
            try:
                print(current_revision(engine) or "ingen")
            finally:
                engine.dispose()
        elif args.action == "check":
            problem = check(url)
            print(problem or "Databasen er opdateret.")
            return 1 if problem else 0
        elif args.action == "history":
            command.history(alembic_config(url))
        else:
            _revision(args.message, autogenerate=not args.empty)
    except SchemaError as exc:
        print(f"FEJL: {exc}")
        return 1
    return 0
