"""content/booking.yml into the database: advisors, hours, closed days, rules.

``seed_from_file`` replaces what came from the file and keeps what the office added
(``add_closed_day``). Nothing here commits: the caller's unit of work
(``bot.infra.db.session_scope``) does, so a failed sync changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Dict, List
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from bot.features.booking.errors import BookingError
from bot.features.booking.office import load_booking_file, parse_week
from bot.features.booking.slots import load_calendar
from bot.features.booking.tables import (
    ACTIVE,
    DEFAULT_TZ,
    SOURCE_FILE,
    SOURCE_OFFICE,
    Advisor,
    Booking,
    BookingConfig,
    ClosedDay,
    OfficeHours,
    from_db,
    to_db,
)

log = logging.getLogger(__name__)


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
    """Load content/booking.yml into the database (idempotent); the caller commits.

    Validates the whole file first (``BookingFileError``, nothing changed).
    Advisors missing from the file are deactivated, not deleted (their bookings
    stay). Closed days from the file replace the earlier ones from the file;
    those the office added (``add_closed_day``) are kept.
    """
    spec = load_booking_file(path, contact_path)
    now = now or datetime.now(ZoneInfo(tz))
    stamp = to_db(now)

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
            parse_week(advisor_spec.aabningstider)
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
    """Close the office (or one advisor) on ``day``; kept across file syncs.

    The caller's unit of work commits."""
    advisor_id = None
    if advisor_name is not None:
        advisor = session.execute(
            select(Advisor).where(Advisor.name == advisor_name)
        ).scalar_one_or_none()
        if advisor is None:
            raise BookingError("unknown advisor")
        advisor_id = advisor.id
    session.add(ClosedDay(day=day, advisor_id=advisor_id, reason=reason, source=SOURCE_OFFICE))
    session.flush()


def _conflicting_bookings(session: Session, *, now: datetime, tz: str) -> List[str]:
    cal = load_calendar(session, tz=tz, today=now.astimezone(ZoneInfo(tz)).date())
    rows = session.execute(
        select(Booking).where(Booking.status == ACTIVE, Booking.starts_at > to_db(now))
    ).scalars()
    out = []
    for b in rows:
        start = from_db(b.starts_at, cal.tz)
        end = from_db(b.ends_at, cal.tz)
        if not cal.within_hours(b.advisor_id, start, end):
            out.append(b.reference)
    return sorted(out)
