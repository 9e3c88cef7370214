"""The abuse limits of booking: nobody can fill the calendar or mail strangers with it.

A ``BookingLink`` row beside each booking keeps what the limits need, as keyed hashes
(``bot.infra.recipients``): the conversation (unlinked by "Slet min samtale"), the
e-mail address and the phone number, whether the address has confirmed, and how often
the booking was moved. Limits (``BookingLimits``, from the settings):

- open future bookings per phone number and per e-mail address;
- bookings made per contact in 24 hours (counting cancelled ones: book-cancel-book);
- bookings per conversation;
- moves per booking, whichever conversation asks;
- the reserve: a booking that is not confirmed (phone only, or an e-mail address that
  has not clicked its confirmation link) may not take the last ``reserved_share`` of
  a day's times. 425 fake bookings with made-up phone numbers leave that share free.

Why a reserve rather than bookings that lapse unless confirmed by a link: many of the
advisor's citizens have no e-mail or do not read it in time, and a phone-only booking
cannot be confirmed by a link; the reserve protects the calendar without making a
citizen's meeting depend on a click.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Iterable

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, func, or_, select
from sqlalchemy.orm import Session

from bot.core.settings import Settings
from bot.features.booking.errors import BookingError
from bot.features.booking.slots import Calendar, _local
from bot.features.booking.tables import ACTIVE, UTC, Booking, to_db
from bot.infra.db import Base
from bot.infra.recipients import (
    HASH_LENGTH,
    InvalidMail,
    MailLimits,
    address_key,
    conversation_key,
    keyed_hash,
    load_secret,
)

log = logging.getLogger(__name__)

# Why a booking was refused (BookingLimit.reason).
CONTACT_OPEN = "contact_open"
CONTACT_DAY = "contact_day"
CONVERSATION = "conversation"
MOVES = "moves"
RESERVED = "reserved"


class BookingLimit(BookingError):
    """A limit refused the booking or the move; ``reason`` says which (no personal data)."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"booking limit: {reason}")
        self.reason = reason
        log.warning("booking: refused by a limit (%s)", reason)


class BookingLink(Base):  # type: ignore[valid-type,misc]
    """What the limits know of a booking: keyed hashes only."""

    __tablename__ = "booking_link"

    booking_id = Column(
        Integer, ForeignKey("booking.id", ondelete="CASCADE"), primary_key=True
    )
    conversation_hash = Column(String(HASH_LENGTH), nullable=True, index=True)
    email_hash = Column(String(HASH_LENGTH), nullable=True, index=True)
    phone_hash = Column(String(HASH_LENGTH), nullable=True, index=True)
    confirmed_at = Column(DateTime, nullable=True)  # the e-mail address has confirmed
    moves = Column(Integer, nullable=False, default=0)
    created_at = Column(DateTime, nullable=False)


@dataclass(frozen=True)
class BookingLimits:
    open_per_contact: int = 2
    per_contact_per_day: int = 3
    per_conversation: int = 2
    max_moves: int = 3
    reserved_share: float = 0.3


@dataclass(frozen=True)
class BookingPolicy:
    """The limits, the mail limits and the secret of the hashes, from the settings."""

    secret: bytes
    confirm_url: str  # the confirmation link is confirm_url + token
    limits: BookingLimits = BookingLimits()
    mail: MailLimits = MailLimits(per_recipient_per_day=3, per_origin=4, per_hour=60)

    @classmethod
    def from_settings(cls, settings: Settings) -> BookingPolicy:
        return cls(
            secret=load_secret(settings),
            confirm_url=settings.web_url.rstrip("/") + "/bekraeft/",
            limits=BookingLimits(
                open_per_contact=settings.booking_max_open_per_contact,
                per_contact_per_day=settings.booking_max_per_contact_per_day,
                per_conversation=settings.booking_max_per_conversation,
                max_moves=settings.booking_max_moves,
                reserved_share=settings.booking_reserved_share,
            ),
            mail=MailLimits(
                per_recipient_per_day=settings.booking_mail_max_per_address_per_day,
                per_origin=settings.booking_mail_max_per_conversation,
                per_hour=settings.booking_mail_max_per_hour,
            ),
        )

    def email_hash(self, email: str | None) -> str | None:
        if not email:
            return None
        try:
            return address_key(self.secret, email)
        except InvalidMail:
            return keyed_hash(self.secret, email.strip().lower(), purpose="mail")

    def phone_hash(self, phone: str | None) -> str | None:
        return keyed_hash(self.secret, phone, purpose="phone") if phone else None

    def conversation_hash(self, conversation_id: str | None) -> str | None:
        return conversation_key(self.secret, conversation_id) if conversation_id else None


def link_of(session: Session, booking_id: int) -> BookingLink | None:
    return session.get(BookingLink, booking_id)


