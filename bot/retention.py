"""Retention of conversations in Rasa's tracker store.

Conversations hold what citizens wrote (CPR numbers are already masked, but
names, e-mail addresses and health details may be there). They are deleted
``retention_days`` after their last event. The outbox worker runs this with
its hourly purge (wired in ``bot.cli``), and `borger purge` runs it at once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from sqlalchemy import inspect, text

from bot.db import make_engine

log = logging.getLogger(__name__)


def purge_conversations(tracker_url: str, cutoff: datetime) -> int:
    """Delete every conversation whose newest event is older than ``cutoff``
    (naive UTC or aware). Returns the number of events deleted."""
    if cutoff.tzinfo is None:
        cutoff = cutoff.replace(tzinfo=timezone.utc)
    engine = make_engine(tracker_url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as conn:
            result = conn.execute(
                text(
                    "DELETE FROM events WHERE sender_id IN ("
                    " SELECT sender_id FROM events GROUP BY sender_id"
                    " HAVING MAX(timestamp) < :cutoff)"
                ),
                {"cutoff": cutoff.timestamp()},
            )
            deleted = int(result.rowcount or 0)
    finally:
        engine.dispose()
    if deleted:
        log.info("retention: deleted %d tracker events of old conversations", deleted)
    return deleted
