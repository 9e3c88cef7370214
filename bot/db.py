"""The one database engine and session factory for app data.

Nothing connects at import time: entry points call ``make_engine`` with the
URL from the settings and pass the engine (or a session factory) to services.
Feature modules declare their tables on ``Base``; ``create_schema`` creates
whatever is missing.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

Base = declarative_base()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("sqlite:///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, connect_args={"check_same_thread": False, "timeout": 30}
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    # Import the feature modules so their tables are registered on Base.
    import bot.models  # noqa: F401

    Base.metadata.create_all(engine)


@contextmanager
def session_scope(factory: sessionmaker) -> Iterator[Session]:
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


_shared: Dict[str, sessionmaker] = {}
_shared_lock = threading.Lock()


def shared_session_factory(url: str) -> sessionmaker:
    """One engine per URL for a long-running process (the action server),
    created with the schema on first use."""
    with _shared_lock:
        factory = _shared.get(url)
        if factory is None:
            engine = make_engine(url)
            create_schema(engine)
            factory = make_session_factory(engine)
            _shared[url] = factory
        return factory
