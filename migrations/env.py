"""Alembic environment for the app tables (``bot.infra.db.Base``; every module that
declares tables is imported by ``bot.app.schema``).

The database URL comes from the settings (``BORGER_DATABASE_URL``, default
``sqlite:///var/app.db``); ``bot.app.db_cli`` may hand over a URL or an open
connection instead (``config.attributes``). Run it through ``borger db ...``, not
the ``alembic`` command (there is no alembic.ini): see docs/migrations.md.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.app.db_cli import include_object
from bot.app.schema import metadata
from bot.infra.db import make_engine

config = context.config


def _url() -> str:
    url = config.attributes.get("url")
    if url:
        return str(url)
    from bot.core.settings import get_settings

    return get_settings().app_database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite cannot ALTER most things: Alembic copies the table ("batch mode").
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_offline() -> None:
    """``borger db upgrade --sql``: print the SQL instead of running it."""
    context.configure(
        url=_url(),
        target_metadata=metadata,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as conn:
            _configure(conn)
            conn.commit()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