def _contact_filter(hashes: Iterable[str | None]):  # type: ignore[no-untyped-def]
    conditions = []
    for column, value in zip((BookingLink.email_hash, BookingLink.phone_hash), hashes, strict=True):
        if value is not None:
            conditions.append(column == value)
    return or_(*conditions) if conditions else None


def check_new_booking(
    session: Session,
    policy: BookingPolicy,
    *,
    email_hash: str | None,
    phone_hash: str | None,
    conversation_hash: str | None,
    confirmed: bool,
    start: datetime,
    calendar: Calendar,
    now: datetime,
) -> None:
    """``BookingLimit`` when a limit refuses one more booking (call under the lock)."""
    limits, ts = policy.limits, to_db(now)
    joined = select(func.count(Booking.id)).join(BookingLink, BookingLink.booking_id == Booking.id)
    contact = _contact_filter((email_hash, phone_hash))
    if contact is not None:
        open_ = joined.where(contact, Booking.status == ACTIVE, Booking.starts_at > ts)
        if session.execute(open_).scalar_one() >= limits.open_per_contact:
            raise BookingLimit(CONTACT_OPEN)
        day = joined.where(contact, BookingLink.created_at > ts - timedelta(days=1))
        if session.execute(day).scalar_one() >= limits.per_contact_per_day:
            raise BookingLimit(CONTACT_DAY)
    if conversation_hash is not None:
        mine = joined.where(BookingLink.conversation_hash == conversation_hash)
        if session.execute(mine).scalar_one() >= limits.per_conversation:
            raise BookingLimit(CONVERSATION)
    if not confirmed and not room_for_unconfirmed(session, policy, start, calendar):
        raise BookingLimit(RESERVED)


def day_capacity(calendar: Calendar, day: date) -> int:
    """How many meetings fit on ``day`` (every advisor's times, none booked)."""
    if calendar.is_closed(day):
        return 0
    span, total = calendar.meeting + calendar.buffer, 0
    for advisor_id, week in calendar.hours.items():
        if day in calendar.closed_advisor.get(advisor_id, ()):
            continue
        for opens, closes in week.get(day.weekday(), []):
            start = _local(day, opens, calendar.tz).astimezone(UTC)
            limit = _local(day, closes, calendar.tz).astimezone(UTC)
            while start + calendar.meeting <= limit:
                total += 1
                start += span
    return total


def room_for_unconfirmed(
    session: Session, policy: BookingPolicy, start: datetime, calendar: Calendar
) -> bool:
    """Whether an unconfirmed booking may take a time on ``start``'s day."""
    day = start.astimezone(calendar.tz).date()
    allowed = math.floor(day_capacity(calendar, day) * (1 - policy.limits.reserved_share))
    lo = to_db(_local(day, datetime.min.time(), calendar.tz))
    hi = to_db(_local(day + timedelta(days=1), datetime.min.time(), calendar.tz))
    unconfirmed = session.execute(
        select(func.count(Booking.id))
        .outerjoin(BookingLink, BookingLink.booking_id == Booking.id)
        .where(
            Booking.status == ACTIVE,
            Booking.starts_at >= lo,
            Booking.starts_at < hi,
            BookingLink.confirmed_at.is_(None),
        )
    ).scalar_one()
    return bool(unconfirmed < allowed)


def check_move(session: Session, policy: BookingPolicy | None, booking_id: int) -> None:
    """``BookingLimit`` when the booking was moved ``max_moves`` times already."""
    link = link_of(session, booking_id)
    if policy is not None and link is not None and link.moves >= policy.limits.max_moves:
        raise BookingLimit(MOVES)


def add_link(
    session: Session,
    booking_id: int,
    *,
    email_hash: str | None,
    phone_hash: str | None,
    conversation_hash: str | None,
    confirmed: bool,
    now: datetime,
) -> BookingLink:
    ts = to_db(now)
    link = BookingLink(
        booking_id=booking_id,
        conversation_hash=conversation_hash,
        email_hash=email_hash,
        phone_hash=phone_hash,
        confirmed_at=ts if confirmed else None,
        moves=0,
        created_at=ts,
    )
    session.add(link)
    session.flush()
    return link


def forget_conversation(session: Session, conversation_hash: str) -> int:
    """"Slet min samtale": the bookings stay, their link to the conversation goes (and the
    idempotency key, which is derived from the conversation id). How many bookings."""
    links = list(
        session.execute(
            select(BookingLink).where(BookingLink.conversation_hash == conversation_hash)
        ).scalars()
    )
    for link in links:
        link.conversation_hash = None
        booking = session.get(Booking, link.booking_id)
        if booking is not None:
            booking.request_key = None
    session.flush()
    return len(links)
