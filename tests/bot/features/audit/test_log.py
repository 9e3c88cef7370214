"""The audit log (bot/features/audit): append-only, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DatabaseError

from bot.features.audit import log as audit
from bot.features.audit.tables import AuditEntry
from bot.infra.db import session_scope
from tests.casedata import NOW

METTE = audit.Actor(7, "mette")


def test_entries_come_back_in_order_with_user_action_case_and_time(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        audit.record(s, METTE, audit.LOGIN, now=NOW)
        audit.record(s, METTE, audit.CASE_VIEW, now=NOW + timedelta(minutes=1), case="BR-2026-0001")
        audit.record(
            s, audit.Actor.system(), audit.CASE_DELETED, now=NOW + timedelta(minutes=2),
            case="BR-2025-0009",
        )  # fmt: skip
    with session_scope(session_factory) as s:
        lines = audit.entries(s)
        newest = audit.entries(s, newest_first=True, limit=1)
        only_case = audit.entries(s, case="BR-2026-0001")
        only_mette = audit.entries(s, user="mette")
    assert [(x.user, x.action, x.case) for x in lines] == [
        ("mette", "login", None),
        ("mette", "sag-vist", "BR-2026-0001"),
        ("system", "sag-slettet", "BR-2025-0009"),
    ]
    assert lines[1].as_dict() == {
        "user": "mette",
        "action": "sag-vist",
        "case": "BR-2026-0001",
        "time": "2026-12-01T10:01:00+01:00",
        "target": None,
        "detail": None,
    }
    assert lines[0].label == "Logget ind"
    assert [x.action for x in newest] == ["sag-slettet"]
    assert [x.action for x in only_case] == ["sag-vist"]
    assert len(only_mette) == 2


def test_an_unknown_action_is_refused(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s, pytest.raises(ValueError):
        audit.record(s, METTE, "slet-alt", now=NOW)


@pytest.mark.parametrize(
    "statement",
    [
        update(AuditEntry).values(username="en-anden"),
        delete(AuditEntry),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_an_entry(session_factory, statement) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        audit.record(s, METTE, audit.NOTE, now=NOW, case="BR-2026-0001")
    with pytest.raises(DatabaseError, match="append-only"), session_scope(session_factory) as s:
        s.execute(statement)
    with session_scope(session_factory) as s:
        assert [(x.user, x.action) for x in audit.entries(s)] == [("mette", "note")]


def test_postgresql_refuses_truncate_too(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        if s.get_bind().dialect.name != "postgresql":
            pytest.skip("TRUNCATE is PostgreSQL's")
        audit.record(s, METTE, audit.NOTE, now=NOW)
    with pytest.raises(DatabaseError, match="append-only"), session_scope(session_factory) as s:
        s.execute(text("TRUNCATE audit_log"))


def test_a_database_under_the_migrations_has_the_triggers_too(db_url: str) -> None:
    from bot.app import db_cli
    from bot.infra.db import make_engine, make_session_factory

    db_cli.upgrade(db_url)
    engine = make_engine(db_url)
    try:
        factory = make_session_factory(engine)
        with session_scope(factory) as s:
            audit.record(s, METTE, audit.LOGIN, now=NOW)
        with pytest.raises(DatabaseError, match="append-only"), session_scope(factory) as s:
            s.execute(delete(AuditEntry))
    finally:
        engine.dispose()
    assert db_cli.downgrade(db_url, "base") is None
