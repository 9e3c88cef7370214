"""Danish calendar words and the days the office and the authorities are closed.

One place for: month and weekday names (with the short and æøå-less forms citizens
write), number words, public holidays (the ``holidays`` package, Denmark), and
working days. Deadlines, time wishes, past periods and booking all use these.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Dict

import holidays

MONTH_NAMES = (
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
)  # fmt: skip
WEEKDAY_NAMES = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")

# Month names and the short forms letters and citizens use ("3. dec.", "sept").
MONTHS: Dict[str, int] = {
    **{name: i + 1 for i, name in enumerate(MONTH_NAMES)},
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "okt": 10, "nov": 11, "dec": 12,
}  # fmt: skip

# Weekday names with the short forms ("tors") and æøå-less spellings ("loerdag").
WEEKDAYS: Dict[str, int] = {
    **{name: i for i, name in enumerate(WEEKDAY_NAMES)},
    "tirs": 1, "ons": 2, "tors": 3, "fre": 4, "lør": 5,
    "lordag": 5, "loerdag": 5, "sondag": 6, "soendag": 6,
}  # fmt: skip

NUMBER_WORDS: Dict[str, int] = {
    "en": 1, "et": 1, "én": 1, "ét": 1, "to": 2, "tre": 3, "fire": 4, "fem": 5,
    "seks": 6, "syv": 7, "otte": 8, "ni": 9, "ti": 10, "elleve": 11, "tolv": 12,
    "tretten": 13, "fjorten": 14, "femten": 15, "seksten": 16, "sytten": 17,
    "tyve": 20, "tredive": 30,
}  # fmt: skip

# Grundlovsdag, juleaftensdag, nytårsaftensdag: closed, though not public holidays.
CLOSED_EXTRA = ((6, 5), (12, 24), (12, 31))


@lru_cache(maxsize=64)
def public_holidays(year: int) -> Dict[date, str]:
    """Denmark's public holidays of ``year`` with their Danish names."""
    return dict(holidays.country_holidays("DK", years=year, language="da").items())


@lru_cache(maxsize=64)
def optional_holidays(year: int) -> Dict[date, str]:
    """The days an office may choose to close on too (Danish names; ';' separates)."""
    return dict(
        holidays.country_holidays("DK", years=year, language="da", categories=("optional",))
    )


@lru_cache(maxsize=64)
def _closed(year: int) -> frozenset[date]:
    days = set(public_holidays(year))
    days.update(date(year, month, day) for month, day in CLOSED_EXTRA)
    return frozenset(days)


def is_closed_day(day: date) -> bool:
    """Saturday, Sunday, a public holiday, grundlovsdag, 24 or 31 December."""
    return day.weekday() >= 5 or day in _closed(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself when it is a working day, otherwise the next one."""
    while is_closed_day(day):
        day += timedelta(days=1)
    return day
