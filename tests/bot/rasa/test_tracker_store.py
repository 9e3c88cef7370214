"""The tracker store on SQLite and the local PostgreSQL: events appended once, in order;
database errors reach the caller (no silent fresh tracker); SQLite without fsyncs."""

from __future__ import annotations

import asyncio
import socket

import pytest
from rasa.core.agent import Agent
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bot.core.settings import ROOT
from bot.rasa import tracker_store
from bot.rasa.endpoints import TRACKER_STORE, tracker_store_config
from bot.rasa.tracker_store import BorgerTrackerStore

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def make_store(url: str) -> BorgerTrackerStore:
    """The store the way Rasa builds it from endpoints.yml."""
    config = tracker_store_config(url)
    assert config.pop("type") == TRACKER_STORE
    return BorgerTrackerStore(domain=DOMAIN, host=config.pop("url", None), **config)


def turn(tracker: DialogueStateTracker, n: int) -> None:
    tracker.update(UserUttered(f"besked {n}", {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered(f"svar {n}"))
    tracker.update(ActionExecuted("action_listen"))


def stored_rows(store: BorgerTrackerStore, sender: str) -> list:
    with store.engine.connect() as conn:
        return [
            row[0]
            for row in conn.execute(
                text("SELECT type_name FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender},
            )
        ]


def test_each_event_is_stored_once_in_order(db_url: str) -> None:
    store = make_store(db_url)

    async def main() -> DialogueStateTracker:
        tracker = DialogueStateTracker("conv", DOMAIN.slots)
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(ActionExecuted("action_listen"))
        await store.save(tracker)
        for n in range(5):
            tracker = await store.retrieve("conv")  # a new message: read, act, save
            assert tracker is not None
            turn(tracker, n)
            await store.save(tracker)
            await store.save(tracker)  # saving twice adds nothing
        again = await store.retrieve("conv")
        assert again is not None
        return again

    tracker = asyncio.run(main())
    rows = stored_rows(store, "conv")
    assert len(rows) == 3 + 5 * 4
    # A tracker is read from its latest session start on (Rasa's way).
    assert [e.type_name for e in tracker.events] == rows[rows.index("session_started"):]
    texts = [e.text for e in tracker.events if isinstance(e, UserUttered)]
    assert texts == [f"besked {n}" for n in range(5)]
    store.engine.dispose()


def test_a_tracker_not_read_from_the_store_is_saved_rasas_way(db_url: str) -> None:
    store = make_store(db_url)

    async def main() -> None:
        first = DialogueStateTracker("conv", DOMAIN.slots)
        first.update(ActionExecuted("action_listen"))
        await store.save(first)
        # Built elsewhere (e.g. Rasa's HTTP API): the stored events are counted.
        other = DialogueStateTracker("conv", DOMAIN.slots)
        other.update(ActionExecuted("action_listen"))
        turn(other, 1)
        await store.save(other)

    asyncio.run(main())
    assert len(stored_rows(store, "conv")) == 5
    store.engine.dispose()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_database_error_reaches_rasa_instead_of_a_fresh_tracker(tmp_path) -> None:
    """Rasa's FailSafeTrackerStore would answer None (the conversation starts over) and
    keep new events in memory; with install() the error fails the message."""
    tracker_store.install()
    store = make_store(f"sqlite:///{tmp_path / 'rasa.db'}")
    agent = Agent(domain=DOMAIN, tracker_store=store)
    assert agent.tracker_store is store  # not wrapped
    # The database goes away.
    store.engine = create_engine(f"postgresql://postgres@127.0.0.1:{_closed_port()}/gone")
    store.sessionmaker = sessionmaker(bind=store.engine)
    with pytest.raises(Exception, match="(?i)connect"):
        asyncio.run(agent.tracker_store.retrieve("conv"))
    tracker = DialogueStateTracker("conv", DOMAIN.slots)
    tracker.update(ActionExecuted("action_listen"))
    with pytest.raises(Exception, match="(?i)connect"):
        asyncio.run(agent.tracker_store.save(tracker))


def test_sqlite_runs_in_wal_mode_without_fsync_per_commit(tmp_path) -> None:
    store = make_store(f"sqlite:///{tmp_path / 'rasa.db'}")
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    store.engine.dispose()
