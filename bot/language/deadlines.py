"""Deadlines and dates in Danish letters from the kommune, and how to count them.

Extraction
----------
``find_deadlines(text, ...)`` finds:

- relative periods in a deadline context: "4 uger", "14 dage", "inden 6 måneder",
  "en frist på 14 dage", "4 ugers frist", "fjorten dage", "7 arbejdsdage", "et år".
  A period counts as a deadline only when it is directly preceded by a deadline word
  ("inden", "inden for", "senest", "frist på", "du har", ...), directly followed by
  "frist"/"fristen", or followed by "efter/fra ..." in a sentence that speaks of
  complaining, answering, sending or a frist. "Hjælpen gælder i 6 måneder" or
  "for 3 uger siden" are not deadlines.
- fixed dates after a deadline word: "senest den 3. december", "inden 15.01.2027",
  "fristen udløber 03-12-2026", "senest fredag d. 3/12".

Dates are read as "3. december 2026", "3. dec. 2026", "3.12.2026", "03-12-2026",
"3/12-2026", "3/12 2026", "2026-12-03", "3.12.26" and, without a year, "3. december",
"3/12". A date without a year is the first such day on or after the reference day
(the letter's date when known, otherwise today).

The letter's date is taken from "Dato: ...", "Aalborg, den ...", "Brevdato ...", "dateret ..." or a
line holding only a date near the top; the day the citizen received the letter from
"modtaget den ...", "jeg fik brevet den ...", "fik brevet i dag / i går".

Counting rule (``deadline_end``)
--------------------------------
The rule of Danish administrative practice (the same as forældelseslovens § 27 and as
Ankestyrelsen and the Ombudsman count klagefrister):

1. The deadline runs from an event: the day the citizen received the letter, or, when
   that is not known, the letter's date (Digital Post counts as received the day it is
   sent; a paper letter arrives some days later, so the real deadline may be later).
   The day of the event itself is not counted.
2. Days: the deadline ends ``n`` days after the event (received Monday 2 March,
   "14 dage" ends Monday 16 March).
3. Weeks: the deadline ends on the same weekday ``n`` weeks later (received Tuesday,
   "4 uger" ends on the Tuesday four weeks later) - i.e. ``7 * n`` days.
4. Months (and years): the deadline ends on the same day of the month ``n`` months
   later; when that month has no such day (31 January + 1 month) it ends on the last
   day of that month (28 or 29 February). Years likewise (29 February + 1 year ->
   28 February).
5. Working days ("arbejdsdage", "hverdage"): the deadline ends on the ``n``-th working
   day after the event.
6. When the last day is a Saturday, a Sunday, a public holiday (the ``holidays``
   package, Denmark, category public: nytårsdag, skærtorsdag, langfredag, påskedag,
   2. påskedag, Kristi himmelfartsdag, pinsedag, 2. pinsedag, juledag, 2. juledag), or
   grundlovsdag (5 June), juleaftensdag (24 December) or nytårsaftensdag (31 December),
   the deadline is extended to the next working day (not such a day).
7. The deadline is met when the authority has received the complaint or answer before
   the end (midnight) of the last day.

A fixed date written in the letter ("senest den 3. december") is reported as written;
it is not moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from bot.language.calendar import (
    MONTH_NAMES,
    MONTHS,
    NUMBER_WORDS,
    WEEKDAY_NAMES,
    is_closed_day,
    next_working_day,
)

# Units: the key used in Deadline.unit for each written form.
UNITS: dict[str, str] = {
    "dag": "dage", "dage": "dage", "dages": "dage", "døgn": "dage", "døgns": "dage",
    "uge": "uger", "uger": "uger", "uges": "uger", "ugers": "uger",
    "måned": "måneder", "måneder": "måneder", "måneds": "måneder", "måneders": "måneder",
    "år": "år", "års": "år",
    "arbejdsdag": "arbejdsdage", "arbejdsdage": "arbejdsdage", "arbejdsdages": "arbejdsdage",
    "hverdag": "arbejdsdage", "hverdage": "arbejdsdage", "hverdages": "arbejdsdage",
}

_W = r"[^\W\d_]"  # a letter (Unicode), for word boundaries around Danish words
_MONTH_RE = (
    r"(?:(?:januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december)"
    r"(?!" + _W + r")|(?:jan|feb|mar|apr|jun|jul|aug|sept|sep|okt|nov|dec)(?:\.|(?!" + _W + r")))"
)
_WEEKDAY_RE = r"(?:mandag|tirsdag|onsdag|torsdag|fredag|lørdag|søndag)"

# One alternation for every way of writing a date; named groups tell which one matched.
DATE_RE = re.compile(
    r"(?<![\d.])(?:"
    r"(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})"  # 2026-12-03
    r"|(?P<td>\d{1,2})\.?\s*(?P<tm>" + _MONTH_RE + r")(?:\s*,?\s*(?P<ty>\d{4}))?"  # 3. december
    r"|(?P<nd>\d{1,2})(?P<s1>[./-])(?P<nm>\d{1,2})"  # 3.12.2026 3/12-2026 3/12 2026 3/12
    r"(?:(?:(?P=s1)|-|\s)(?P<ny>\d{4}|\d{2}(?!\d)))?"
    r")(?![\d])",
    re.IGNORECASE,
)

_NUM_RE = r"(?P<num>\d{1,3}|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_UNIT_RE = r"(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")"
PERIOD_RE = re.compile(
    r"(?<!" + _W + r")(?<![\d.,])" + _NUM_RE + r"\s*-?\s*" + _UNIT_RE + r"(?!" + _W + r")",
    re.IGNORECASE,
)

# Words directly before a period/date that make it a deadline.
_CUE_BEFORE_PERIOD = re.compile(
    r"(?:\binden\s+for|\bindenfor|\binden|\bsenest|frist(?:en)?(?:\s*:|\s+(?:på|af|er))?(?:\s+de)?"
    r"|\bi\s+løbet\s+af|\bhar\s+du|\bdu\s+har|\bder\s+er|\bfår\s+du|\bdu\s+får)\s*$",
    re.IGNORECASE,
)
_PERIOD_FOLLOWED_BY_FRIST = re.compile(r"^\s*-?\s*(?:klage)?frist", re.IGNORECASE)
_PERIOD_FOLLOWED_BY_ANCHOR = re.compile(
    r"^\s*(?:efter|fra)\s+(?:at\s+|den\s+dag\s*,?\s*|dags\s+dato|datoen|modtagelsen|brevets"
    r"|afgørelsen|du|i|de|vi|kommunen|dette|denne|i\s+dag)",
    re.IGNORECASE,
)
_DEADLINE_CONTEXT = re.compile(
    r"klage|frist|svar|bemærkning|kommentar|indsend|sende|send|oplys|kontakt|indbring|søgsmål"
    r"|anlæg|give\s+besked|vende\s+tilbage|genvurder|udtal",
    re.IGNORECASE,
)
_NOT_DEADLINE_AFTER = re.compile(r"^\s*(?:siden|tidligere|før\s+du|gammel|om\s+(?:ugen|måneden))",
                                 re.IGNORECASE)
_NOT_DEADLINE_BEFORE = re.compile(r"(?:(?<!inden )\bfor|\bde\s+seneste|\bde\s+sidste|\bhver)\s*$",
                                  re.IGNORECASE)
# The deadline counts from the kommune's receipt of the complaint: base unknown.
_ANCHOR_UNKNOWN = re.compile(
    r"^[\s,]*(?:efter|fra)\b[^.\n]{0,30}?(?:modtag\w*\s+(?:af\s+)?(?:din\s+|jeres\s+|en\s+)?"
    r"(?:klage|ansøgning|anmodning|henvendelse)|(?:klagen|ansøgningen|anmodningen|henvendelsen)"
    r"\s+(?:er\s+)?modtaget)",
    re.IGNORECASE,
)
_ANCHOR_LETTER_DATE = re.compile(
    r"^[^.\n]{0,30}?(?:brevets\s+dato|dette\s+brevs\s+dato|datoen\s+(?:for|på)\s+(?:dette\s+)?brev"
    r"|afgørelsens\s+dato|dags\s+dato)",
    re.IGNORECASE,
)
_CUE_BEFORE_DATE = re.compile(
    r"(?:\bsenest|\binden|\bfør|\bindtil|frist(?:en)?(?:\s+(?:er|udløber|løber\s+til))?:?"
    r"|\bsidste\s+frist(?:\s+er)?:?|\bskal\s+være\s+(?:os\s+)?(?:i\s+hænde|modtaget))"
    r"(?:\s+" + _WEEKDAY_RE + r")?(?:\s+(?:den|d\.))?\s*$",
    re.IGNORECASE,
)

_LETTER_DATE_RE = re.compile(
    r"(?:\b(?:[Bb]rev)?[Dd]ato\s*:?|\b[Dd]ateret|\b[Ss]kre(?:vet|t)"
    r"|^\s*[A-ZÆØÅ][a-zæøå]+\s*,?\s+(?:den|d\.))\s*(?:den\s+|d\.\s*)?$",
)
_RECEIPT_RE = re.compile(
    r"(?:\b(?:jeg|vi)\s+(?:modtog|fik)\b[^.\n]{0,30}?|^\s*modtaget\s*:?\s*"
    r"|\b(?:brevet|afgørelsen)\s+(?:blev\s+|er\s+)?modtaget\s+)(?:\b(?:den|d\.)\s*)?$",
    re.IGNORECASE | re.MULTILINE,
)
_RECEIPT_TODAY_RE = re.compile(
    r"\b(?:jeg|vi)\s+(?:modtog|fik)\b[^.\n]{0,30}?\bi\s+(?P<when>dag|går)\b", re.IGNORECASE
)
# Deadlines that the kommune or the klageinstans must keep, counted from an unknown day.
_AUTHORITY_DEADLINE_BEFORE = re.compile(
    r"(?:genvurder|(?:ankestyrelsen|nævnet|klageinstansen)\s+(?:skal|vil|behandler))[^.\n]{0,80}$",
    re.IGNORECASE,
)

_Date = date  # the Deadline field "date" shadows the type inside the class body


@dataclass(frozen=True)
class Deadline:
    """A deadline found in a text.

    ``days`` is the length in calendar days for periods given in days or weeks, else None.
    ``date`` is the last day (ISO in JSON), when it can be worked out.
    ``base`` says what the date was counted from: "modtagelse" (day of receipt),
    "brevdato" (the letter's date), "fast" (a date written in the letter) or None.
    ``authority`` is True for a deadline the kommune or the klageinstans must keep,
    counted from a day the letter cannot know (the day it receives a complaint).
    """

    text: str
    start: int
    end: int
    kind: str  # "relative" | "absolute"
    amount: int | None = None
    unit: str | None = None
    days: int | None = None
    date: _Date | None = None
    base: str | None = None
    base_date: _Date | None = None
    authority: bool = False

    def as_json(self) -> dict:
        return {
            "text": self.text,
            "days": self.days,
            "date": self.date.isoformat() if self.date else None,
        }


# --- calendar ---------------------------------------------------------------------------

def add_period(base: date, amount: int, unit: str) -> date:
    """The raw end of a period counted from ``base`` (rules 1-5, without rule 6)."""
    if unit == "dage":
        return base + timedelta(days=amount)
    if unit == "uger":
        return base + timedelta(weeks=amount)
    if unit == "måneder":
        return base + relativedelta(months=amount)
    if unit == "år":
        return base + relativedelta(years=amount)
    if unit == "arbejdsdage":
        day = base
        left = amount
        while left > 0:
            day += timedelta(days=1)
            if not is_closed_day(day):
                left -= 1
        return day
    raise ValueError(f"unknown unit {unit!r}")


def deadline_end(base: date, amount: int, unit: str) -> date:
    """Last day of a deadline of ``amount`` ``unit`` counted from ``base`` (all rules)."""
    return next_working_day(add_period(base, amount, unit))


def period_days(amount: int, unit: str) -> int | None:
    """Length in calendar days when it is fixed (days and weeks), else None."""
    if unit == "dage":
        return amount
    if unit == "uger":
        return 7 * amount
    return None


def format_date_da(day: date) -> str:
    """'3. december 2026'."""
    return f"{day.day}. {MONTH_NAMES[day.month - 1]} {day.year}"


def weekday_da(day: date) -> str:
    return WEEKDAY_NAMES[day.weekday()]


# --- dates ------------------------------------------------------------------------------

def _year(raw: str | None) -> int | None:
    if not raw:
        return None
    value = int(raw)
    return 2000 + value if value < 100 else value


def _date_from_match(m: re.Match[str], reference: date, past: bool = False) -> date | None:
    """The date of a DATE_RE match. Without a year: the first such day on/after
    ``reference``, or with ``past`` the last such day on/before it."""
    if m.group("iy"):
        year: int | None = int(m.group("iy"))
        month, day = int(m.group("im")), int(m.group("id"))
    elif m.group("tm"):
        day = int(m.group("td"))
        month = MONTHS[m.group("tm").lower().rstrip(".")]
        year = _year(m.group("ty"))
    else:
        day, month = int(m.group("nd")), int(m.group("nm"))
        year = _year(m.group("ny"))
        if year is None and m.group("s1") == "-":
            return None  # "3-12" alone is too ambiguous (a range, a number)
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(reference.year, month, day)
        if past and candidate > reference:
            candidate = date(reference.year - 1, month, day)
        elif not past and candidate < reference:
            candidate = date(reference.year + 1, month, day)
        return candidate
    except ValueError:
        return None


def parse_date(text: str, reference: date | None = None) -> date | None:
    """The first date in ``text``; a date without a year is the next on/after ``reference``."""
    ref = reference or date.today()
    for m in DATE_RE.finditer(text):
        found = _date_from_match(m, ref)
        if found:
            return found
    return None


def find_dates(text: str, reference: date, past: bool = False) -> list[tuple[int, int, date]]:
    """Every date in ``text`` as (start, end, date)."""
    out = []
    for m in DATE_RE.finditer(text):
        found = _date_from_match(m, reference, past)
        if found:
            out.append((m.start(), m.end(), found))
    return out


def find_letter_date(text: str, today: date | None = None) -> date | None:
    """The date the letter was written, when the text shows it."""
    ref = today or date.today()
    dates = find_dates(text, ref + timedelta(days=7), past=True)
    for start, _end, found in dates:
        before = text[max(0, start - 40):start]
        line_before = before.rsplit("\n", 1)[-1]
        if _LETTER_DATE_RE.search(line_before) and not _CUE_BEFORE_DATE.search(line_before):
            return found
    # A line that is only a date ("12. november 2026", "Den 12.11.2026") near the top.
    head_end = _nth_line_end(text, 15)
    for start, end, found in dates:
        if start > head_end:
            break
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        line = text[line_start: len(text) if line_end == -1 else line_end]
        rest = (text[line_start:start] + text[end: len(text) if line_end == -1 else line_end])
        if re.fullmatch(r"\s*(?:den|d\.)?\s*[.,]?\s*", rest, re.IGNORECASE) and line.strip():
            return found
    return None


def _nth_line_end(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.find("\n", pos + 1)
        if pos == -1:
            return len(text)
    return pos


def find_receipt_date(text: str, today: date | None = None) -> date | None:
    """The day the citizen says the letter was received ("modtaget den 5.11.2026")."""
    ref = today or date.today()
    m = _RECEIPT_TODAY_RE.search(text)
    if m:
        return ref if m.group("when").lower() == "dag" else ref - timedelta(days=1)
    for start, _end, found in find_dates(text, ref, past=True):
        before = text[max(0, start - 60):start]
        if _RECEIPT_RE.search(before) and not _CUE_BEFORE_DATE.search(before):
            return found if found <= ref else None
    return None


# --- deadlines --------------------------------------------------------------------------

def _is_period_deadline(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 40):start]
    after = text[end:end + 120]
    if _NOT_DEADLINE_AFTER.search(after) or _NOT_DEADLINE_BEFORE.search(before):
        return False
    if _CUE_BEFORE_PERIOD.search(before) or _PERIOD_FOLLOWED_BY_FRIST.search(after):
        return True
    if _PERIOD_FOLLOWED_BY_ANCHOR.search(after):
        sentence_start = max(text.rfind(".", 0, start - 1), text.rfind("\n", 0, start))
        window = text[max(sentence_start, start - 150):end + 120]
        return bool(_DEADLINE_CONTEXT.search(window))
    return False


def _period_text(text: str, start: int, end: int) -> tuple[str, int]:
    """The period's text, with a directly preceding 'inden'/'senest'/'inden for' and a
    directly following 'frist' ("14 dages frist")."""
    before = text[max(0, start - 20):start]
    m = re.search(r"(?:\binden\s+for|\bindenfor|\binden|\bsenest)\s+$", before, re.IGNORECASE)
    new_start = start - (len(before) - m.start()) if m else start
    after = re.match(r"\s*-?\s*(?:klage)?frist(?:en)?\b", text[end:end + 20], re.IGNORECASE)
    new_end = end + after.end() if after else end
    return text[new_start:new_end], new_start


def find_deadlines(
    text: str,
    letter_date: date | None = None,
    receipt_date: date | None = None,
    today: date | None = None,
) -> list[Deadline]:
    """Every deadline in ``text``, in order, each with its last day when it can be known."""
    ref_today = today or date.today()
    reference = letter_date or receipt_date or ref_today
    found: list[Deadline] = []
    for m in PERIOD_RE.finditer(text):
        if not _is_period_deadline(text, m.start(), m.end()):
            continue
        raw_num = m.group("num").lower()
        amount = int(raw_num) if raw_num.isdigit() else NUMBER_WORDS[raw_num]
        if amount <= 0:
            continue
        unit = UNITS[m.group("unit").lower()]
        shown, start = _period_text(text, m.start(), m.end())
        after = text[m.end():m.end() + 80]
        base: str | None = None
        base_date: date | None = None
        authority = bool(_ANCHOR_UNKNOWN.search(after) or _AUTHORITY_DEADLINE_BEFORE.search(
            text[max(0, m.start() - 120):m.start()]
        ))
        if authority:
            base = None
        elif _ANCHOR_LETTER_DATE.search(after) and letter_date:
            base, base_date = "brevdato", letter_date
        elif receipt_date:
            base, base_date = "modtagelse", receipt_date
        elif letter_date:
            base, base_date = "brevdato", letter_date
        end_date = deadline_end(base_date, amount, unit) if base_date else None
        found.append(Deadline(
            text=" ".join(shown.split()), start=start, end=m.end(), kind="relative",
            amount=amount, unit=unit, days=period_days(amount, unit), date=end_date,
            base=base, base_date=base_date, authority=authority,
        ))
    for m in DATE_RE.finditer(text):
        before = text[max(0, m.start() - 45):m.start()]
        cue = _CUE_BEFORE_DATE.search(before)
        if not cue:
            continue
        day = _date_from_match(m, reference)
        if day is None:
            continue
        start = m.start() - (len(before) - cue.start())
        found.append(Deadline(
            text=" ".join(text[start:m.end()].split()), start=start, end=m.end(),
            kind="absolute", date=day, base="fast",
        ))
    found.sort(key=lambda d: d.start)
    unique: list[Deadline] = []
    seen: set[tuple[str, date | None]] = set()
    for d in found:
        key = (d.text.lower(), d.date)
        if key in seen:
            continue
        seen.add(key)
        unique.append(d)
    return unique
