"""The retention policy: every purge of personal data, listed in one place.

Each purge runs in its own transaction, so one failing purge neither blocks nor
rolls back the others. The worker runs the policy at start and every hour, and
`borger purge` runs it at once. ``retention_days`` is the setting
``BORGER_RETENTION_DAYS`` (default 30); ``case_retention_days`` is
``BORGER_CASE_RETENTION_DAYS`` (default 365).

| purge | what | counted from |
|---|---|---|
| ``mails`` | address, subject and body of outbox mails (a queued one is given up) | created |
| ``fuldmagt`` | fuldmagt requests (the keyed address hash and the conversation id) | created |
| ``bookings`` | bookings and their blocked times | the meeting, or the cancellation |
| ``conversations`` | Rasa tracker events of a conversation | its newest event; its first |
| | event after ``conversation_max_days``, however long it is kept alive | |
| ``outbox_files`` | ``.eml`` files the embedded mailer wrote into ``var/outbox`` | written |
| ``cases`` | a closed case without legal hold: transcript, summary, notes | closing |
| ``staff_logins`` | staff login attempts (with address), old staff sessions | last use |
| ``mail_limits`` | keyed hashes counted by the mail limits; mailboxes' confirmations | created |
| ``training`` | training inbox, "Hjalp svaret?" answers, examples' provenance | the message |
| ``chat_presence`` | when a handed-over conversation's page last asked for news | a day |
| | (a live chat's messages belong to its case and go with it) | |

A deleted case leaves its number in the audit log and an anonymous row in the
report's tally (``bot.features.cases.tally``); ``cases`` counts from the closing,
``case_retention_days`` days.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Dict, List, Tuple

from sqlalchemy import inspect, text
from sqlalchemy.orm import Session, sessionmaker

from bot.core.settings import CASE_RETENTION_DAYS
from bot.features.booking.commands import purge_expired as purge_bookings
from bot.features.cases.casework import purge_closed as purge_cases
from bot.features.fuldmagt.service import purge_requests
from bot.features.live.service import purge_presence
from bot.features.staff.sessions import purge_old as purge_staff_logins
from bot.features.training.examples import purge as purge_training
from bot.infra.db import make_engine, session_scope
from bot.infra.outbox import purge_personal_data, utc_naive
from bot.infra.recipients import purge_mail_records

log = logging.getLogger(__name__)

AppPurge = Callable[[Session, datetime, int], int]

# (name, purge of app data): fn(session, now, retention_days) -> rows purged.
APP_PURGES: List[Tuple[str, AppPurge]] = [
    ("mails", lambda s, now, days: purge_personal_data(s, days, now=now)),
    ("fuldmagt", lambda s, now, days: purge_requests(s, utc_naive(now) - timedelta(days=days))),
    ("bookings", lambda s, now, days: purge_bookings(s, now=now, retention_days=days)),
    ("staff_logins", lambda s, now, days: purge_staff_logins(s, now=now, retention_days=days)),
    ("mail_limits", lambda s, now, days: purge_mail_records(s, now - timedelta(days=days))),
    ("training", lambda s, now, days: purge_training(s, now, days)),
    ("chat_presence", lambda s, now, days: purge_presence(s, now=now)),
]


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


def purge_conversations(
    tracker_url: str, cutoff: datetime, first_cutoff: datetime | None = None
) -> int:
    """Delete every conversation whose newest event is older than ``cutoff``, or whose
    first event is older than ``first_cutoff`` (naive UTC or aware). Returns the number
    of events deleted."""
    cutoff = _aware(cutoff)
    first = _aware(first_cutoff).timestamp() if first_cutoff is not None else 0.0
    engine = make_engine(tracker_url)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as conn:
            result = conn.execute(
                text(
                    "DELETE FROM events WHERE sender_id IN ("
                    " SELECT sender_id FROM events GROUP BY sender_id"
                    " HAVING MAX(timestamp) < :cutoff OR MIN(timestamp) < :first)"
                ),
                {"cutoff": cutoff.timestamp(), "first": first},
            )
            deleted = int(result.rowcount or 0)
    finally:
        engine.dispose()
    if deleted:
        log.info("retention: deleted %d tracker events of old conversations", deleted)
    return deleted


def purge_outbox_files(outbox_dir: Path | None, cutoff: datetime) -> int:
    """Delete the ``.eml`` files in ``outbox_dir`` written before ``cutoff``."""
    if outbox_dir is None or not outbox_dir.is_dir():
        return 0
    limit = _aware(cutoff).timestamp()
    deleted = 0
    for path in outbox_dir.glob("*.eml"):
        try:
            if path.is_file() and path.stat().st_mtime < limit:
                path.unlink()
                deleted += 1
        except FileNotFoundError:
            continue  # deleted meanwhile
    if deleted:
        log.info("retention: deleted %d old .eml files in the outbox folder", deleted)
    return deleted


def run_policy(
    app: sessionmaker,
    tracker_url: str,
    now: datetime,
    retention_days: int,
    case_retention_days: int = CASE_RETENTION_DAYS,
    *,
    outbox_dir: Path | None = None,
    conversation_max_days: int | None = None,
) -> Dict[str, int]:
    """Run every purge, each in its own transaction; the rows purged per purge.

    A purge that fails is logged (without personal data) and counted as -1.
    """
    results: Dict[str, int] = {}

    def cases(session: Session, now: datetime, _: int) -> int:
        return purge_cases(session, now=now, retention_days=case_retention_days)

    for name, purge in [*APP_PURGES, ("cases", cases)]:
        try:
            with session_scope(app) as session:
                results[name] = purge(session, now, retention_days)
        except Exception as exc:  # noqa: BLE001 - the other purges still run
            log.error("retention: purge %s failed (%s)", name, type(exc).__name__)
            results[name] = -1
    try:
        cutoff = now - timedelta(days=retention_days)
        first = now - timedelta(days=conversation_max_days) if conversation_max_days else None
        results["conversations"] = purge_conversations(tracker_url, cutoff, first)
    except Exception as exc:  # noqa: BLE001
        log.error("retention: purge conversations failed (%s)", type(exc).__name__)
        results["conversations"] = -1
    try:
        files_cutoff = now - timedelta(days=retention_days)
        results["outbox_files"] = purge_outbox_files(outbox_dir, files_cutoff)
    except OSError as exc:
        log.error("retention: purge outbox_files failed (%s)", type(exc).__name__)
        results["outbox_files"] = -1
    return results
