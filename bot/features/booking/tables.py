"""The booking tables (on ``bot.infra.db.Base``) and how times are stored.

``booking`` rows hold what is needed for the meeting (purpose text, name,
phone/e-mail) and are deleted ``retention_days`` after the meeting
(``commands.purge_expired``). ``booking_block`` holds one row per advisor and
5-minute block that an *active* booking occupies (meeting + buffer), with the
primary key (advisor_id, block_start): two bookings that overlap in any block for
the same advisor cannot both be stored, on SQLite and PostgreSQL alike, whatever
the grid.

All datetimes are stored as naive UTC (``to_db`` / ``from_db``); functions take
aware datetimes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import List
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
)
from sqlalchemy.orm import Session

from bot.infra.db import Base

UTC = timezone.utc
DEFAULT_TZ = "Europe/Copenhagen"
BLOCK_MINUTES = 5

ACTIVE = "aktiv"
CANCELLED = "aflyst"

IN_PERSON = "fremmoede"
PHONE = "telefon"
MEETING_TYPES = (IN_PERSON, PHONE)

SOURCE_FILE = "fil"
SOURCE_OFFICE = "kontor"


class Advisor(Base):  # type: ignore[valid-type,misc]
    """A bookable person (from content/contact.yml's medarbejdere)."""

    __tablename__ = "booking_advisor"

    id = Column(Integer, primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    active = Column(Boolean, nullable=False, default=True)


class OfficeHours(Base):  # type: ignore[valid-type,misc]
    """Weekly bookable hours of one advisor (weekday 0 = Monday)."""

    __tablename__ = "booking_hours"

    id = Column(Integer, primary_key=True)
    advisor_id = Column(Integer, ForeignKey("booking_advisor.id"), nullable=False, index=True)
    weekday = Column(Integer, nullable=False)
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)


class ClosedDay(Base):  # type: ignore[valid-type,misc]
    """A day without meetings: for the whole office (advisor_id NULL) or one advisor."""

    __tablename__ = "booking_closed_day"

    id = Column(Integer, primary_key=True)
    day = Column(Date, nullable=False, index=True)
    advisor_id = Column(Integer, ForeignKey("booking_advisor.id"), nullable=True)
    reason = Column(String(200), nullable=False, default="")
    source = Column(String(10), nullable=False, default=SOURCE_FILE)


class BookingConfig(Base):  # type: ignore[valid-type,misc]
    """The one row (id 1) of meeting rules, synced from content/booking.yml."""

    __tablename__ = "booking_config"

    id = Column(Integer, primary_key=True)
    meeting_minutes = Column(Integer, nullable=False)
    buffer_minutes = Column(Integer, nullable=False)
    notice_minutes = Column(Integer, nullable=False)
    horizon_days = Column(Integer, nullable=False)
    offer_count = Column(Integer, nullable=False)
    # Optional Danish holiday names (holidays package, language "da"), "|"-separated.
    extra_holidays = Column(String(1000), nullable=False, default="")
    updated_at = Column(DateTime, nullable=False)


class Booking(Base):  # type: ignore[valid-type,misc]
    """A booked meeting. Personal data: purged ``retention_days`` after the meeting."""

    __tablename__ = "booking"
    __table_args__ = (Index("ix_booking_status_start", "status", "starts_at"),)

    id = Column(Integer, primary_key=True)
    reference = Column(String(16), nullable=False, unique=True)
    advisor_id = Column(Integer, ForeignKey("booking_advisor.id"), nullable=False)
    starts_at = Column(DateTime, nullable=False)  # naive UTC
    ends_at = Column(DateTime, nullable=False)
    blocked_until = Column(DateTime, nullable=False)  # ends_at + buffer
    meeting_type = Column(String(20), nullable=False)
    topic = Column(Text, nullable=False, default="")
    name = Column(String(200), nullable=False)
    phone = Column(String(32), nullable=True)
    email = Column(String(254), nullable=True)
    status = Column(String(12), nullable=False, default=ACTIVE)
    sequence = Column(Integer, nullable=False, default=0)  # calendar SEQUENCE (moves)
    # Hash of (conversation, slot): a repeated request returns the same booking.
    request_key = Column(String(64), nullable=True, unique=True)
    created_at = Column(DateTime, nullable=False)
    cancelled_at = Column(DateTime, nullable=True)


class BookedBlock(Base):  # type: ignore[valid-type,misc]
    """One 5-minute block occupied by an active booking: the double-booking guard."""

    __tablename__ = "booking_block"

    advisor_id = Column(Integer, ForeignKey("booking_advisor.id"), primary_key=True)
    block_start = Column(DateTime, primary_key=True)  # naive UTC
    booking_id = Column(
        Integer, ForeignKey("booking.id", ondelete="CASCADE"), nullable=False, index=True
    )


def blocks(advisor_id: int, booking_id: int, start: datetime, until: datetime) -> List[BookedBlock]:
    """The block rows of a booking occupying [start, until) (naive UTC)."""
    out = []
    t = start
    while t < until:
        out.append(BookedBlock(advisor_id=advisor_id, block_start=t, booking_id=booking_id))
        t += timedelta(minutes=BLOCK_MINUTES)
    return out


def to_db(dt: datetime) -> datetime:
    """An aware datetime as stored: naive UTC."""
    if dt.tzinfo is None:
        raise ValueError("aware datetime expected")
    return dt.astimezone(UTC).replace(tzinfo=None)


def from_db(dt: datetime, zone: tzinfo) -> datetime:
    """A stored (naive UTC) datetime as an aware one in ``zone``."""
    return dt.replace(tzinfo=UTC).astimezone(zone)


@dataclass(frozen=True)
class BookingInfo:
    """A booking, detached from the session (safe to pass to actions)."""

    id: int
    reference: str
    start: datetime  # aware local
    end: datetime
    meeting_type: str
    name: str
    phone: str | None
    email: str | None
    advisor_name: str
    status: str
    sequence: int
    mail_queued: bool = False  # the mail with the details
    mail_link: bool = False  # instead: a link to confirm the address (booking.mails)

    @classmethod
    def of(cls, session: Session, b: Booking, zone: ZoneInfo) -> BookingInfo:
        advisor = session.get(Advisor, b.advisor_id)
        return cls(
            id=b.id,
            reference=b.reference,
            start=from_db(b.starts_at, zone),
            end=from_db(b.ends_at, zone),
            meeting_type=b.meeting_type,
            name=b.name,
            phone=b.phone,
            email=b.email,
            advisor_name=advisor.name if advisor else "",
            status=b.status,
            sequence=b.sequence,
        )
