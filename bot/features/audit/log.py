"""Record audit entries and read them back (the admin page, ``borger audit --json``).

``record`` only ever inserts (flushed, not committed: it belongs to the caller's
unit of work, so an action and its audit entry are written together or not at all).
There is no function that changes or deletes an entry, and the table's triggers
refuse it (``tables``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Dict, List
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.features.audit.tables import AuditEntry

# Action codes (stored) and how staff read them.
LOGIN = "login"
LOGIN_FAILED = "login-afvist"
LOGOUT = "logud"
CASE_VIEW = "sag-vist"
CASE_EXPORT = "sag-eksporteret"
NOTE = "note"
ASSIGN = "tildelt"
STATUS = "status"
TAGS = "maerker"
CLOSE = "afsluttet"
LEGAL_HOLD = "bevares"
CASE_DELETED = "sag-slettet"
FLAG_FOR_TRAINING = "sendt-til-traening"
LIVE_START = "chat-overtaget"
LIVE_MESSAGE = "chat-besked"
LIVE_END = "chat-givet-tilbage"
BOOKING_MOVE = "moede-flyttet"
BOOKING_CANCEL = "moede-aflyst"
USER_ADD = "bruger-oprettet"
USER_DISABLE = "bruger-deaktiveret"
PASSWORD_RESET = "adgangskode-nulstillet"  # noqa: S105 - an action name

ACTIONS: Dict[str, str] = {
    LOGIN: "Logget ind",
    LOGIN_FAILED: "Login afvist",
    LOGOUT: "Logget ud",
    CASE_VIEW: "Sag åbnet",
    CASE_EXPORT: "Sag eksporteret som PDF",
    NOTE: "Note skrevet",
    ASSIGN: "Sag tildelt",
    STATUS: "Status ændret",
    TAGS: "Mærker ændret",
    CLOSE: "Sag afsluttet",
    LEGAL_HOLD: "Bevaring ændret",
    CASE_DELETED: "Sag slettet (opbevaringstid udløbet)",
    FLAG_FOR_TRAINING: "Besked sendt til træningsindbakken",
    LIVE_START: "Skriver med borgeren i chatten",
    LIVE_MESSAGE: "Besked til borgeren i chatten",
    LIVE_END: "Chatten givet tilbage til robotten",
    BOOKING_MOVE: "Møde flyttet",
    BOOKING_CANCEL: "Møde aflyst",
    USER_ADD: "Bruger oprettet",
    USER_DISABLE: "Bruger deaktiveret",
    PASSWORD_RESET: "Adgangskode nulstillet",
}

SYSTEM_NAME = "system"


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff user, or the system / the command line (``user_id`` None)."""

    user_id: int | None
    username: str

    @classmethod
    def system(cls, name: str = SYSTEM_NAME) -> Actor:
        return cls(None, name)


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: datetime  # aware, in the zone asked for
    user: str
    action: str
    case: str | None
    target: str | None
    detail: str | None

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    def as_dict(self) -> Dict[str, Any]:
        """The JSON form: user, action, case, time (ISO 8601 with offset), target, detail."""
        return {
            "user": self.user,
            "action": self.action,
            "case": self.case,
            "time": self.at.isoformat(),
            "target": self.target,
            "detail": self.detail,
        }


def _naive_utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        return now
    return now.astimezone(timezone.utc).replace(tzinfo=None)


def record(
    session: Session,
    actor: Actor,
    action: str,
    *,
    now: datetime,
    case: str | None = None,
    target: str | None = None,
    detail: str | None = None,
) -> None:
    """Append one entry (flushed; the caller's unit of work commits)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEntry(
            at=_naive_utc(now),
            user_id=actor.user_id,
            username=actor.username[:100],
            action=action,
            case_number=case,
            target=(target or None) and target[:100],
            detail=(detail or None) and detail[:300],
        )
    )
    session.flush()


def entries(
    session: Session,
    *,
    tz: str = "Europe/Copenhagen",
    limit: int | None = None,
    user: str | None = None,
    action: str | None = None,
    case: str | None = None,
    newest_first: bool = False,
) -> List[AuditLine]:
    """The entries, oldest first (or newest first), optionally filtered."""
    stmt = select(AuditEntry)
    if user:
        stmt = stmt.where(AuditEntry.username == user)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if case:
        stmt = stmt.where(AuditEntry.case_number == case)
    order = AuditEntry.id.desc() if newest_first else AuditEntry.id
    stmt = stmt.order_by(order)
    if limit is not None:
        stmt = stmt.limit(limit)
    zone = ZoneInfo(tz)
    return [
        AuditLine(
            id=row.id,
            at=row.at.replace(tzinfo=timezone.utc).astimezone(zone),
            user=row.username or SYSTEM_NAME,
            action=row.action,
            case=row.case_number,
            target=row.target,
            detail=row.detail,
        )
        for row in session.execute(stmt).scalars()
    ]
