"""The SQL tracker store the Rasa servers use (SQLite embedded, PostgreSQL in production).

Rasa's ``SQLTrackerStore`` with four changes:

- **Errors are errors.** Rasa wraps every tracker store in a ``FailSafeTrackerStore``
  that, when the database is down, hands out an *empty* tracker (the conversation
  silently starts over) and keeps new events in the memory of one replica, where they
  are lost. ``install()`` (called by ``bot.rasa.main``) makes Rasa use this store
  unwrapped: a database error fails the message, the REST channel answers 503
  (``bot.rasa.rest``) and the web app shows the Danish "try again / call us" text.
  Nothing is acknowledged that was not stored.
- **Connections are checked** before use (``pool_pre_ping``), so the Rasa servers
  recover by themselves after PostgreSQL restarts.
- **SQLite** (embedded) runs in WAL mode with ``synchronous=NORMAL`` and keeps its
  connections open: a save was two fsyncs (15 ms here), now it is none. A power cut
  may lose the last commits; a crashed process loses nothing.
- **Saving** appends the events the tracker got since it was read, in one multi-row
  INSERT, instead of counting the conversation's stored events on every save and adding
  them one ORM object at a time (Rasa's way); reading takes the event column only. The
  count is kept on the tracker object read under the conversation lock; a tracker that
  was not read from here falls back to Rasa's count.

endpoints.yml: ``tracker_store: {type: bot.rasa.tracker_store.BorgerTrackerStore,
dialect, url, port, db, username, password}`` (``bot.rasa.endpoints`` writes it).
"""

from __future__ import annotations

import itertools
import json
import logging
from typing import Any, Dict, Iterator

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

logger = logging.getLogger(__name__)

# Attribute set on trackers read from this store: how many of its events are stored.
STORED = "_borger_stored_events"

_installed = False


class BorgerTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first: sa.engine.Engine = self.engine  # type: ignore[has-type]
        url = first.url
        first.dispose()
        engine_kwargs: Dict[str, Any] = create_engine_kwargs(url)
        if url.get_backend_name() == "sqlite":
            # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool); closing
            # the last one checkpoints the WAL (an fsync) on every save. Keep them open.
            engine_kwargs.update(
                poolclass=QueuePool,
                pool_size=2,
                max_overflow=8,
                connect_args={"check_same_thread": False, "timeout": 30},
            )
        self.engine = sa.create_engine(url, pool_pre_ping=True, **engine_kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The latest session's events (Rasa's query), read as plain rows."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            rows = query.with_entities(self.SQLEvent.data).all()
        if not rows or not self.domain:
            return None
        events = [json.loads(data) for (data,) in rows]
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's save (event broker, the same columns) with one multi-row INSERT."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = []
            for e in self._additional_events(session, tracker):
                data = e.as_dict()
                rows.append(
                    {
                        "sender_id": tracker.sender_id,
                        "type_name": e.type_name,
                        "timestamp": data.get("timestamp"),
                        "intent_name": data.get("parse_data", {})
                        .get("intent", {})
                        .get(INTENT_NAME_KEY),
                        "action_name": data.get("name"),
                        "data": json.dumps(data),
                    }
                )
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        setattr(tracker, STORED, len(tracker.events))

    def _additional_events(self, session: Session, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, STORED, None)
        if stored is None or stored > len(tracker.events):
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, len(tracker.events))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def install() -> None:
    """Make Rasa's Agent use a ``BorgerTrackerStore`` without the FailSafe wrapper
    (idempotent). Other tracker stores keep Rasa's behaviour."""
    global _installed
    if _installed:
        return
    from rasa.core.agent import Agent

    original = Agent._create_tracker_store

    def _create_tracker_store(store: Any, domain: Any) -> Any:
        if isinstance(store, BorgerTrackerStore):
            store.domain = domain
            return store
        return original(store, domain)

    Agent._create_tracker_store = staticmethod(_create_tracker_store)  # type: ignore[method-assign]
    _installed = True
