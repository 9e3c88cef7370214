"""The booking actions' settings, clock and database (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app.bootstrap import override
from bot.core.settings import ROOT
from bot.features import booking as bk
from bot.infra.db import make_engine, make_session_factory, session_scope
from tests.actions.booking.helpers import NOW
from tests.fakes import services


@pytest.fixture
def factory(session_factory, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The actions' services: a fixed clock and the (seeded) test database."""
    with session_scope(session_factory) as session:
        bk.seed_from_file(session, ROOT / "content" / "booking.yml", now=NOW)
    with override(services(tmp_path, at=NOW, sessions=session_factory)):
        yield session_factory


@pytest.fixture
def db_down(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A database that refuses connections."""
    engine = make_engine("postgresql://postgres@127.0.0.1:1/nothing")
    with override(services(tmp_path, at=NOW, sessions=make_session_factory(engine))):
        yield
    engine.dispose()
