"""When the citizen hears from Borgerrådgivningen: "Du hører fra os senest ...".

Office hours are the booking hours of content/booking.yml (``aabningstider`` per
weekday, ``lukket_ogsaa_paa``, the office-wide ``lukkedage``) plus any closed days
the office added in the booking database. Weekends, public holidays, grundlovsdag,
24 and 31 December are always closed (``bot.language.calendar``).

The rule, with ``n`` = ``svartid_arbejdsdage`` in content/handover.yml:

1. The day of receipt is today when the office is open today and has not yet closed
   (a case written at 7:30 on a Tuesday is received on that Tuesday); otherwise it is
   the next open day.
2. The promise is the closing time of the ``n``-th open day after the day of receipt
   (``n`` = 0: the day of receipt itself). Received Monday 10:00 with ``n`` = 2:
   Wednesday; received Friday 13:00 after closing: the next Monday is the day of
   receipt, so Wednesday.
3. Outside office hours (before opening, after closing, on a closed day) the receipt
   also says when the office opens again.

Nothing here reads the clock: ``now`` is an argument (aware).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable, List, Tuple
from zoneinfo import ZoneInfo

from bot.features.booking.office import BookingFile, WeeklyHours
from bot.language.calendar import (
    MONTH_NAMES,
    WEEKDAY_NAMES,
    is_closed_day,
    next_working_day,
    optional_holidays,
)

# How far ahead an open day is looked for (an office closed longer has no promise).
HORIZON_DAYS = 366
# Without any open day ahead: the public calendar's working days, at this time.
FALLBACK_CLOSING = time(15, 0)


@dataclass(frozen=True)
class OfficeCalendar:
    """When the office is open: weekly hours and the days it is closed."""

    week: WeeklyHours
    tz: ZoneInfo
    closed: frozenset[date] = frozenset()
    also_closed: frozenset[str] = frozenset()  # optional holidays the office closes on

    @classmethod
    def from_booking(
        cls, booking: BookingFile, tz: str, extra_closed: Iterable[date] = ()
    ) -> OfficeCalendar:
        """The office's calendar from content/booking.yml (office-wide closed days only)."""
        closed = {d for spec in booking.lukkedage if spec.raadgiver is None for d in spec.days()}
        closed.update(extra_closed)
        return cls(
            week=booking.week(),
            tz=ZoneInfo(tz),
            closed=frozenset(closed),
            also_closed=frozenset(n.strip() for n in booking.lukket_ogsaa_paa),
        )

    def is_open_day(self, day: date) -> bool:
        if is_closed_day(day) or day in self.closed or not self.week.get(day.weekday()):
            return False
        names = optional_holidays(day.year).get(day, "")
        return not ({n.strip() for n in names.split(";") if n.strip()} & self.also_closed)

    def hours(self, day: date) -> List[Tuple[datetime, datetime]]:
        """The day's opening intervals as aware datetimes (none on a closed day)."""
        if not self.is_open_day(day):
            return []
        return [
            (datetime.combine(day, a, self.tz), datetime.combine(day, b, self.tz))
            for a, b in self.week.get(day.weekday(), [])
        ]

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.tz)
        return any(a <= local < b for a, b in self.hours(local.date()))

    def next_opening(self, now: datetime) -> datetime | None:
        """The next time the office opens after ``now`` (None: not within a year)."""
        local = now.astimezone(self.tz)
        for offset in range(HORIZON_DAYS):
            for opens, _ in self.hours(local.date() + timedelta(days=offset)):
                if opens > local:
                    return opens
        return None

    def next_open_day(self, day: date) -> date | None:
        """``day`` itself when open, else the next open day (None: not within a year)."""
        for offset in range(HORIZON_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_open_day(candidate):
                return candidate
        return None

    def receipt_day(self, now: datetime) -> date | None:
        local = now.astimezone(self.tz)
        today = self.hours(local.date())
        if today and local < today[-1][1]:
            return local.date()
        return self.next_open_day(local.date() + timedelta(days=1))

    def add_open_days(self, day: date, n: int) -> date | None:
        for _ in range(n):
            found = self.next_open_day(day + timedelta(days=1))
            if found is None:
                return None
            day = found
        return day


@dataclass(frozen=True)
class Promise:
    """The receipt's promise: the latest time, and whether the office is closed now."""

    due: datetime  # aware, in the office's zone
    off_hours: bool
    opens: datetime | None = None  # the next opening, when off hours

    @property
    def due_label(self) -> str:
        return day_label(self.due.date())

    @property
    def opens_label(self) -> str | None:
        return time_label(self.opens) if self.opens else None


def day_label(day: date) -> str:
    """ "torsdag den 3. december"."""
    return f"{WEEKDAY_NAMES[day.weekday()]} den {day.day}. {MONTH_NAMES[day.month - 1]}"


def time_label(at: datetime) -> str:
    """ "mandag den 7. december kl. 9.00"."""
    return f"{day_label(at.date())} kl. {at.hour}.{at.minute:02d}"


def promise(now: datetime, calendar: OfficeCalendar, working_days: int) -> Promise:
    """When the citizen hears from the office at the latest (see the module docstring)."""
    off_hours = not calendar.is_open(now)
    opens = calendar.next_opening(now) if off_hours else None
    received = calendar.receipt_day(now)
    last = calendar.add_open_days(received, working_days) if received else None
    if last is None:  # no open day ahead: count the public calendar's working days
        day = next_working_day(now.astimezone(calendar.tz).date())
        for _ in range(working_days):
            day = next_working_day(day + timedelta(days=1))
        return Promise(datetime.combine(day, FALLBACK_CLOSING, calendar.tz), True, None)
    closing = calendar.hours(last)[-1][1]
    return Promise(due=closing, off_hours=off_hours, opens=opens)
