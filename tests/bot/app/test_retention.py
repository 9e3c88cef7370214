from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, text

from bot.app.retention import purge_conversations

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
