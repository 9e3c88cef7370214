"""Danish time wishes ("på torsdag", "i næste uge om formiddagen") as a structured wish.

``parse_wish(text, now)`` turns what a citizen writes about *when* they would like a
meeting into a :class:`TimeWish`: a date range, allowed and excluded weekdays, a
time-of-day window and/or an exact clock time. The booking slot search
(``bot.features.booking``) consumes it (``TimeWish.allows(start)``,
``TimeWish.anchor(now)``). Everything is relative to a reference ``now`` (aware,
Europe/Copenhagen); nothing reads the clock. What it understands, and why our own parser
and not dateparser or Duckling: docs/timewish.md (an evaluation).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Iterable

from bot.language.calendar import MONTHS, NUMBER_WORDS, WEEKDAYS
from bot.language.fold import fold

# Parts of the day: (earliest start, latest start exclusive).
DAYPARTS: list[tuple[str, time, time]] = [
    (r"\beftermiddag(?:en|e|ene)?\b", time(12), time(17)),
    (r"\bformiddag(?:en|e|ene)?\b", time(8), time(12)),
    (r"\b(?:om\s+morgenen|morgenen|tidlig(?:t)?(?:\s+på\s+dagen)?)\b", time(7), time(10)),
    (r"\b(?:middag(?:stid)?|frokost(?:tid)?|omkring\s+middag)\b", time(11), time(13)),
    (r"\b(?:sidst\s+på\s+dagen|sent\s+på\s+dagen)\b", time(13), time(17)),
    (r"\baften(?:en)?\b", time(17), time(22)),
]

_WD = (
    r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|lordag|loerdag|søndag|sondag|soendag"
    r"|tirs|ons|tors|fre|lør)"
)
_WD_TOKEN = rf"(?P<wd>{_WD})(?P<pl>ene|en|e)?\.?"
_MONTH = (
    r"(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november"
    r"|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|okt|nov|dec)"
)
_NUMW = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
# An hour with optional minutes: "14", "14.30", "14:30", or a number word ("ti").
_HOUR = rf"(?:\d{{1,2}}(?:[.:]\d{{2}})?|{_NUMW})"
_NOT_DATE = rf"(?![./]\s*\d)(?!\.\s*{_MONTH})"
_ANY = re.compile(
    r"\b(?:hurtigst(?:\s+muligt)?|snarest(?:\s+muligt)?|første\s+ledige|lige\s+meget"
    r"|ligegyldigt|når\s+som\s+helst|hvornår\s+som\s+helst|det\s+passer\s+altid"
    r"|alle\s+dage)\b"
)


@dataclass(frozen=True)
class TimeWish:
    """When a citizen would like the meeting. Empty fields mean "no constraint".

    ``time_from``/``time_to`` bound the meeting's *start* (``time_to`` exclusive);
    ``at`` asks for one clock time. ``recognized`` tells whether the text contained
    anything this module understood.
    """

    date_from: date | None = None
    date_to: date | None = None
    weekdays: frozenset[int] = field(default_factory=frozenset)
    excluded_weekdays: frozenset[int] = field(default_factory=frozenset)
    time_from: time | None = None
    time_to: time | None = None
    at: time | None = None
    recognized: bool = False

    @property
    def is_empty(self) -> bool:
        return self == TimeWish(recognized=self.recognized)

    @property
    def is_exact(self) -> bool:
        """A single day and an exact clock time, e.g. "den 3. december kl. 10"."""
        return self.at is not None and self.date_from is not None and self.date_from == self.date_to

    def allows_day(self, day: date) -> bool:
        if self.date_from is not None and day < self.date_from:
            return False
        if self.date_to is not None and day > self.date_to:
            return False
        if self.weekdays and day.weekday() not in self.weekdays:
            return False
        return day.weekday() not in self.excluded_weekdays

    def allows(self, start: datetime) -> bool:
        """Whether a meeting starting at ``start`` (local wall time) fits the wish."""
        if not self.allows_day(start.date()):
            return False
        clock = start.time().replace(second=0, microsecond=0, tzinfo=None)
        if self.at is not None:
            return clock == self.at
        if self.time_from is not None and clock < self.time_from:
            return False
        return not (self.time_to is not None and clock >= self.time_to)

    def anchor(self, now: datetime) -> datetime:
        """The moment the wish is "about", to sort alternatives by nearness."""
        day = self.date_from if self.date_from and self.date_from > now.date() else now.date()
        clock = self.at or self.time_from
        if clock is None and self.time_to is not None:
            clock = time(max(self.time_to.hour - 1, 0))
        if clock is None:
            return now if day == now.date() else datetime.combine(day, time(0), now.tzinfo)
        moment = datetime.combine(day, clock, now.tzinfo)
        return max(moment, now)


# --------------------------------------------------------------------------- parsing


# Danish clock phrases: "halv elleve" = 10:30, "kvart over ti" = 10:15, "kvart i ti" = 9:45.
_CLOCK_PHRASE = re.compile(
    rf"\b(?:kl\.?\s*)?(?:(?P<halv>halv)|kvart\s+(?P<dir>over|i))\s+(?P<h>{_NUMW}|\d{{1,2}})\b"
)


def _clock_phrase(m: re.Match[str]) -> str:
    h = _hour(m.group("h"))
    if h is None:
        return m.group(0)
    shift = -30 if m.group("halv") else 15 if m.group("dir") == "over" else -15
    return f"kl. {_shift(h, shift):%H.%M}"


class _Text:
    """The normalised text; matched parts are blanked so they are used once."""

    def __init__(self, text: str) -> None:
        t = text.lower().replace("\u00a0", " ")
        t = re.sub(r"\bklokken\b|\bklok\b", "kl.", t)
        t = re.sub(r"\bkl\b\.?", "kl.", t)
        t = re.sub(r"\bd\.?\s+(?=\d)", "den ", t)
        # "den 15 kl 11" is "den 15." (a day of this or next month), as is "den 15, kl 11".
        t = re.sub(r"\bden\s+(\d{1,2})(?=\s+kl\.|\s*,|\s*$|\s+om\b)", r"den \1.", t)
        t = re.sub(r"[!?;]", " ", t)
        t = _CLOCK_PHRASE.sub(_clock_phrase, t)
        self.s = re.sub(r"\s+", " ", t).strip()

    def take(self, pattern: str | re.Pattern[str]) -> Iterable[re.Match[str]]:
        rx = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)
        matches = list(rx.finditer(self.s))
        for m in matches:
            yield m
        for m in reversed(matches):
            self.s = self.s[: m.start()] + " " * (m.end() - m.start()) + self.s[m.end() :]


def _hour(token: str, *, afternoon_if_small: bool = True) -> time | None:
    token = token.strip().rstrip(".")
    if token in NUMBER_WORDS:
        hour, minute = NUMBER_WORDS[token], 0
    else:
        m = re.fullmatch(r"(\d{1,2})(?:[.:](\d{2}))?", token)
        if not m:
            return None
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
    if afternoon_if_small and 1 <= hour <= 6:
        hour += 12
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _shift(t: time, minutes: int) -> time:
    total = max(0, min(t.hour * 60 + t.minute + minutes, 23 * 60 + 59))
    return time(total // 60, total % 60)


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def _month_end(d: date) -> date:
    return date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])


def _week(d: date) -> tuple[date, date]:
    monday = d - timedelta(days=d.weekday())
    return monday, monday + timedelta(days=6)


def _next_date(today: date, day: int, month: int | None, year: int | None) -> date | None:
    """The next (today or later) date with this day (and month/year when given)."""
    if year is not None and year < 100:
        year += 2000
    if month is None:
        for k in range(0, 3):
            first = _add_months(today, k)
            try:
                candidate = first.replace(day=day)
            except ValueError:
                continue
            if candidate >= today:
                return candidate
        return None
    for y in [year] if year is not None else [today.year, today.year + 1]:
        try:
            candidate = date(y, month, day)
        except ValueError:
            return None
        if year is not None or candidate >= today:
            return candidate
    return None


def _date_from_match(m: re.Match[str], today: date) -> date | None:
    if m.group("mname"):
        month: int | None = MONTHS[m.group("mname").rstrip(".")]
    elif m.group("mnum"):
        month = int(m.group("mnum"))
        if not 1 <= month <= 12:
            return None
    else:
        month = None
    return _next_date(today, int(m.group("day")), month, _year(m))


def _year(m: re.Match[str]) -> int | None:
    raw = m.group("year") or m.group("year4")
    return int(raw) if raw else None


_DATE = (
    rf"(?:den\s+)?(?P<day>\d{{1,2}})(?:\.\s*(?P<mname>{_MONTH})\.?"
    rf"|\s+(?P<mname2>{_MONTH})\.?"
    r"|\s*[/.]\s*(?P<mnum>\d{1,2})"
    r"|\.(?=\s|$|,))"
    r"(?:\s*[-/.]\s*(?P<year>20\d{2}|\d{2})\b(?!\s*[.:/]\s*\d)|\s+(?P<year4>20\d{2})\b)?"
)


def _norm_date_match(m: re.Match[str], today: date) -> date | None:
    if m.group("mname2"):
        month = MONTHS[m.group("mname2").rstrip(".")]
        return _next_date(today, int(m.group("day")), month, _year(m))
    if not m.group("mname") and not m.group("mnum") and not m.group(0).startswith("den"):
        return None  # a bare "14." is not a date
    return _date_from_match(m, today)


def parse_wish(text: str, now: datetime) -> TimeWish:
    """Parse a Danish time wish relative to ``now`` (aware, local time).

    Danish written without æøå ("naeste uge", "paa fredag") is read too.
    """
    t = _Text(fold(text))
    today = now.date()
    recognized = False
    date_from: date | None = None
    date_to: date | None = None
    weekdays: set[int] = set()
    excluded: set[int] = set()
    time_from: time | None = None
    time_to: time | None = None
    at: time | None = None
    day_context = False  # a date/week/month was given, so a weekday filters it

    def narrow(lo: date | None, hi: date | None) -> None:
        nonlocal date_from, date_to, day_context
        day_context = True
        if lo is not None and (date_from is None or lo > date_from):
            date_from = lo
        if hi is not None and (date_to is None or hi < date_to):
            date_to = hi

    def window(lo: time | None, hi: time | None) -> None:
        nonlocal time_from, time_to
        if lo is not None and (time_from is None or lo > time_from):
            time_from = lo
        if hi is not None and (time_to is None or hi < time_to):
            time_to = hi

    for _ in t.take(_ANY):
        recognized = True

    # "behøver ikke være torsdag, mandag eller tirsdag er bedre": Thursday out, the rest wished.
    for m in t.take(rf"\bikke\s+(?:nødvendigvis\s+)?være\s+(?:om\s+|på\s+)?(?P<wd>{_WD})"):
        excluded.add(WEEKDAYS[m.group("wd")])
        recognized = True

    # Negated weekdays: "ikke mandag", "undtagen mandag og fredag".
    neg = re.compile(
        rf"\b(?:ikke|undtagen|bortset\s+fra|aldrig)\s+(?:om\s+|på\s+|en\s+|i\s+)?"
        rf"(?P<list>{_WD}(?:ene|en|e)?\.?(?:\s*(?:,|og|eller|/)\s*(?:om\s+|på\s+)?"
        rf"{_WD}(?:ene|en|e)?\.?)*)"
    )
    for m in t.take(neg):
        for w in re.findall(_WD, m.group("list")):
            excluded.add(WEEKDAYS[w])
        recognized = True
    for _ in t.take(r"\b(?:ikke|undtagen)\s+(?:i\s+)?(?:weekend(?:en)?)\b"):
        excluded.update({5, 6})
        recognized = True

    # Windows: "mellem kl. 10 og 12", "kl. 10-12", "fra kl. 10 til 12".
    rx_between = re.compile(
        rf"\b(?:mellem|fra)\s+(?:kl\.\s*)?(?P<a>{_HOUR})\s+(?:og|til)\s+(?:kl\.\s*)?"
        rf"(?P<b>{_HOUR}){_NOT_DATE}"
        rf"|\bkl\.\s*(?P<a2>\d{{1,2}}(?:[.:]\d{{2}})?)\s*-\s*(?P<b2>\d{{1,2}}(?:[.:]\d{{2}})?)\b"
    )
    for m in t.take(rx_between):
        lo = _hour(m.group("a") or m.group("a2"))
        hi = _hour(m.group("b") or m.group("b2"))
        if lo is not None and hi is not None and hi > lo:
            window(lo, hi)
            recognized = True

    # Bounds: "efter kl. 14", "fra 14", "før kl. 12", "senest kl. 12"; "ikke før kl. 10".
    rx_bound = re.compile(
        rf"\b(?P<neg>ikke\s+)?(?P<op>efter|fra|senere\s+end|tidligst|før|inden|tidligere\s+end"
        rf"|senest)\s+"
        rf"(?:kl\.\s*(?P<h1>{_HOUR})|(?P<h2>\d{{1,2}}(?::\d{{2}})?){_NOT_DATE}(?=[\s,.]|$))"
    )
    for m in t.take(rx_bound):
        h = _hour(m.group("h1") or m.group("h2"))
        if h is None:
            continue
        op = re.sub(r"\s+", " ", m.group("op"))
        if m.group("neg"):  # "ikke før kl. 10" is from 10, "ikke efter kl. 14" until 14
            op = {"før": "fra", "inden": "fra", "tidligere end": "fra", "efter": "før"}.get(op, op)
        if op in ("efter", "fra", "senere end", "tidligst"):
            window(h, None)
        elif op == "senest":
            window(None, _shift(h, 1))
        else:
            window(None, h)
        recognized = True

    # Around a time: "ved 10-tiden", "omkring kl. 10", "ca. kl. 10".
    rx_around = re.compile(
        rf"\b(?:ved|omkring|cirka|ca\.?)\s+(?:kl\.\s*)?(?P<h>{_HOUR})(?:\s*-?\s*tiden)?{_NOT_DATE}"
        rf"|\b(?P<h2>{_HOUR})\s*-?\s*tiden\b"
    )
    for m in t.take(rx_around):
        h = _hour(m.group("h") or m.group("h2"))
        if h is not None:
            window(_shift(h, -60), _shift(h, 61))
            recognized = True

    # Exact times: "kl. 10", "kl. 10.30", "10:30".
    for m in t.take(rf"\bkl\.\s*(?P<h>{_HOUR})\b(?!\s*[./]\s*\d)|\b(?P<h2>\d{{1,2}}:\d{{2}})\b"):
        h = _hour(m.group("h") or m.group("h2"))
        if h is not None:
            at = h
            recognized = True

    # Weeks.
    for m in t.take(r"\b(?:i\s+)?uge\s+(?P<n>\d{1,2})\b"):
        n = int(m.group("n"))
        for year in (today.year, today.year + 1):
            try:
                monday = date.fromisocalendar(year, n, 1)
            except ValueError:
                continue
            if monday + timedelta(days=6) >= today:
                narrow(monday, monday + timedelta(days=6))
                recognized = True
                break
    for _ in t.take(r"\b(?:i\s+)?(?:denne|den\s+her|nuværende|indeværende)\s+uge\b|\bi\s+ugen\b"):
        narrow(today, _week(today)[1])
        recognized = True
    for _ in t.take(r"\b(?:i\s+)?(?:næste|kommende|den\s+kommende)\s+uge\b|\bugen\s+efter\b"):
        narrow(*_week(today + timedelta(days=7)))
        recognized = True
    for m in t.take(rf"\bom\s+(?P<n>\d|{_NUMW})\s+uge(?:r)?\b"):
        raw = m.group("n")
        n = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        narrow(*_week(today + timedelta(days=7 * n)))
        recognized = True

    # Date bounds: "efter den 10.", "fra 3/12", "før den 20. december", "senest 5/1".
    rx_date_bound = re.compile(
        rf"\b(?P<op>efter|fra\s+og\s+med|fra|før|inden|senest|til\s+og\s+med)\s+{_DATE}"
    )
    for m in t.take(rx_date_bound):
        d = _norm_date_match(m, today)
        if d is None:
            continue
        op = re.sub(r"\s+", " ", m.group("op"))
        if op == "efter":
            narrow(d + timedelta(days=1), None)
        elif op in ("fra", "fra og med"):
            narrow(d, None)
        elif op in ("før", "inden"):
            narrow(None, d - timedelta(days=1))
        else:
            narrow(None, d)
        recognized = True

    # Dates: "den 3. december", "3/12", "3.12.2026", "den 3.".
    for m in t.take(rf"\b{_DATE}"):
        d = _norm_date_match(m, today)
        if d is not None:
            narrow(d, d)
            recognized = True

    # Relative days.
    for m in t.take(r"\bi\s+(?P<w>dag|morgen|overmorgen)\b|\b(?P<w2>overmorgen)\b"):
        offset = {"dag": 0, "morgen": 1, "overmorgen": 2}[m.group("w") or m.group("w2")]
        d = today + timedelta(days=offset)
        narrow(d, d)
        recognized = True

    # Months.
    for m in t.take(rf"\bi\s+(?P<m>{_MONTH})\b"):
        month = MONTHS[m.group("m")]
        year = today.year if month >= today.month else today.year + 1
        first = date(year, month, 1)
        narrow(max(first, today), _month_end(first))
        recognized = True
    for _ in t.take(r"\b(?:i\s+)?(?:næste|kommende)\s+måned\b"):
        first = _add_months(today, 1)
        narrow(first, _month_end(first))
        recognized = True
    for _ in t.take(r"\b(?:i\s+)?(?:denne|den\s+her)\s+måned\b|\bresten\s+af\s+måneden\b"):
        narrow(today, _month_end(today))
        recognized = True

    # Parts of the day.
    for pattern, lo, hi in DAYPARTS:
        for _ in t.take(pattern):
            window(lo, hi)
            recognized = True

    # Weekend / weekdays in general.
    for _ in t.take(r"\b(?:i\s+)?weekend(?:en)?\b"):
        weekdays.update({5, 6})
        recognized = True
    for _ in t.take(r"\bhverdag(?:ene|en|e)?\b"):
        weekdays.update(range(5))
        recognized = True

    # Positive weekdays: "på torsdag", "torsdag eller fredag", "om torsdagen".
    singular: list[int] = []
    habitual = False
    for m in t.take(rf"\b(?P<pre>om\s+|på\s+|næste\s+|kommende\s+|en\s+)?{_WD_TOKEN}(?=\W|$)"):
        wd = WEEKDAYS[m.group("wd")]
        weekdays.add(wd)
        singular.append(wd)
        pre = (m.group("pre") or "").strip()
        if m.group("pl") or pre in ("om", "en"):
            habitual = True
        recognized = True
    if len(set(singular)) == 1 and not habitual and not day_context:
        wd = singular[0]
        ahead = (wd - today.weekday()) % 7 or 7
        d = today + timedelta(days=ahead)
        narrow(d, d)

    bare = _BARE_HOUR.match(fold(text).lower())
    if at is None and time_from is None and time_to is None and bare and "ikke" not in text:
        # "11 passer bedst", "12 er ok": an hour alone, in answer to the offered times.
        at, recognized = time(int(bare.group(1))), True

    wish = TimeWish(
        date_from=date_from,
        date_to=date_to,
        weekdays=frozenset(weekdays),
        excluded_weekdays=frozenset(excluded),
        time_from=time_from,
        time_to=time_to,
        at=at,
        recognized=recognized,
    )
    if at is not None and (time_from is not None or time_to is not None):
        wish = replace(wish, time_from=None, time_to=None)
    return wish


# An hour alone in answer to offered times: "11 passer bedst", "12 er ok", "kl 13 tak".
_BARE_HOUR = re.compile(
    r"^\s*(?:kl\.?\s*)?(8|9|1[0-7])(?:[.:]00)?\s*"
    r"(?:passer(?: bedst| fint| godt)?|er (?:fint|ok|godt|bedst)|tak|please|\.|!|$)"
)


def refine_wish(previous: str, text: str, now: datetime) -> str:
    """The wish to use when the citizen answers an offer with more detail.

    "kl 13 er fint" after "den 10. december om eftermiddagen" keeps the day:
    a new wish that names no day is read together with the previous one.
    A new wish with a day of its own replaces the previous one.
    """
    new = parse_wish(text, now)
    if not previous or not new.recognized:
        return text
    has_day = new.date_from is not None or new.weekdays or new.date_to is not None
    if has_day:
        return text
    old = parse_wish(previous, now)
    if old.date_from is None and not old.weekdays:
        return text
    return f"{previous} {text}"
