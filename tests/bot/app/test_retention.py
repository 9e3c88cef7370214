import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.app.retention import purge_conversations, purge_outbox_files, run_policy

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)


def make_events(url: str) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255),"
                " type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
            )
        )
        rows = [
            (1, "old", (NOW - timedelta(days=40)).timestamp()),
            (2, "old", (NOW - timedelta(days=35)).timestamp()),
            (3, "mixed", (NOW - timedelta(days=40)).timestamp()),
            (4, "mixed", (NOW - timedelta(days=2)).timestamp()),
            (5, "new", (NOW - timedelta(hours=1)).timestamp()),
        ]
        for id_, sender, ts in rows:
            conn.execute(
                text(
                    "INSERT INTO events (id, sender_id, type_name, timestamp, data)"
                    " VALUES (:i, :s, 'user', :t, '{}')"
                ),
                {"i": id_, "s": sender, "t": ts},
            )
    engine.dispose()


def senders(url: str) -> list[str]:
    engine = create_engine(url, future=True)
    with engine.connect() as conn:
        out = [r[0] for r in conn.execute(text("SELECT sender_id FROM events ORDER BY id"))]
    engine.dispose()
    return out


def test_whole_old_conversations_are_deleted_recent_ones_kept(db_url: str) -> None:
    make_events(db_url)
    deleted = purge_conversations(db_url, NOW - timedelta(days=30))
    assert deleted == 2
    # A conversation still in use keeps its old events too: it is deleted as a whole later.
    assert senders(db_url) == ["mixed", "mixed", "new"]


def test_no_tracker_store_yet_is_fine(db_url: str) -> None:
    assert purge_conversations(db_url, NOW) == 0


def test_a_conversation_kept_alive_is_deleted_after_the_maximum_age(db_url: str) -> None:
    make_events(db_url)
    # "mixed" began 40 days ago and is still in use: gone after a maximum age of 35 days.
    deleted = purge_conversations(
        db_url, NOW - timedelta(days=30), first_cutoff=NOW - timedelta(days=35)
    )
    assert deleted == 4
    assert senders(db_url) == ["new"]


def test_old_eml_files_in_the_outbox_folder_are_deleted(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    old, new, other = outbox / "old.eml", outbox / "new.eml", outbox / "notes.txt"
    for path in (old, new, other):
        path.write_text("Kære Hans", encoding="utf-8")
    forty_days_ago = (NOW - timedelta(days=40)).timestamp()
    os.utime(old, (forty_days_ago, forty_days_ago))
    os.utime(other, (forty_days_ago, forty_days_ago))
    os.utime(new, (NOW.timestamp(), NOW.timestamp()))
    assert purge_outbox_files(outbox, NOW - timedelta(days=30)) == 1
    assert sorted(p.name for p in outbox.iterdir()) == ["new.eml", "notes.txt"]
    assert purge_outbox_files(tmp_path / "missing", NOW) == 0


def test_the_policy_purges_outbox_files_and_kept_alive_conversations(
    session_factory, db_url: str, tmp_path: Path
) -> None:
    make_events(db_url)
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    old = outbox / "old.eml"
    old.write_text("x", encoding="utf-8")
    os.utime(old, ((NOW - timedelta(days=31)).timestamp(),) * 2)
    done = run_policy(
        session_factory, db_url, NOW, 30, outbox_dir=outbox, conversation_max_days=35
    )
    assert done["outbox_files"] == 1 and not old.exists()
    assert done["conversations"] == 4


def test_the_policy_deletes_closed_cases_after_the_case_retention_days(session_factory) -> None:  # type: ignore[no-untyped-def]
    from bot.app.retention import run_policy
    from bot.features.cases.tables import CLOSED, Case
    from bot.infra.db import session_scope
    from tests.casedata import add_case

    closed = NOW - timedelta(days=100)
    with session_scope(session_factory) as s:
        add_case(s, "BR-2026-0001", created=closed, status=CLOSED, closed_at=closed)
        add_case(s, "BR-2026-0002", created=closed, status=CLOSED, closed_at=closed,
                 legal_hold=True)  # fmt: skip
        add_case(s, "BR-2026-0003", created=closed)
    kept = run_policy(session_factory, "sqlite://", NOW, 30, case_retention_days=365)
    assert kept["cases"] == 0 and kept["staff_logins"] == 0
    done = run_policy(session_factory, "sqlite://", NOW, 30, case_retention_days=90)
    assert done["cases"] == 1
    with session_scope(session_factory) as s:
        assert sorted(c.number for c in s.query(Case)) == ["BR-2026-0002", "BR-2026-0003"]
