"""The e-mail outbox as staff see it: fuldmagt and booking mails, queued, sent, failing.

Read from ``bot.infra.outbox`` (``outbox_mail``); no addresses or contents are shown,
only the kind of mail, its state, attempts and the last error (never personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.features.booking.tables import UTC
from bot.infra.outbox import FAILED, QUEUED, SENT, OutboxMail

KINDS = {"fuldmagt": "Fuldmagt", "booking": "Møde", "purged": "Slettet efter opbevaringstid"}
STATES = {QUEUED: "I kø", SENT: "Sendt", FAILED: "Fejlet"}


@dataclass(frozen=True)
class MailRow:
    id: int
    kind: str
    status: str
    attempts: int
    created_at: datetime  # aware, local
    next_attempt_at: datetime | None
    last_error: str | None

    @property
    def status_label(self) -> str:
        return STATES.get(self.status, self.status)


@dataclass(frozen=True)
class MailStatus:
    counts: Dict[str, Dict[str, int]]  # kind label -> status -> count
    pending: List[MailRow]  # queued and failed, newest first


def kind_of(key: str) -> str:
    prefix = (key or "").split(":", 1)[0]
    return KINDS.get(prefix, "Anden")


def status(session: Session, *, tz: str, limit: int = 100) -> MailStatus:
    zone = ZoneInfo(tz)
    counts: Dict[str, Dict[str, int]] = {}
    for key_prefix, state, n in session.execute(
        select(
            func.substr(OutboxMail.key, 1, 8), OutboxMail.status, func.count(OutboxMail.id)
        ).group_by(func.substr(OutboxMail.key, 1, 8), OutboxMail.status)
    ).all():
        per_kind = counts.setdefault(kind_of(key_prefix), {s: 0 for s in STATES})
        per_kind[state] = per_kind.get(state, 0) + int(n)
    rows = session.execute(
        select(OutboxMail)
        .where(OutboxMail.status.in_((QUEUED, FAILED)))
        .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
        .limit(limit)
    ).scalars()
    pending = [
        MailRow(
            id=m.id,
            kind=kind_of(m.key),
            status=m.status,
            attempts=m.attempts,
            created_at=m.created_at.replace(tzinfo=UTC).astimezone(zone),
            next_attempt_at=(
                m.next_attempt_at.replace(tzinfo=UTC).astimezone(zone)
                if m.status == QUEUED
                else None
            ),
            last_error=m.last_error,
        )
        for m in rows
    ]
    return MailStatus(counts=counts, pending=pending)
