"""The booking tests' session: one unit of work per test, never committed.

Every test that touches the database runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def session(session_factory):  # type: ignore[no-untyped-def]
    s = session_factory()
    yield s
    s.close()
