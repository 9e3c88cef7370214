"""The clock: now and today in the configured time zone (Europe/Copenhagen).

Services and actions take a ``Clock`` instead of reading the system clock, so
tests pass a ``FixedClock`` instead of patching ``datetime``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Clock:
    """The system clock in ``timezone``."""

    timezone: str = "Europe/Copenhagen"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def now(self) -> datetime:
        return datetime.now(self.tz)

    def today(self) -> date:
        return self.now().date()


@dataclass(frozen=True)
class FixedClock(Clock):
    """A clock that always says ``at`` (aware); for tests and benchmarks."""

    at: datetime = datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))

    def now(self) -> datetime:
        return self.at.astimezone(self.tz)
