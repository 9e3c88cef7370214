"""Opening hours and holidays as free times: the slot search and the offers.

``load_calendar`` reads the rules (a few small queries); ``iter_free_slots`` walks
the days from the first wanted one to the horizon and yields the free times in
order, skipping public holidays (``bot.language.calendar``), the optional holidays
the office closes on (``lukket_ogsaa_paa``), closed days and busy advisors;
``find_offers`` picks what to offer for a time wish, ``find_slot`` checks one time.
Times step in real (UTC) time, so opening hours keep their wall clock across DST.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Dict, Iterator, List, Sequence, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.features.booking.errors import BookingError, NotConfigured
from bot.features.booking.office import WeeklyHours
from bot.features.booking.tables import (
    ACTIVE,
    DEFAULT_TZ,
    UTC,
    Advisor,
    Booking,
    BookingConfig,
    ClosedDay,
    OfficeHours,
    to_db,
)
from bot.language.calendar import optional_holidays, public_holidays
from bot.language.timewish import TimeWish

BUSY_CHUNK_DAYS = 7
_SLOT_KEY = re.compile(r"^\s*\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
NEAREST_WINDOW_DAYS = 10


@lru_cache(maxsize=64)
def closed_holidays(year: int, extra: frozenset[str]) -> Dict[date, str]:
    """Public holidays of ``year`` plus the optional ones named in ``extra``."""
    out = dict(public_holidays(year))
    if extra:
        for day, name in optional_holidays(year).items():
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


class SlotTaken(BookingError):
    """The wanted time is not (or no longer) free; ``alternatives`` are."""

    def __init__(self, alternatives: Sequence[Slot]) -> None:
        super().__init__("slot not available")
        self.alternatives = list(alternatives)


@dataclass(frozen=True)
class Offers:
    slots: List[Slot]
    matched: bool  # True: the slots fit the wish; False: nearest alternatives


def is_slot_key(text: str) -> bool:
    """Whether the text is a slot key from a button ("2025-12-03T10:00+01:00")."""
    return bool(_SLOT_KEY.match(text or ""))


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
            Booking.starts_at < to_db(hi),
            Booking.starts_at >= to_db(lo) - timedelta(days=1),
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
            session, now=now, tz=tz, calendar=cal, first_day=first, last_day=last,
            exclude_booking_id=exclude_booking_id,
        )  # fmt: skip

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


def exact_wish(start: datetime) -> TimeWish:
    """The wish for exactly ``start`` (its day and clock time, local)."""
    return TimeWish(date_from=start.date(), date_to=start.date(), at=start.time())


def offers_near(
    session: Session,
    near: datetime,
    *,
    now: datetime,
    tz: str = DEFAULT_TZ,
    exclude_booking_id: int | None = None,
) -> List[Slot]:
    """The free times to offer instead of ``near`` (taken or not bookable)."""
    wish = exact_wish(near.astimezone(ZoneInfo(tz)))
    return find_offers(
        session, now=now, wish=wish, tz=tz, exclude_booking_id=exclude_booking_id
    ).slots
