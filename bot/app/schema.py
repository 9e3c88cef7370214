"""The schema: every module that declares tables on ``bot.infra.db.Base``.

Add a feature's module here when it gets tables (and a migration: docs/migrations.md).
The schema is under Alembic migrations (``migrations/``, ``borger db upgrade``, run by
the setup and by ``borger run``). ``create_schema`` (create_all) is for tests and the
embedded SQLite file only: ``ensure_embedded_schema`` leaves PostgreSQL to the
migrations. ``shared_session_factory`` gives a long-running process (the action server)
one engine per URL.
"""

from __future__ import annotations

import threading
from typing import Dict

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.features.audit import tables as audit  # noqa: F401 - tables
from bot.features.booking import guard as booking_guard  # noqa: F401 - tables
from bot.features.booking import tables as booking  # noqa: F401 - tables
from bot.features.cases import tables as cases  # noqa: F401 - tables
from bot.features.cases import tally as case_tally  # noqa: F401 - tables
from bot.features.fuldmagt import service as fuldmagt  # noqa: F401 - tables
from bot.features.live import tables as live  # noqa: F401 - tables
from bot.features.staff import tables as staff  # noqa: F401 - tables
from bot.features.training import tables as training  # noqa: F401 - tables
from bot.infra import outbox, recipients  # noqa: F401 - tables
from bot.infra.db import Base, make_engine, make_session_factory

metadata = Base.metadata


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


def ensure_embedded_schema(engine: Engine) -> None:
    """Create missing tables in an embedded SQLite file; production databases
    (PostgreSQL) change only through the migrations."""
    if engine.dialect.name == "sqlite":
        create_schema(engine)


_shared: Dict[str, sessionmaker] = {}
_shared_lock = threading.Lock()


def shared_session_factory(url: str) -> sessionmaker:
    """One engine per URL for a long-running process (SQLite: schema created)."""
    with _shared_lock:
        factory = _shared.get(url)
        if factory is None:
            engine = make_engine(url)
            ensure_embedded_schema(engine)
            factory = make_session_factory(engine)
            _shared[url] = factory
        return factory
