"""The retention policy: every purge of personal data, listed in one place.

Each purge runs in its own transaction, so one failing purge neither blocks nor
rolls back the others. The worker runs the policy at start and every hour, and
`borger purge` runs it at once. ``retention_days`` is the setting
``BORGER_RETENTION_DAYS`` (default 30).

| purge | what | counted from |
|---|---|---|
| ``mails`` | address, subject and body of outbox mails (a queued one is given up) | created |
| ``fuldmagt`` | fuldmagt requests (the keyed address hash and the conversation id) | created |
| ``bookings`` | bookings and their blocked times | the meeting, or the cancellation |
| ``conversations`` | Rasa tracker events of a conversation | its newest event |
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Callable, Dict, List, Tuple

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session, sessionmaker

from bot.features.booking.commands import purge_expired as purge_bookings
from bot.features.fuldmagt.service import purge_requests
from bot.infra.db import make_engine, session_scope
from bot.infra.outbox import purge_personal_data, utc_naive

log = logging.getLogger(__name__)

AppPurge = Callable[[Session, datetime, int], int]

# (name, purge of app data): fn(session, now, retention_days) -> rows purged.
APP_PURGES: List[Tuple[str, AppPurge]] = [
    ("mails", lambda s, now, days: purge_personal_data(s, days, now=now)),
    ("fuldmagt", lambda s, now, days: purge_requests(s, utc_naive(now) - timedelta(days=days))),
    ("bookings", lambda s, now, days: purge_bookings(s, now=now, retention_days=days)),
]


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


def run_policy(
    app: sessionmaker, tracker_url: str, now: datetime, retention_days: int
) -> Dict[str, int]:
    """Run every purge, each in its own transaction; the rows purged per purge.

    A purge that fails is logged (without personal data) and counted as -1.
    """
    results: Dict[str, int] = {}
    for name, purge in APP_PURGES:
        try:
            with session_scope(app) as session:
                results[name] = purge(session, now, retention_days)
        except Exception as exc:  # noqa: BLE001 - the other purges still run
            log.error("retention: purge %s failed (%s)", name, type(exc).__name__)
            results[name] = -1
    try:
        cutoff = now - timedelta(days=retention_days)
        results["conversations"] = purge_conversations(tracker_url, cutoff)
    except Exception as exc:  # noqa: BLE001
        log.error("retention: purge conversations failed (%s)", type(exc).__name__)
        results["conversations"] = -1
    return results
