"""When did it happen? Danish references to past periods in free text.

Used by the competence check for the 1-year rule (vedtægt § 13). Each
reference becomes a period; the rule looks at when the matter *ended*, so
every period is read generously: "i 2022" ends 31 December 2022, "i marts"
ends on the last day of the most recent March, "for tre år siden" is the
date three years before the reference day.

Understood (case-insensitive):
- years: "i 2019", "fra 2020", "afsluttet i 2022", "tilbage i 2021"
- months, with or without a year: "i marts", "i januar sidste år", "i maj 2023"
- seasons: "sidste forår", "i sommer", "i efteråret 2023", "sidste vinter"
- relative: "for to år siden", "for halvandet år siden", "for over et år siden",
  "for 18 måneder siden", "sidste år", "forrige år", "sidste måned"
- dates: "den 3. marts 2021", "3/4-2021", "03.04.2021"

Not periods that ended: "siden 2020" (still going on), "født i 1980",
"i 2 år" (a duration).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.language.calendar import MONTHS, NUMBER_WORDS
from bot.language.fold import fold

# Season -> (first month, last month); winter runs December-February.
SEASONS = {"forår": (3, 5), "sommer": (6, 8), "efterår": (9, 11), "vinter": (12, 2)}
NUMBERS = {
    **{word: float(n) for word, n in NUMBER_WORDS.items()},
    "halvandet": 1.5,
    "halvt": 0.5,
    "et halvt": 0.5,
    "et par": 2.0,
    "par": 2.0,
    "flere": 3.0,
    "mange": 5.0,
}


@dataclass(frozen=True)
class Period:
    text: str
    start: date
    end: date


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _minus_months(day: date, months: int) -> date:
    total = day.year * 12 + (day.month - 1) - months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _last_occurrence_of_month(month: int, today: date) -> int:
    """Year of the most recent month `month` that has begun by `today`."""
    return today.year if month <= today.month else today.year - 1


def _season(name: str, year: int) -> tuple[date, date]:
    first, last = SEASONS[name]
    if name == "vinter":
        return date(year - 1, 12, 1), _month_end(year, 2)
    return date(year, first, 1), _month_end(year, last)


def _last_occurrence_of_season(name: str, today: date) -> tuple[date, date]:
    for year in (today.year, today.year - 1, today.year - 2):
        start, end = _season(name, year)
        if start <= today:
            return start, end
    raise AssertionError("unreachable")


_NUM = r"(\d+(?:[,.]\d+)?|" + "|".join(sorted(map(re.escape, NUMBERS), key=len, reverse=True)) + ")"
_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_SEASON = r"(forår|sommer|efterår|vinter)(?:en|et)?"
_YEAR = r"((?:19|20)\d{2})"

_RELATIVE = re.compile(
    r"\b(?:for|det\s+er|er\s+det|der\s+er\s+gået)\s+(?:over\s+|mere\s+end\s+|omkring\s+|ca\.?\s+|cirka\s+|næsten\s+|godt\s+)?"
    + _NUM
    + r"\s+(år|måned(?:er)?|uge(?:r)?|dag(?:e)?)\s+siden\b"
)
_OVER = re.compile(r"\b(?:for|det\s+er|er\s+det|der\s+er\s+gået)\s+(over|mere\s+end)\s+")
# Recent days: "i går", "i forgårs", "i dag", "i mandags", "i sidste uge".
_RECENT_DAY = re.compile(r"\bi\s+(dag|går|forgårs|(man|tirs|ons|tors|fre|lør|søn)dags)\b")
_LAST_WEEK = re.compile(r"\bi\s+sidste\s+uge\b|\bsidste\s+uge\b")
_WEEKDAY_STEMS = ("man", "tirs", "ons", "tors", "fre", "lør", "søn")
_DATE_NUMERIC = re.compile(r"\b(\d{1,2})[./-](\d{1,2})[./-]((?:19|20)?\d{2})\b")
# "3/11" without a year: the most recent such day (a decision the citizen got).
_DATE_SHORT = re.compile(r"\b(\d{1,2})/(\d{1,2})\b(?![/.\-]\d)")
_DATE_WORDS = re.compile(r"\b(\d{1,2})\.?\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?")
_MONTH_YEAR = re.compile(
    r"\b(?:i|fra|til|inden|afsluttet i|sluttede i|i løbet af)\s+"
    + _MONTH
    + r"(?:\s+(?:måned\s+)?("
    + r"sidste år|i fjor|forrige år|"
    + _YEAR[1:-1]
    + r"))?\b"
)
_SEASON_REF = re.compile(
    r"\b(sidste|i|i løbet af|forrige)\s+"
    + _SEASON
    + r"(?:\s+(sidste år|i fjor|"
    + _YEAR[1:-1]
    + r"))?\b"
)
_YEAR_REF = re.compile(r"(?<![\d/.-])" + _YEAR + r"(?![\d/.-]\d)")
_LAST_YEAR = re.compile(r"\b(sidste år|i fjor|sidste kalenderår)\b")
_YEAR_BEFORE_LAST = re.compile(r"\bforrige år\b")
_LAST_MONTH = re.compile(r"\bsidste måned\b")
_ONGOING_BEFORE_YEAR = re.compile(r"(siden|født i|født|fra og med|årgang|model)\s*$")


def _number(word: str) -> float:
    word = word.strip().lower()
    if word in NUMBERS:
        return NUMBERS[word]
    return float(word.replace(",", "."))


def find_periods(text: str, today: date) -> list[Period]:
    """All past periods referred to in ``text``, relative to ``today``."""
    low = fold(text).lower()
    periods: list[Period] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match[str], start: date, end: date) -> None:
        taken.append(match.span())
        periods.append(Period(match.group(0).strip(), start, min(end, today)))

    def free(match: re.Match[str]) -> bool:
        a, b = match.span()
        return all(b <= x or a >= y for x, y in taken)

    for m in _RELATIVE.finditer(low):
        amount = _number(m.group(1))
        unit = m.group(2)
        if unit == "år":
            days = amount * 365.25
        elif unit.startswith("måned"):
            days = amount * 30.44
        elif unit.startswith("uge"):
            days = amount * 7
        else:
            days = amount
        if _OVER.match(m.group(0)):
            days += 1
        when = today - timedelta(days=round(days))
        add(m, when, when)

    for m in _DATE_NUMERIC.finditer(low):
        day, month, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
        year = year + 2000 if year < 100 else year
        try:
            when = date(year, month, day)
        except ValueError:
            continue
        if when <= today:
            add(m, when, when)

    for m in _DATE_WORDS.finditer(low):
        if not free(m):
            continue
        month = MONTHS[m.group(2)]
        year = int(m.group(3)) if m.group(3) else _last_occurrence_of_month(month, today)
        try:
            when = date(year, month, int(m.group(1)))
        except ValueError:
            continue
        if when > today:
            when = date(year - 1, month, min(int(m.group(1)), 28))
        add(m, when, when)

    for m in _MONTH_YEAR.finditer(low):
        if not free(m):
            continue
        month = MONTHS[m.group(1)]
        qualifier = m.group(2)
        if qualifier in ("sidste år", "i fjor"):
            year = today.year - 1
        elif qualifier == "forrige år":
            year = today.year - 2
        elif qualifier:
            year = int(qualifier)
        else:
            year = _last_occurrence_of_month(month, today)
        add(m, date(year, month, 1), _month_end(year, month))

    for m in _SEASON_REF.finditer(low):
        if not free(m):
            continue
        season = m.group(2)
        qualifier = m.group(3)
        if qualifier in ("sidste år", "i fjor"):
            start, end = _season(season, today.year - 1)
        elif qualifier:
            start, end = _season(season, int(qualifier))
        elif m.group(1) == "forrige":
            start, _ = _last_occurrence_of_season(season, today)
            year = (start.year + 1 if season == "vinter" else start.year) - 1
            start, end = _season(season, year)
        else:
            start, end = _last_occurrence_of_season(season, today)
        add(m, start, end)

    for m in _DATE_SHORT.finditer(low):
        if not free(m):
            continue
        day, month = int(m.group(1)), int(m.group(2))
        for year in (today.year, today.year - 1):
            try:
                when = date(year, month, day)
            except ValueError:
                break
            # A day ahead this year is last year's only when that is recent ("20/12" in
            # January); "7/12" in a booking wish in December is no past period.
            if when <= today and (today - when).days <= 183:
                add(m, when, when)
                break

    for m in _RECENT_DAY.finditer(low):
        word = m.group(1)
        if word == "dag":
            when = today
        elif word == "går":
            when = today - timedelta(days=1)
        elif word == "forgårs":
            when = today - timedelta(days=2)
        else:
            back = (today.weekday() - _WEEKDAY_STEMS.index(m.group(2))) % 7 or 7
            when = today - timedelta(days=back)
        add(m, when, when)
    for m in _LAST_WEEK.finditer(low):
        if free(m):
            monday = today - timedelta(days=today.weekday() + 7)
            add(m, monday, monday + timedelta(days=6))

    for m in _LAST_YEAR.finditer(low):
        if free(m):
            add(m, date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))
    for m in _YEAR_BEFORE_LAST.finditer(low):
        if free(m):
            add(m, date(today.year - 2, 1, 1), date(today.year - 2, 12, 31))
    for m in _LAST_MONTH.finditer(low):
        if free(m):
            first = _minus_months(today.replace(day=1), 1)
            add(m, first, _month_end(first.year, first.month))

    for m in _YEAR_REF.finditer(low):
        if not free(m):
            continue
        if _ONGOING_BEFORE_YEAR.search(low[max(0, m.start() - 14) : m.start()]):
            continue
        year = int(m.group(1))
        if year > today.year:
            continue
        add(m, date(year, 1, 1), date(year, 12, 31))

    return periods


def latest_end(text: str, today: date) -> date | None:
    """The latest end of the periods in ``text``, or None when there are none."""
    ends = [p.end for p in find_periods(text, today)]
    return max(ends) if ends else None


def more_than_a_year_ago(day: date, today: date) -> bool:
    """True when ``day`` lies more than one year before ``today`` (§ 13)."""
    try:
        one_year_before = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        one_year_before = today.replace(year=today.year - 1, day=28)
    return day < one_year_before
