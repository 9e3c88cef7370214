"""The schema: every module that declares tables on ``bot.infra.db.Base``.

Add a feature's module here when it gets tables. ``create_schema`` creates what is
missing; ``shared_session_factory`` gives a long-running process (the action server)
one engine per URL, with the schema created on first use.
"""

from __future__ import annotations

import threading
from typing import Dict

from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.features.booking import tables as booking  # noqa: F401 - tables
from bot.features.cases import tables as cases  # noqa: F401 - tables
from bot.features.fuldmagt import service as fuldmagt  # noqa: F401 - tables
from bot.infra import outbox  # noqa: F401 - tables
from bot.infra.db import Base, make_engine, make_session_factory


def create_schema(engine: Engine) -> None:
    Base.metadata.create_all(engine)


_shared: Dict[str, sessionmaker] = {}
_shared_lock = threading.Lock()


def shared_session_factory(url: str) -> sessionmaker:
    """One engine per URL for a long-running process, created with the schema."""
    with _shared_lock:
        factory = _shared.get(url)
        if factory is None:
            engine = make_engine(url)
            create_schema(engine)
            factory = make_session_factory(engine)
            _shared[url] = factory
        return factory
