"""Booking of personal meetings with the borgerrådgiver (issue 6).

Plain Python, no Rasa: availability, slot search, booking, cancel, move, purge.
The Rasa actions in ``actions/booking.py`` are thin wrappers around this module.

How the office changes opening hours, meeting length or closed days
-------------------------------------------------------------------
1. Edit ``data/booking.yml`` (Danish, commented): ``aabningstider`` (per weekday,
   e.g. ``mandag: ["09:00-15:00"]``, several intervals allowed, ``[]`` = closed),
   ``moedelaengde_minutter``, ``pause_minutter`` (buffer after each meeting),
   ``varsel_minutter`` (earliest booking from now), ``bookbar_dage_frem``,
   ``raadgivere`` (names from ``data/contact.yml``, optionally with their own
   ``aabningstider``), ``lukket_ogsaa_paa`` (optional Danish holidays the office
   also closes on, e.g. Grundlovsdag) and ``lukkedage`` (single days or
   ``fra``/``til`` ranges, optionally for one ``raadgiver`` only).
2. Load the file into the database: ``seed_from_file(session, path)`` (wired as
   a ``borger`` CLI command). It validates the whole file first and changes
   nothing on an error; it reports existing future bookings that fall outside the
   new hours (they are kept - the office contacts those citizens).
3. Closed days can also be added without editing the file with
   ``add_closed_day(session, day, reason)`` (source "kontor"; a later sync from
   the file keeps them).

The official Danish public holidays (``holidays`` package) are always closed.
Texts of e-mails, calendar entries and date labels live in ``data/booking.yml``
(section ``tekster``) and are read at run time, not stored in the database.

Data model and the no-double-booking guarantee
----------------------------------------------
``booking`` rows hold what is needed for the meeting (purpose text, name,
phone/e-mail) and are deleted ``retention_days`` after the meeting
(``purge_expired``). ``booking_block`` holds one row per advisor and 5-minute
block that an *active* booking occupies (meeting + buffer), with the primary key
(advisor_id, block_start). Booking inserts the booking and its blocks in one
transaction; two bookings that overlap in any block for the same advisor cannot
both commit, on SQLite and PostgreSQL alike, whatever the grid. Cancelling
deletes the blocks (the slot is free again) and keeps the cancelled booking
until it is purged; moving replaces the blocks in one transaction.

All datetimes are stored as naive UTC; functions take aware datetimes and a
reference ``now``. Personal data is never logged at INFO or above.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterator, List, Sequence, Tuple
from zoneinfo import ZoneInfo

import holidays
import yaml
from pydantic import BaseModel, Field, ValidationError, root_validator, validator
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
    delete,
    func,
    or_,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import Base
from bot.outbox import register_purge_hook
from bot.timeparse import TimeWish

log = logging.getLogger(__name__)

UTC = timezone.utc
DEFAULT_TZ = "Europe/Copenhagen"
BLOCK_MINUTES = 5
BUSY_CHUNK_DAYS = 7
NEAREST_WINDOW_DAYS = 10

ACTIVE = "aktiv"
CANCELLED = "aflyst"

IN_PERSON = "fremmoede"
PHONE = "telefon"
MEETING_TYPES = (IN_PERSON, PHONE)

SOURCE_FILE = "fil"
SOURCE_OFFICE = "kontor"

WEEKDAY_KEYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
# Booking references: no easily confused characters (0/O, 1/I/L, 2/Z, 5/S, 8/B).
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 6
MAX_TOPIC_CHARS = 500


# --------------------------------------------------------------------------- tables


class Advisor(Base):  # type: ignore[valid-type,misc]
    """A bookable person (from data/contact.yml's medarbejdere)."""

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
    """The one row (id 1) of meeting rules, synced from data/booking.yml."""

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


# --------------------------------------------------------------------------- errors


class BookingError(Exception):
    """Base class of booking errors (messages are English, for logs)."""


class NotConfigured(BookingError):
    """No booking configuration in the database: run ``seed_from_file``."""


class SlotTaken(BookingError):
    """The wanted time is not (or no longer) free; ``alternatives`` are."""

    def __init__(self, alternatives: Sequence[Slot]) -> None:
        super().__init__("slot not available")
        self.alternatives = list(alternatives)


class BookingNotFound(BookingError):
    """No booking with that reference and contact."""


class BookingNotChangeable(BookingError):
    """The booking is cancelled or its time has passed."""


class BookingFileError(BookingError):
    """data/booking.yml is invalid; the message says where (Danish field names)."""


# --------------------------------------------------------------------------- the data file


def _parse_hhmm(value: str) -> time:
    m = re.fullmatch(r"\s*(\d{1,2})[:.](\d{2})\s*", value)
    if not m:
        raise ValueError(f"'{value}' er ikke et klokkeslæt som 09:00")
    t = time(int(m.group(1)), int(m.group(2)))
    if t.minute % BLOCK_MINUTES:
        raise ValueError(f"'{value}': minuttallet skal gå op i {BLOCK_MINUTES}")
    return t


def _parse_interval(value: str) -> Tuple[time, time]:
    parts = str(value).split("-")
    if len(parts) != 2:
        raise ValueError(f"'{value}' skal skrives som 09:00-15:00")
    opens, closes = _parse_hhmm(parts[0]), _parse_hhmm(parts[1])
    if closes <= opens:
        raise ValueError(f"'{value}': sluttid skal være efter starttid")
    return opens, closes


WeeklyHours = Dict[int, List[Tuple[time, time]]]


def _parse_week(raw: Dict[str, Any]) -> WeeklyHours:
    week: WeeklyHours = {}
    for key, intervals in (raw or {}).items():
        name = str(key).strip().lower()
        if name not in WEEKDAY_KEYS:
            raise ValueError(f"'{key}' er ikke en ugedag ({', '.join(WEEKDAY_KEYS)})")
        parsed = sorted(_parse_interval(i) for i in (intervals or []))
        for (_, a_end), (b_start, _) in zip(parsed, parsed[1:], strict=False):
            if b_start < a_end:
                raise ValueError(f"{key}: tidsrummene overlapper")
        week[WEEKDAY_KEYS.index(name)] = parsed
    return week


class AdvisorSpec(BaseModel):
    navn: str
    aabningstider: Dict[str, List[str]] | None = None

    @validator("aabningstider")
    def _valid_week(cls, value: Dict[str, Any] | None) -> Dict[str, Any] | None:
        if value is not None:
            _parse_week(value)
        return value


class ClosedSpec(BaseModel):
    dato: date | None = None
    fra: date | None = None
    til: date | None = None
    grund: str = "Lukket"
    raadgiver: str | None = None

    @root_validator(skip_on_failure=True)
    def _one_day_or_range(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("dato") is not None:
            if values.get("fra") or values.get("til"):
                raise ValueError("skriv enten dato eller fra/til")
        elif values.get("fra") is None or values.get("til") is None:
            raise ValueError("skriv dato, eller både fra og til")
        elif values["til"] < values["fra"]:
            raise ValueError("til skal være efter fra")
        elif (values["til"] - values["fra"]).days > 366:
            raise ValueError("en lukkeperiode kan højst være et år")
        return values

    def days(self) -> List[date]:
        if self.dato is not None:
            return [self.dato]
        assert self.fra is not None and self.til is not None
        return [self.fra + timedelta(days=i) for i in range((self.til - self.fra).days + 1)]


_TEXT_FIELDS = {
    "navn",
    "tidspunkt",
    "moedeform",
    "sted",
    "reference",
    "kontor",
    "telefon",
    "adresse",
    "raadgiver",
}


class Texts(BaseModel):
    """Danish texts from ``tekster`` in data/booking.yml."""

    ugedage: List[str]
    maaneder: List[str]
    tidspunkt: str = "{ugedag} den {dag}. {maaned} kl. {tid}"
    moedeformer: Dict[str, str]
    sted_telefon: str
    mail_emne_bekraeftelse: str
    mail_tekst_bekraeftelse: str
    mail_emne_flyttet: str
    mail_tekst_flyttet: str
    mail_emne_aflyst: str
    mail_tekst_aflyst: str
    kalender_titel: str
    kalender_beskrivelse: str

    @validator("ugedage")
    def _seven(cls, value: List[str]) -> List[str]:
        if len(value) != 7:
            raise ValueError("ugedage skal have 7 navne, mandag først")
        return value

    @validator("maaneder")
    def _twelve(cls, value: List[str]) -> List[str]:
        if len(value) != 12:
            raise ValueError("maaneder skal have 12 navne, januar først")
        return value

    @validator("moedeformer")
    def _types(cls, value: Dict[str, str]) -> Dict[str, str]:
        missing = [t for t in MEETING_TYPES if t not in value]
        if missing:
            raise ValueError(f"moedeformer mangler {', '.join(missing)}")
        return value

    @validator("tidspunkt")
    def _label_template(cls, value: str) -> str:
        _check_template(value, {"ugedag", "dag", "maaned", "tid", "aar"})
        return value

    @validator(
        "sted_telefon",
        "mail_emne_bekraeftelse",
        "mail_tekst_bekraeftelse",
        "mail_emne_flyttet",
        "mail_tekst_flyttet",
        "mail_emne_aflyst",
        "mail_tekst_aflyst",
        "kalender_titel",
        "kalender_beskrivelse",
    )
    def _mail_template(cls, value: str) -> str:
        _check_template(value, _TEXT_FIELDS)
        return value


def _check_template(template: str, allowed: set[str]) -> None:
    names = set(re.findall(r"{([^{}]*)}", template))
    unknown = names - allowed
    if unknown:
        fields = ", ".join("{" + a + "}" for a in sorted(allowed))
        raise ValueError(f"ukendt felt {{{sorted(unknown)[0]}}}; brug {fields}")


class BookingFile(BaseModel):
    """data/booking.yml, validated."""

    moedelaengde_minutter: int = Field(45, ge=10, le=240)
    pause_minutter: int = Field(15, ge=0, le=120)
    varsel_minutter: int = Field(120, ge=0, le=60 * 24 * 14)
    bookbar_dage_frem: int = Field(60, ge=1, le=366)
    antal_forslag: int = Field(3, ge=3, le=8)
    aabningstider: Dict[str, List[str]]
    raadgivere: List[AdvisorSpec]
    lukket_ogsaa_paa: List[str] = []
    lukkedage: List[ClosedSpec] = []
    tekster: Texts

    @validator("moedelaengde_minutter", "pause_minutter")
    def _multiple_of_block(cls, value: int) -> int:
        if value % BLOCK_MINUTES:
            raise ValueError(f"skal gå op i {BLOCK_MINUTES} minutter")
        return value

    @validator("aabningstider")
    def _valid_week(cls, value: Dict[str, Any]) -> Dict[str, Any]:
        _parse_week(value)
        return value

    @validator("raadgivere")
    def _unique_advisors(cls, value: List[AdvisorSpec]) -> List[AdvisorSpec]:
        if not value:
            raise ValueError("der skal være mindst én rådgiver")
        names = [a.navn.strip() for a in value]
        if len(set(names)) != len(names):
            raise ValueError("en rådgiver står der to gange")
        return value

    @validator("lukket_ogsaa_paa", each_item=True)
    def _known_holiday(cls, value: str) -> str:
        known = optional_holiday_names()
        if value not in known:
            raise ValueError(f"'{value}' er ikke en af {', '.join(sorted(known))}")
        return value

    @root_validator(skip_on_failure=True)
    def _closed_for_known_advisor(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        names = {a.navn.strip() for a in values["raadgivere"]}
        for spec in values.get("lukkedage", []):
            if spec.raadgiver is not None and spec.raadgiver.strip() not in names:
                raise ValueError(f"lukkedage: '{spec.raadgiver}' står ikke under raadgivere")
        return values

    def week(self) -> WeeklyHours:
        return _parse_week(self.aabningstider)


def load_booking_file(path: Path, contact_path: Path | None = None) -> BookingFile:
    """Read and validate data/booking.yml (and that advisors are in contact.yml)."""
    try:
        with path.open(encoding="utf-8") as fh:
            raw = yaml.safe_load(fh)
        parsed = BookingFile.parse_obj(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise BookingFileError(f"{path}: {exc}") from exc
    except ValidationError as exc:
        raise BookingFileError(f"{path}: {exc}") from exc
    contact_path = contact_path or path.parent / "contact.yml"
    if contact_path.exists():
        from bot.contact import load_contact

        staff = {p.navn for p in load_contact(contact_path).medarbejdere}
        for spec in parsed.raadgivere:
            if spec.navn.strip() not in staff:
                raise BookingFileError(
                    f"{path}: raadgiver '{spec.navn}' står ikke under medarbejdere i {contact_path}"
                )
    return parsed


@dataclass(frozen=True)
class OfficeTexts:
    """Texts for labels, e-mails and calendar entries: the file's plus contact data."""

    texts: Texts
    kontor: str
    telefon: str
    adresse: str

    def label(self, start: datetime) -> str:
        """A Danish label such as "torsdag den 3. december kl. 10.00"."""
        t = self.texts
        return t.tidspunkt.format(
            ugedag=t.ugedage[start.weekday()],
            dag=start.day,
            maaned=t.maaneder[start.month - 1],
            tid=f"{start:%H.%M}",
            aar=start.year,
        )

    def meeting_type_label(self, meeting_type: str) -> str:
        return self.texts.moedeformer.get(meeting_type, meeting_type)

    def location(self, meeting_type: str) -> str:
        return self.adresse if meeting_type == IN_PERSON else self.texts.sted_telefon


def load_texts(path: Path, contact_path: Path | None = None) -> OfficeTexts:
    from bot.contact import load_contact

    contact_path = contact_path or path.parent / "contact.yml"
    contact = load_contact(contact_path)
    return OfficeTexts(
        texts=load_booking_file(path, contact_path).tekster,
        kontor=contact.navn,
        telefon=contact.hovedtelefon,
        adresse=contact.adresse,
    )


# --------------------------------------------------------------------------- syncing


@dataclass
class SyncReport:
    advisors: int
    hours: int
    closed_days: int
    # References of active future bookings that the new rules no longer allow.
    conflicts: List[str] = field(default_factory=list)


def seed_from_file(
    session: Session,
    path: Path,
    *,
    now: datetime | None = None,
    contact_path: Path | None = None,
    tz: str = DEFAULT_TZ,
) -> SyncReport:
    """Load data/booking.yml into the database (idempotent) and commit.

    Validates the whole file first (``BookingFileError``, nothing changed).
    Advisors missing from the file are deactivated, not deleted (their bookings
    stay). Closed days from the file replace the earlier ones from the file;
    those the office added (``add_closed_day``) are kept.
    """
    spec = load_booking_file(path, contact_path)
    now = now or datetime.now(ZoneInfo(tz))
    stamp = _to_db(now)

    config = session.get(BookingConfig, 1)
    if config is None:
        config = BookingConfig(id=1)
        session.add(config)
    config.meeting_minutes = spec.moedelaengde_minutter
    config.buffer_minutes = spec.pause_minutter
    config.notice_minutes = spec.varsel_minutter
    config.horizon_days = spec.bookbar_dage_frem
    config.offer_count = spec.antal_forslag
    config.extra_holidays = "|".join(spec.lukket_ogsaa_paa)
    config.updated_at = stamp

    existing = {a.name: a for a in session.execute(select(Advisor)).scalars()}
    wanted = [a.navn.strip() for a in spec.raadgivere]
    for name, advisor in existing.items():
        advisor.active = name in wanted
    by_name: Dict[str, Advisor] = {}
    for name in wanted:
        advisor = existing.get(name)
        if advisor is None:
            advisor = Advisor(name=name, active=True)
            session.add(advisor)
        by_name[name] = advisor
    session.flush()

    session.execute(delete(OfficeHours))
    default_week = spec.week()
    hours = 0
    for advisor_spec in spec.raadgivere:
        advisor = by_name[advisor_spec.navn.strip()]
        week = (
            _parse_week(advisor_spec.aabningstider)
            if advisor_spec.aabningstider is not None
            else default_week
        )
        for weekday, intervals in week.items():
            for opens, closes in intervals:
                session.add(
                    OfficeHours(advisor_id=advisor.id, weekday=weekday, opens=opens, closes=closes)
                )
                hours += 1

    session.execute(delete(ClosedDay).where(ClosedDay.source == SOURCE_FILE))
    closed = 0
    for closed_spec in spec.lukkedage:
        advisor_id = by_name[closed_spec.raadgiver.strip()].id if closed_spec.raadgiver else None
        for day in closed_spec.days():
            session.add(
                ClosedDay(
                    day=day, advisor_id=advisor_id, reason=closed_spec.grund, source=SOURCE_FILE
                )
            )
            closed += 1
    session.flush()

    conflicts = _conflicting_bookings(session, now=now, tz=tz)
    session.commit()
    log.info(
        "booking: synced %d advisors, %d hour intervals, %d closed days; %d conflicts",
        len(wanted),
        hours,
        closed,
        len(conflicts),
    )
    return SyncReport(advisors=len(wanted), hours=hours, closed_days=closed, conflicts=conflicts)


def ensure_seeded(session: Session, path: Path, *, tz: str = DEFAULT_TZ) -> bool:
    """Seed from the file when the database has no booking configuration yet."""
    if session.get(BookingConfig, 1) is not None:
        return False
    seed_from_file(session, path, tz=tz)
    return True


def add_closed_day(
    session: Session, day: date, reason: str, *, advisor_name: str | None = None
) -> None:
    """Close the office (or one advisor) on ``day``; kept across file syncs. Commits."""
    advisor_id = None
    if advisor_name is not None:
        advisor = session.execute(
            select(Advisor).where(Advisor.name == advisor_name)
        ).scalar_one_or_none()
        if advisor is None:
            raise BookingError("unknown advisor")
        advisor_id = advisor.id
    session.add(ClosedDay(day=day, advisor_id=advisor_id, reason=reason, source=SOURCE_OFFICE))
    session.commit()


def _conflicting_bookings(session: Session, *, now: datetime, tz: str) -> List[str]:
    cal = load_calendar(session, tz=tz, today=now.astimezone(ZoneInfo(tz)).date())
    rows = session.execute(
        select(Booking).where(Booking.status == ACTIVE, Booking.starts_at > _to_db(now))
    ).scalars()
    out = []
    for b in rows:
        start = _from_db(b.starts_at, cal.tz)
        end = _from_db(b.ends_at, cal.tz)
        if not cal.within_hours(b.advisor_id, start, end):
            out.append(b.reference)
    return sorted(out)


# --------------------------------------------------------------------------- calendar


def optional_holiday_names() -> frozenset[str]:
    """Danish names of the days the office may choose to close on too."""
    year = date.today().year
    names: set[str] = set()
    for y in (year, year + 1):
        for name in holidays.country_holidays(
            "DK", years=y, language="da", categories=("optional",)
        ).values():
            names.update(n.strip() for n in name.split(";"))
    return frozenset(names)


@lru_cache(maxsize=64)
def closed_holidays(year: int, extra: frozenset[str]) -> Dict[date, str]:
    """Public holidays of ``year`` plus the optional ones named in ``extra``."""
    out = dict(holidays.country_holidays("DK", years=year, language="da").items())
    if extra:
        optional = holidays.country_holidays(
            "DK", years=year, language="da", categories=("optional",)
        )
        for day, name in optional.items():
            if any(n.strip() in extra for n in name.split(";")):
                out.setdefault(day, name)
    return out


@dataclass
class Calendar:
    """A snapshot of the rules for the slot search (cheap to load, a few small queries)."""

    tz: ZoneInfo
    meeting: timedelta
    buffer: timedelta
    notice: timedelta
    horizon_days: int
    offer_count: int
    extra_holidays: frozenset[str]
    hours: Dict[int, WeeklyHours]  # advisor_id -> weekday -> intervals
    closed_office: Dict[date, str]
    closed_advisor: Dict[int, set[date]]

    def is_closed(self, day: date) -> bool:
        return day in self.closed_office or day in closed_holidays(day.year, self.extra_holidays)

    def within_hours(self, advisor_id: int, start: datetime, end: datetime) -> bool:
        """Whether [start, end) (local) lies in the advisor's hours on an open day."""
        day = start.date()
        if self.is_closed(day) or day in self.closed_advisor.get(advisor_id, set()):
            return False
        for opens, closes in self.hours.get(advisor_id, {}).get(day.weekday(), []):
            lo = _local(day, opens, self.tz).astimezone(UTC)
            hi = _local(day, closes, self.tz).astimezone(UTC)
            if lo <= start.astimezone(UTC) and end.astimezone(UTC) <= hi:
                return True
        return False


def load_calendar(session: Session, *, tz: str = DEFAULT_TZ, today: date) -> Calendar:
    config = session.get(BookingConfig, 1)
    if config is None:
        raise NotConfigured("no booking configuration; run seed_from_file")
    zone = ZoneInfo(tz)
    hours: Dict[int, WeeklyHours] = {}
    rows = session.execute(
        select(OfficeHours.advisor_id, OfficeHours.weekday, OfficeHours.opens, OfficeHours.closes)
        .join(Advisor, Advisor.id == OfficeHours.advisor_id)
        .where(Advisor.active.is_(True))
        .order_by(OfficeHours.advisor_id, OfficeHours.weekday, OfficeHours.opens)
    )
    for advisor_id, weekday, opens, closes in rows:
        hours.setdefault(advisor_id, {}).setdefault(weekday, []).append((opens, closes))
    closed_office: Dict[date, str] = {}
    closed_advisor: Dict[int, set[date]] = {}
    horizon_end = today + timedelta(days=config.horizon_days + 1)
    for day, advisor_id, reason in session.execute(
        select(ClosedDay.day, ClosedDay.advisor_id, ClosedDay.reason).where(
            ClosedDay.day >= today - timedelta(days=1), ClosedDay.day <= horizon_end
        )
    ):
        if advisor_id is None:
            closed_office[day] = reason
        else:
            closed_advisor.setdefault(advisor_id, set()).add(day)
    return Calendar(
        tz=zone,
        meeting=timedelta(minutes=config.meeting_minutes),
        buffer=timedelta(minutes=config.buffer_minutes),
        notice=timedelta(minutes=config.notice_minutes),
        horizon_days=config.horizon_days,
        offer_count=config.offer_count,
        extra_holidays=frozenset(n for n in config.extra_holidays.split("|") if n),
        hours=hours,
        closed_office=closed_office,
        closed_advisor=closed_advisor,
    )


# --------------------------------------------------------------------------- slot search


@dataclass(frozen=True, order=True)
class Slot:
    """A bookable time; ``advisor_ids`` are the advisors free then.

    Slots compare and sort by the UTC instant: Python compares two datetimes of
    the same zone by wall clock and ignores ``fold``, which would merge the two
    02:00 slots of the autumn DST night.
    """

    utc: datetime  # aware UTC
    start: datetime = field(compare=False)  # aware, local zone
    end: datetime = field(compare=False)
    advisor_ids: Tuple[int, ...] = field(compare=False, default=())

    @property
    def key(self) -> str:
        """Unambiguous ISO form for button payloads, e.g. 2025-12-03T10:00+01:00."""
        return self.start.isoformat(timespec="minutes")


@dataclass(frozen=True)
class Offers:
    slots: List[Slot]
    matched: bool  # True: the slots fit the wish; False: nearest alternatives


def parse_slot_key(value: str, tz: str = DEFAULT_TZ) -> datetime | None:
    """A slot key (ISO 8601, with or without offset) as an aware local datetime."""
    try:
        dt = datetime.fromisoformat(str(value).strip())
    except ValueError:
        return None
    zone = ZoneInfo(tz)
    if dt.tzinfo is None:
        return dt.replace(tzinfo=zone)
    return dt.astimezone(zone)


def _to_db(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("aware datetime expected")
    return dt.astimezone(UTC).replace(tzinfo=None)


def _from_db(dt: datetime, zone: ZoneInfo) -> datetime:
    return dt.replace(tzinfo=UTC).astimezone(zone)


def _local(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """Wall-clock time on ``day`` as an aware datetime, normalised through UTC.

    A time in the spring-forward gap maps to the real instant after it; in the
    repeated autumn hour the first (summer time) occurrence is used.
    """
    return datetime.combine(day, clock, zone).astimezone(UTC).astimezone(zone)


def _busy_intervals(
    session: Session,
    lo: datetime,
    hi: datetime,
    *,
    exclude_booking_id: int | None = None,
) -> Dict[int, Tuple[List[datetime], List[datetime]]]:
    """Per advisor: sorted starts and matching block ends (naive UTC) of active bookings."""
    stmt = (
        select(Booking.advisor_id, Booking.starts_at, Booking.blocked_until)
        .where(
            Booking.status == ACTIVE,
            Booking.starts_at < _to_db(hi),
            Booking.starts_at >= _to_db(lo) - timedelta(days=1),
        )
        .order_by(Booking.starts_at)
    )
    if exclude_booking_id is not None:
        stmt = stmt.where(Booking.id != exclude_booking_id)
    out: Dict[int, Tuple[List[datetime], List[datetime]]] = {}
    for advisor_id, starts_at, blocked_until in session.execute(stmt):
        starts, ends = out.setdefault(advisor_id, ([], []))
        starts.append(starts_at)
        ends.append(blocked_until)
    return out


def _overlaps(busy: Tuple[List[datetime], List[datetime]], lo: datetime, hi: datetime) -> bool:
    """Whether [lo, hi) overlaps one of the (non-overlapping, sorted) busy intervals."""
    starts, ends = busy
    i = bisect_left(starts, hi)  # intervals starting before hi: [0, i)
    return i > 0 and ends[i - 1] > lo


def iter_free_slots(
    session: Session,
    *,
    now: datetime,
    tz: str = DEFAULT_TZ,
    first_day: date | None = None,
    last_day: date | None = None,
    exclude_booking_id: int | None = None,
    calendar: Calendar | None = None,
) -> Iterator[Slot]:
    """Free slots in time order from ``first_day`` (default today) to the horizon."""
    zone = ZoneInfo(tz)
    now = now.astimezone(zone)
    today = now.date()
    cal = calendar or load_calendar(session, tz=tz, today=today)
    horizon = today + timedelta(days=cal.horizon_days)
    first = max(first_day or today, today)
    last = min(last_day or horizon, horizon)
    if last < first:
        return
    earliest = now + cal.notice
    span = cal.meeting + cal.buffer
    # Busy intervals are fetched a week at a time, so a caller that stops early
    # (the next three free times) reads only the first week of bookings.
    busy: Dict[int, Tuple[List[datetime], List[datetime]]] = {}
    chunk_last: date | None = None
    day = first
    while day <= last:
        if chunk_last is None or day > chunk_last:
            chunk_last = min(day + timedelta(days=BUSY_CHUNK_DAYS - 1), last)
            busy = _busy_intervals(
                session,
                _local(day, time(0), zone),
                _local(chunk_last + timedelta(days=1), time(0), zone),
                exclude_booking_id=exclude_booking_id,
            )
        if not cal.is_closed(day):
            by_start: Dict[datetime, List[int]] = {}
            for advisor_id, week in cal.hours.items():
                if day in cal.closed_advisor.get(advisor_id, ()):
                    continue
                advisor_busy = busy.get(advisor_id, ([], []))
                for opens, closes in week.get(day.weekday(), []):
                    # Step in real (UTC) time: correct across DST changes.
                    start = _local(day, opens, zone).astimezone(UTC)
                    limit = _local(day, closes, zone).astimezone(UTC)
                    while start + cal.meeting <= limit:
                        if start >= earliest:
                            s = start.replace(tzinfo=None)
                            if not _overlaps(advisor_busy, s, s + span):
                                by_start.setdefault(start, []).append(advisor_id)
                        start += span
            for start in sorted(by_start):
                yield Slot(
                    utc=start,
                    start=start.astimezone(zone),
                    end=(start + cal.meeting).astimezone(zone),
                    advisor_ids=tuple(by_start[start]),
                )
        day += timedelta(days=1)


def _spread(ordered: Sequence[Slot], count: int) -> List[Slot]:
    """``count`` slots from ``ordered`` (priority order), one per day first."""
    chosen: List[Slot] = []
    days: set[date] = set()
    for slot in ordered:
        if slot.start.date() not in days:
            chosen.append(slot)
            days.add(slot.start.date())
            if len(chosen) == count:
                return sorted(chosen)
    for slot in ordered:
        if len(chosen) == count:
            break
        if slot not in chosen:
            chosen.append(slot)
    return sorted(chosen)


def find_offers(
    session: Session,
    *,
    now: datetime,
    wish: TimeWish | None = None,
    count: int | None = None,
    tz: str = DEFAULT_TZ,
    exclude_booking_id: int | None = None,
) -> Offers:
    """Free times to offer: matching the wish, else the nearest ones.

    Without a wish: the next free times, one per day. With a wish that nothing
    free matches: the free times nearest to it (excluded weekdays still avoided
    when possible). At most ``count`` (default: ``antal_forslag``) slots.
    """
    zone = ZoneInfo(tz)
    now = now.astimezone(zone)
    cal = load_calendar(session, tz=tz, today=now.date())
    n = count or cal.offer_count
    wish = wish or TimeWish()

    def free(first: date | None = None, last: date | None = None) -> Iterator[Slot]:
        return iter_free_slots(
            session,
            now=now,
            tz=tz,
            calendar=cal,
            first_day=first,
            last_day=last,
            exclude_booking_id=exclude_booking_id,
        )

    # Matching slots in time order; one per day is offered first, so stop once
    # n different days are found.
    matching: List[Slot] = []
    days: set[date] = set()
    for slot in free(wish.date_from, wish.date_to):
        if wish.allows(slot.start):
            matching.append(slot)
            days.add(slot.start.date())
            if len(days) >= n:
                break
    if matching:
        return Offers(_spread(matching, n), True)

    # Nothing fits: the free slots nearest to the wish, first within a window
    # around it, then anywhere in the horizon.
    anchor = wish.anchor(now)
    anchor_utc = anchor.astimezone(UTC)
    window = timedelta(days=NEAREST_WINDOW_DAYS)
    pool: List[Slot] = []
    for lo, hi in ((anchor.date() - window, anchor.date() + window), (None, None)):
        pool = [s for s in free(lo, hi) if s.start.weekday() not in wish.excluded_weekdays]
        if len({s.start.date() for s in pool}) >= n:
            break
    if not pool:
        pool = list(free())
    pool.sort(key=lambda s: (abs(s.utc - anchor_utc), s.utc))
    return Offers(_spread(pool, n), False)


def find_slot(
    session: Session,
    start: datetime,
    *,
    now: datetime,
    tz: str = DEFAULT_TZ,
    exclude_booking_id: int | None = None,
    calendar: Calendar | None = None,
) -> Slot | None:
    """The free slot starting exactly at ``start``, or None."""
    local = start.astimezone(ZoneInfo(tz))
    instant = start.astimezone(UTC)
    for slot in iter_free_slots(
        session,
        now=now,
        tz=tz,
        first_day=local.date(),
        last_day=local.date(),
        exclude_booking_id=exclude_booking_id,
        calendar=calendar,
    ):
        if slot.utc == instant:
            return slot
    return None


# --------------------------------------------------------------------------- contact data

_EMAIL_RX = re.compile(r"[^\s@<>,;:()\[\]\"']+@[^\s@<>,;:()\[\]\"']+\.[^\s@<>,;:()\[\]\"'.]{2,}")
_PHONE_RX = re.compile(r"(?<![\d+])(?:(?:\+|00)\s*45[\s-]*)?((?:\d[\s-]*){7}\d)(?![\d])")


@dataclass(frozen=True)
class ContactInfo:
    phone: str | None = None  # 8 digits
    email: str | None = None  # lower-case

    @property
    def empty(self) -> bool:
        return not self.phone and not self.email


def normalize_phone(value: str) -> str | None:
    m = _PHONE_RX.search(value or "")
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group(1))
    return digits if len(digits) == 8 else None


def parse_contact(text: str) -> ContactInfo:
    """A Danish phone number (8 digits, optional +45) and/or an e-mail address."""
    text = text or ""
    email_match = _EMAIL_RX.search(text)
    email = email_match.group(0).rstrip(".").lower() if email_match else None
    rest = text.replace(email_match.group(0), " ") if email_match else text
    return ContactInfo(phone=normalize_phone(rest), email=email)


def normalize_reference(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def _new_reference(session: Session) -> str:
    while True:
        ref = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        taken = session.execute(select(Booking.id).where(Booking.reference == ref)).first()
        if taken is None:
            return ref


def request_key(conversation_id: str, slot_key: str) -> str:
    """Idempotency key of one conversation asking for one slot (no personal data)."""
    return hashlib.sha256(f"{conversation_id}\n{slot_key}".encode()).hexdigest()


def clean_topic(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) > MAX_TOPIC_CHARS:
        text = text[: MAX_TOPIC_CHARS - 1].rstrip() + "…"
    return text


# --------------------------------------------------------------------------- booking


@dataclass(frozen=True)
class BookingRequest:
    start: datetime
    meeting_type: str
    topic: str
    name: str
    phone: str | None = None
    email: str | None = None
    request_key: str | None = None


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
    mail_queued: bool = False


def _info(session: Session, b: Booking, zone: ZoneInfo, mail_queued: bool = False) -> BookingInfo:
    advisor = session.get(Advisor, b.advisor_id)
    return BookingInfo(
        id=b.id,
        reference=b.reference,
        start=_from_db(b.starts_at, zone),
        end=_from_db(b.ends_at, zone),
        meeting_type=b.meeting_type,
        name=b.name,
        phone=b.phone,
        email=b.email,
        advisor_name=advisor.name if advisor else "",
        status=b.status,
        sequence=b.sequence,
        mail_queued=mail_queued,
    )


def _blocks(
    advisor_id: int, booking_id: int, start: datetime, until: datetime
) -> List[BookedBlock]:
    out = []
    t = start
    while t < until:
        out.append(BookedBlock(advisor_id=advisor_id, block_start=t, booking_id=booking_id))
        t += timedelta(minutes=BLOCK_MINUTES)
    return out


def _alternatives(session: Session, near: datetime, now: datetime, tz: str) -> List[Slot]:
    session.rollback()
    local = near.astimezone(ZoneInfo(tz))
    wish = TimeWish(date_from=local.date(), date_to=local.date(), at=local.time())
    return find_offers(session, now=now, wish=wish, tz=tz).slots


def book(
    session: Session,
    request: BookingRequest,
    *,
    now: datetime,
    texts: OfficeTexts | None = None,
    tz: str = DEFAULT_TZ,
    mail_domain: str = "aalborg.dk",
) -> BookingInfo:
    """Book ``request.start`` with a free advisor, atomically, and commit.

    Raises ``SlotTaken`` (with alternatives) when the time is not bookable or was
    taken meanwhile; database errors propagate (the caller offers the phone).
    With an e-mail address and ``texts``, a confirmation with an .ics file is
    queued in the outbox in the same transaction.
    """
    zone = ZoneInfo(tz)
    if request.meeting_type not in MEETING_TYPES:
        raise ValueError("unknown meeting type")
    if request.request_key:
        existing = session.execute(
            select(Booking).where(Booking.request_key == request.request_key)
        ).scalar_one_or_none()
        if existing is not None and existing.status == ACTIVE:
            info = _info(session, existing, zone)
            session.commit()
            return info
        if existing is not None:
            existing.request_key = None
            session.commit()
    cal = load_calendar(session, tz=tz, today=now.astimezone(zone).date())
    slot = find_slot(session, request.start, now=now, tz=tz, calendar=cal)
    if slot is None:
        raise SlotTaken(_alternatives(session, request.start, now, tz))
    start_db = _to_db(slot.start)
    end_db = _to_db(slot.end)
    until_db = end_db + cal.buffer
    for advisor_id in slot.advisor_ids:
        try:
            booking = Booking(
                reference=_new_reference(session),
                advisor_id=advisor_id,
                starts_at=start_db,
                ends_at=end_db,
                blocked_until=until_db,
                meeting_type=request.meeting_type,
                topic=clean_topic(request.topic),
                name=request.name.strip()[:200],
                phone=request.phone,
                email=request.email,
                status=ACTIVE,
                sequence=0,
                request_key=request.request_key,
                created_at=_to_db(now),
            )
            session.add(booking)
            session.flush()
            session.add_all(_blocks(advisor_id, booking.id, start_db, until_db))
            session.flush()
            info = _info(session, booking, zone)
            queued = _queue_mail(session, info, "bekraeftelse", texts, now, mail_domain)
            session.commit()
        except IntegrityError:
            session.rollback()
            log.debug("booking: advisor %s taken at %s, trying next", advisor_id, slot.key)
            continue
        log.info("booking: booked %s (advisor %s)", info.reference, advisor_id)
        return BookingInfo(**{**info.__dict__, "mail_queued": queued})
    raise SlotTaken(_alternatives(session, request.start, now, tz))


def _find_for_change(session: Session, reference: str, contact: ContactInfo) -> Booking:
    ref = normalize_reference(reference)
    if not ref or contact.empty:
        raise BookingNotFound("reference or contact missing")
    booking = session.execute(select(Booking).where(Booking.reference == ref)).scalar_one_or_none()
    if booking is None:
        raise BookingNotFound("no such reference")
    phone_ok = bool(contact.phone) and contact.phone == booking.phone
    email_ok = (
        bool(contact.email) and (contact.email or "").lower() == (booking.email or "").lower()
    )
    if not (phone_ok or email_ok):
        raise BookingNotFound("contact does not match")
    return booking


def find_booking(
    session: Session, reference: str, contact: ContactInfo, *, tz: str = DEFAULT_TZ
) -> BookingInfo:
    """The booking with this reference whose phone or e-mail matches ``contact``."""
    return _info(session, _find_for_change(session, reference, contact), ZoneInfo(tz))


def cancel(
    session: Session,
    reference: str,
    contact: ContactInfo,
    *,
    now: datetime,
    texts: OfficeTexts | None = None,
    tz: str = DEFAULT_TZ,
    mail_domain: str = "aalborg.dk",
) -> BookingInfo:
    """Cancel an active future booking (frees the slot) and commit."""
    zone = ZoneInfo(tz)
    booking = _find_for_change(session, reference, contact)
    if booking.status != ACTIVE or booking.starts_at <= _to_db(now):
        raise BookingNotChangeable(booking.status)
    session.execute(delete(BookedBlock).where(BookedBlock.booking_id == booking.id))
    booking.status = CANCELLED
    booking.cancelled_at = _to_db(now)
    booking.topic = ""  # not needed any more
    booking.request_key = None
    session.flush()
    info = _info(session, booking, zone)
    queued = _queue_mail(session, info, "aflyst", texts, now, mail_domain)
    session.commit()
    log.info("booking: cancelled %s", info.reference)
    return BookingInfo(**{**info.__dict__, "mail_queued": queued})


def move(
    session: Session,
    reference: str,
    contact: ContactInfo,
    new_start: datetime,
    *,
    now: datetime,
    texts: OfficeTexts | None = None,
    tz: str = DEFAULT_TZ,
    mail_domain: str = "aalborg.dk",
) -> BookingInfo:
    """Move an active future booking to ``new_start`` atomically and commit.

    On ``SlotTaken`` the booking keeps its old time.
    """
    zone = ZoneInfo(tz)
    booking = _find_for_change(session, reference, contact)
    if booking.status != ACTIVE or booking.starts_at <= _to_db(now):
        raise BookingNotChangeable(booking.status)
    booking_id, old_advisor = booking.id, booking.advisor_id
    cal = load_calendar(session, tz=tz, today=now.astimezone(zone).date())
    slot = find_slot(
        session, new_start, now=now, tz=tz, exclude_booking_id=booking_id, calendar=cal
    )
    if slot is None:
        raise SlotTaken(_moving_alternatives(session, new_start, now, tz, booking_id))
    start_db, end_db = _to_db(slot.start), _to_db(slot.end)
    until_db = end_db + cal.buffer
    advisors = sorted(slot.advisor_ids, key=lambda a: a != old_advisor)
    for advisor_id in advisors:
        try:
            booking = session.get(Booking, booking_id)
            session.execute(delete(BookedBlock).where(BookedBlock.booking_id == booking_id))
            booking.advisor_id = advisor_id
            booking.starts_at = start_db
            booking.ends_at = end_db
            booking.blocked_until = until_db
            booking.sequence = (booking.sequence or 0) + 1
            booking.request_key = None
            session.flush()
            session.add_all(_blocks(advisor_id, booking_id, start_db, until_db))
            session.flush()
            info = _info(session, booking, zone)
            queued = _queue_mail(session, info, "flyttet", texts, now, mail_domain)
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        log.info("booking: moved %s", info.reference)
        return BookingInfo(**{**info.__dict__, "mail_queued": queued})
    raise SlotTaken(_moving_alternatives(session, new_start, now, tz, booking_id))


def _moving_alternatives(
    session: Session, near: datetime, now: datetime, tz: str, booking_id: int
) -> List[Slot]:
    session.rollback()
    local = near.astimezone(ZoneInfo(tz))
    wish = TimeWish(date_from=local.date(), date_to=local.date(), at=local.time())
    return find_offers(session, now=now, wish=wish, tz=tz, exclude_booking_id=booking_id).slots


def purge_expired(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete bookings ``retention_days`` after the meeting (or the cancellation). Commits."""
    cutoff = _to_db(now) - timedelta(days=retention_days)
    ids = [
        row[0]
        for row in session.execute(
            select(Booking.id).where(
                or_(
                    Booking.ends_at < cutoff,
                    (Booking.status == CANCELLED) & (Booking.cancelled_at < cutoff),
                )
            )
        )
    ]
    if ids:
        session.execute(delete(BookedBlock).where(BookedBlock.booking_id.in_(ids)))
        session.execute(delete(Booking).where(Booking.id.in_(ids)))
    session.commit()
    if ids:
        log.info("booking: purged %d bookings", len(ids))
    return len(ids)


def count_active(session: Session) -> int:
    return int(
        session.execute(select(func.count(Booking.id)).where(Booking.status == ACTIVE)).scalar_one()
    )


# --------------------------------------------------------------------------- e-mail


def mail_vars(info: BookingInfo, texts: OfficeTexts) -> Dict[str, str]:
    """Variables for the Danish templates (also used by the chat responses)."""
    return {
        "navn": info.name,
        "tidspunkt": texts.label(info.start),
        "moedeform": texts.meeting_type_label(info.meeting_type),
        "sted": texts.location(info.meeting_type),
        "reference": info.reference,
        "kontor": texts.kontor,
        "telefon": texts.telefon,
        "adresse": texts.adresse,
        "raadgiver": info.advisor_name,
    }


def calendar_file(
    info: BookingInfo, texts: OfficeTexts, *, now: datetime, mail_domain: str
) -> bytes:
    from bot.ics import build_event

    values = mail_vars(info, texts)
    return build_event(
        uid=f"{info.reference.lower()}@{mail_domain}",
        dtstamp=now,
        start=info.start,
        end=info.end,
        summary=texts.texts.kalender_titel.format(**values),
        location=values["sted"],
        description=texts.texts.kalender_beskrivelse.format(**values),
        sequence=info.sequence,
    )


def _queue_mail(
    session: Session,
    info: BookingInfo,
    kind: str,
    texts: OfficeTexts | None,
    now: datetime,
    mail_domain: str,
) -> bool:
    """Queue the confirmation/moved/cancelled mail; False without address/texts or if invalid."""
    if not info.email or texts is None:
        return False
    from bot.outbox import InvalidMail, enqueue_mail

    t = texts.texts
    subject, body = {
        "bekraeftelse": (t.mail_emne_bekraeftelse, t.mail_tekst_bekraeftelse),
        "flyttet": (t.mail_emne_flyttet, t.mail_tekst_flyttet),
        "aflyst": (t.mail_emne_aflyst, t.mail_tekst_aflyst),
    }[kind]
    values = mail_vars(info, texts)
    attachments: List[Tuple[str, str, bytes]] = []
    if kind != "aflyst":
        attachments.append(
            (
                "moede.ics",
                "text/calendar",
                calendar_file(info, texts, now=now, mail_domain=mail_domain),
            )
        )
    try:
        enqueue_mail(
            session,
            key=f"booking:{info.reference}:{kind}:{info.sequence}",
            to=info.email,
            subject=subject.format(**values),
            text=body.format(**values),
            attachments=attachments,
            now=now,
        )
    except InvalidMail:
        log.warning("booking: confirmation mail for %s refused by the outbox", info.reference)
        return False
    return True


def mail_domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") if "@" in address else "localhost"


def _purge_hook(session: Session, cutoff: datetime) -> int:
    """Outbox purge hook: the worker purges expired bookings with the mails."""
    return purge_expired(session, now=cutoff.replace(tzinfo=timezone.utc), retention_days=0)


register_purge_hook(_purge_hook)
