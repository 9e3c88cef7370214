"""The bookings as staff see them: the calendar list, cancel and move.

Cancel and move go through the booking feature's own commands
(``bot.features.booking.commands``), with the booking's own phone/e-mail as the
contact, so the citizen gets the same e-mail (through the outbox, under the same
mail limits) as when they change the meeting themselves, and the double-booking
lock is the same. The limit on how often a citizen may move a meeting does not bind
staff (``staff_policy``). Each change is written to the audit log. Nothing here
commits.

Office hours and closed days are not edited here: the office edits
``content/booking.yml`` and loads it with ``borger booking-sync``; ``office_file``
says whether the file is valid and what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import List, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.features.booking import commands
from bot.features.booking.contact import ContactInfo
from bot.features.booking.errors import BookingError, BookingNotChangeable, BookingNotFound
from bot.features.booking.guard import BookingPolicy
from bot.features.booking.office import OfficeTexts, load_booking_file
from bot.features.booking.slots import SlotTaken
from bot.features.booking.tables import ACTIVE, UTC, Advisor, Booking, from_db, to_db
from bot.language.calendar import WEEKDAY_NAMES


class CalendarError(ValueError):
    """A refused change; ``str()`` is Danish. ``alternatives``: free times nearby."""

    def __init__(self, message: str, alternatives: Tuple[datetime, ...] = ()) -> None:
        super().__init__(message)
        self.alternatives = alternatives


@dataclass(frozen=True)
class Meeting:
    id: int
    reference: str
    start: datetime  # aware, local
    end: datetime
    meeting_type: str
    name: str
    phone: str | None
    email: str | None
    topic: str
    advisor: str
    changeable: bool


@dataclass(frozen=True)
class Changed:
    reference: str
    mailed: bool  # the citizen's e-mail was queued (an address that has been confirmed)


@dataclass(frozen=True)
class OfficeFile:
    """content/booking.yml as the portal shows it: valid or not, and what it says."""

    error: str | None = None
    hours: List[Tuple[str, str]] = field(default_factory=list)  # (weekday, "09:00-15:00")
    closed: List[str] = field(default_factory=list)
    also_closed_on: List[str] = field(default_factory=list)


def meetings(
    session: Session, *, now: datetime, tz: str, first: date, days: int = 60
) -> List[Meeting]:
    """Active meetings from ``first`` for ``days`` days, in time order."""
    zone = ZoneInfo(tz)
    lo = to_db(datetime.combine(first, time(0), zone))
    hi = to_db(datetime.combine(first + timedelta(days=days), time(0), zone))
    rows = session.execute(
        select(Booking, Advisor.name)
        .join(Advisor, Advisor.id == Booking.advisor_id)
        .where(Booking.status == ACTIVE, Booking.starts_at >= lo, Booking.starts_at < hi)
        .order_by(Booking.starts_at, Booking.id)
    ).all()
    return [
        Meeting(
            id=b.id,
            reference=b.reference,
            start=from_db(b.starts_at, zone),
            end=from_db(b.ends_at, zone),
            meeting_type=b.meeting_type,
            name=b.name,
            phone=b.phone,
            email=b.email,
            topic=b.topic or "",
            advisor=advisor or "",
            changeable=commands.is_changeable(b.status, from_db(b.starts_at, UTC), now),
        )
        for b, advisor in rows
    ]


def staff_policy(policy: BookingPolicy | None) -> BookingPolicy | None:
    """The booking policy without the citizen's limit on moves."""
    if policy is None:
        return None
    return replace(policy, limits=replace(policy.limits, max_moves=10**9))


def _booking(session: Session, booking_id: int) -> Booking:
    booking = session.get(Booking, booking_id)
    if booking is None:
        raise CalendarError("Mødet findes ikke (måske er det allerede slettet).")
    return booking


def _contact(booking: Booking) -> ContactInfo:
    return ContactInfo(phone=booking.phone, email=booking.email)


def cancel(
    session: Session,
    booking_id: int,
    *,
    actor: audit.Actor,
    now: datetime,
    texts: OfficeTexts | None,
    tz: str,
    mail_domain: str,
    policy: BookingPolicy | None,
) -> Changed:
    """Cancel a future meeting (the citizen gets the mail)."""
    booking = _booking(session, booking_id)
    try:
        info = commands.cancel(
            session, booking.reference, _contact(booking), now=now, texts=texts, tz=tz,
            mail_domain=mail_domain, policy=staff_policy(policy),
        )  # fmt: skip
    except BookingNotChangeable:
        raise CalendarError("Mødet er allerede aflyst eller overstået.") from None
    except BookingNotFound:
        raise CalendarError(
            "Mødet har hverken telefon eller e-mail og kan ikke aflyses her."
        ) from None
    detail = "mail sendt" if info.mail_queued else "ingen mail"
    audit.record(
        session, actor, audit.BOOKING_CANCEL, now=now, target=info.reference, detail=detail
    )
    return Changed(info.reference, info.mail_queued)


def move(
    session: Session,
    booking_id: int,
    new_start: datetime,
    *,
    actor: audit.Actor,
    now: datetime,
    texts: OfficeTexts | None,
    tz: str,
    mail_domain: str,
    policy: BookingPolicy | None,
) -> Changed:
    """Move a future meeting to ``new_start`` (aware).

    ``CalendarError`` with the nearest free times when the time cannot be booked.
    """
    booking = _booking(session, booking_id)
    try:
        info = commands.move(
            session, booking.reference, _contact(booking), new_start, now=now, texts=texts,
            tz=tz, mail_domain=mail_domain, policy=staff_policy(policy),
        )  # fmt: skip
    except SlotTaken as exc:
        raise CalendarError(
            "Tidspunktet er ikke ledigt (optaget, lukket eller uden for åbningstiden).",
            tuple(s.start for s in exc.alternatives),
        ) from None
    except BookingNotChangeable:
        raise CalendarError("Mødet er allerede aflyst eller overstået.") from None
    except BookingError:
        raise CalendarError("Mødet kan ikke flyttes her.") from None
    audit.record(
        session,
        actor,
        audit.BOOKING_MOVE,
        now=now,
        target=info.reference,
        detail=f"til {info.start:%Y-%m-%d %H:%M}" + ("" if info.mail_queued else ", ingen mail"),
    )
    return Changed(info.reference, info.mail_queued)


def office_file(path: Path) -> OfficeFile:
    """Whether content/booking.yml is valid, and its hours and closed days."""
    try:
        parsed = load_booking_file(path)
    except BookingError as exc:
        return OfficeFile(error=str(exc))
    hours = [
        (WEEKDAY_NAMES[day], ", ".join(f"{a:%H:%M}-{b:%H:%M}" for a, b in intervals) or "lukket")
        for day, intervals in sorted(parsed.week().items())
    ]
    closed = []
    for spec in parsed.lukkedage:
        when = f"{spec.dato}" if spec.dato else f"{spec.fra} – {spec.til}"
        who = f" ({spec.raadgiver})" if spec.raadgiver else ""
        closed.append(f"{when}: {spec.grund}{who}")
    return OfficeFile(hours=hours, closed=closed, also_closed_on=list(parsed.lukket_ogsaa_paa))
