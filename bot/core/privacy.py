"""Masking of personal identifiers in what citizens write.

CPR numbers (ddmmyy-xxxx) are replaced by ``[CPR]`` where a message enters
Rasa (see ``bot.rasa.guard`` and ``bot.rasa.hooks``), before it is parsed,
logged or stored, and again in every log record (``bot.core.logfilter``).

How a number is found. The text is first normalised for matching only: NFKC
(full-width digits, thin and narrow no-break spaces), every Unicode decimal
digit to its ASCII digit, every dash and minus sign to ``-``, every space and
line break to a space, format characters (zero-width space, soft hyphen) left
out, and JSON ``\\uXXXX`` escapes and URL escapes (``%2D``) decoded. A CPR
number is then a day and a month (``01``-``31``, ``01``-``12``; without the
leading zero only with ``.``, ``-``, ``/`` or ``_`` between the parts), a
year of two or four digits (``19xx``/``20xx``), and four digits, which may be
split in two pairs: "010190-1234", "0101901234", "010190 1234",
"01 01 90 12 34", "1.1.90-1234", "01011990-1234", "010190 -- 1234",
"０１０１９０−１２３４". Digits glued onto more digits are not a CPR number.
The part of the original text that spelled the number is replaced, the rest
is kept as written.

The check is deliberately wide: masking a number that was not a CPR number
costs little, letting one through costs a lot. It leaves a number alone only
where it can be told apart:

- an amount: the number is followed by ``kr``, ``kroner``, ``DKK``, ``,-``
  ("12.05.24 - 2500 kr");
- a date and a time: the date is written with ``.`` or ``/``, then only
  spaces, then a time of day ("15.03.24 1430"), unless the words before it
  say CPR ("mit cpr er 15.03.24 1430");
- a journal, case, account or invoice number: the words just before name one
  ("j.nr. 15.03.01-1234", "sagsnr. 1503011234"), unless the number is
  written the way a CPR number is written, six digits, a dash, four digits.

``bench/cpr_bench.py`` measures how many spellings are caught and how many
innocent numbers are masked.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Dict, List, Tuple

CPR_MASK = "[CPR]"

# ---------- normalisation (for matching only) ----------

# JSON escapes (a surrogate pair first), URL escapes of ASCII, and any character
# outside printable ASCII; everything else maps to itself.
_SPECIAL = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"
    r"|\\u[0-9a-fA-F]{4}"
    r"|%[2-7][0-9a-fA-F]"
    r"|[^\x20-\x7e]"
)
_EXTRA_DASHES = "\u2212\u2043\ufe63\uff0d\u2796"
_EXTRA_SLASHES = "\u2044\u2215\u29f8"


def _decode(unit: str) -> str:
    if unit.startswith("\\u"):
        if len(unit) == 12:
            high, low = int(unit[2:6], 16), int(unit[8:12], 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        code = int(unit[2:], 16)
        return "" if 0xD800 <= code <= 0xDFFF else chr(code)
    if unit.startswith("%") and len(unit) == 3:
        return chr(int(unit[1:], 16))
    return unit


@lru_cache(maxsize=8192)
def _norm_char(ch: str) -> str:
    if ch.isascii():
        return " " if ch.isspace() else ch
    category = unicodedata.category(ch)
    if category == "Cf":  # zero-width space, soft hyphen, joiners, marks
        return ""
    if ch.isdecimal():
        return str(unicodedata.decimal(ch))
    if category == "Pd" or ch in _EXTRA_DASHES:
        return "-"
    if ch in _EXTRA_SLASHES:
        return "/"
    if ch.isspace():
        return " "
    out = unicodedata.normalize("NFKC", ch)
    if out == ch:
        return ch
    return "".join(_norm_char(c) for c in out)


def normalise(text: str) -> Tuple[str, List[int], List[int]]:
    """The text as matched, and for each of its characters where it came from in
    ``text``: start and end index of the character or escape that produced it."""
    pieces: List[str] = []
    starts: List[int] = []
    ends: List[int] = []
    pos = 0
    for m in _SPECIAL.finditer(text):
        i, j = m.span()
        if i > pos:
            pieces.append(text[pos:i])
            starts.extend(range(pos, i))
            ends.extend(range(pos + 1, i + 1))
        out = "".join(_norm_char(c) for c in _decode(m.group()))
        pieces.append(out)
        starts.extend([i] * len(out))
        ends.extend([j] * len(out))
        pos = j
    if pos < len(text):
        pieces.append(text[pos:])
        starts.extend(range(pos, len(text)))
        ends.extend(range(pos + 1, len(text) + 1))
    return "".join(pieces), starts, ends


# ---------- the pattern, on normalised text ----------

_SP = r" {0,3}"
_PUNCT_SEP = rf"{_SP}[./_-]{_SP}"
_DATE_SEP = rf"(?:{_PUNCT_SEP}| {{1,3}})?"
_DATE = (
    r"(?:"
    rf"(?:0[1-9]|[12][0-9]|3[01]){_DATE_SEP}(?:0[1-9]|1[0-2]){_DATE_SEP}"
    rf"|(?:0?[1-9]|[12][0-9]|3[01]){_PUNCT_SEP}(?:0?[1-9]|1[0-2]){_PUNCT_SEP}"
    r")"
    r"(?:19[0-9]{2}|20[0-9]{2}|[0-9]{2})"
)
_SERIAL_SEP = rf"{_SP}(?:--?|[./_])?{_SP}"
_SERIAL = r"(?:[0-9]{4}|[0-9]{2} {1,3}[0-9]{2})"
CPR_PATTERN = re.compile(rf"(?<![0-9]){_DATE}{_SERIAL_SEP}{_SERIAL}(?![0-9])")

_CPR_WORDS = r"(?<!\[)(?:cpr|personnummer|personnr|person-?nr|fødselsnummer)"
_SAYS_CPR = re.compile(
    rf"{_CPR_WORDS}[\w.-]*(?: ?(?:nr|nummer)\.?)?[ :=.]*(?:er|is|lyder på)?[ :=]*$",
    re.IGNORECASE,
)
_OTHER_NUMBER_WORD = (
    r"(?:j\.? ?nr|journal|konto|faktura|police|bilag|reference|ref|cvr|ean)"
    r"(?:\.? ?-?(?:nummer|nr|snummer|snr))?"
    r"|(?:sags?|reg|kunde|ordre|se|registrerings)\.? ?-?(?:nummer|nr)"
)
_NAMES_OTHER_NUMBER = re.compile(
    rf"\b(?:{_OTHER_NUMBER_WORD})\.?[ :#]*(?:er|is)?[ :]*$", re.IGNORECASE
)
_AMOUNT_AFTER = re.compile(r" {0,3}(?:kr\b|kr\.|kroner\b|dkk\b|,-|,00\b|\.-|€|euro\b)", re.I)
_CANONICAL = re.compile(r"[0-9]{6}-[0-9]{4}")
_TOKENS = re.compile(r"[0-9]+|[^0-9]+")


def _is_time(digits: str) -> bool:
    return len(digits) == 4 and int(digits[:2]) < 24 and int(digits[2:]) < 60


def _looks_like_date_and_time(span: str) -> bool:
    tokens = _TOKENS.findall(span)
    return (
        len(tokens) == 7
        and all(any(c in "./" for c in tokens[k]) for k in (1, 3))
        and tokens[5].strip() == ""
        and _is_time(tokens[6])
    )


def _is_cpr(norm: str, start: int, end: int) -> bool:
    """Whether the candidate ``norm[start:end]`` is taken for a CPR number."""
    span = norm[start:end]
    if _AMOUNT_AFTER.match(norm, end):
        return False
    before = norm[max(0, start - 60) : start]
    if _SAYS_CPR.search(before):
        return True
    if _looks_like_date_and_time(span):
        return False
    return not (_NAMES_OTHER_NUMBER.search(before) and not _CANONICAL.fullmatch(span))


def find_cpr_spans(text: str) -> List[Tuple[int, int]]:
    """Where CPR numbers are spelled in ``text``: (start, end) indices into ``text``."""
    if text.isascii() and sum(text.count(d) for d in "0123456789") < 8:
        return []  # fewer than 8 digits (escapes spell digits with digits): no CPR number
    norm, starts, ends = normalise(text)
    spans: List[Tuple[int, int]] = []
    pos = 0
    while (m := CPR_PATTERN.search(norm, pos)) is not None:
        if _is_cpr(norm, m.start(), m.end()):
            spans.append((starts[m.start()], ends[m.end() - 1]))
            pos = m.end()
        else:  # an innocent number: a CPR number may still start inside it
            pos = m.start() + 1
    return spans


def redact_with_count(text: str) -> Tuple[str, int]:
    """``text`` with every CPR number replaced by ``[CPR]``, and how many were."""
    spans = find_cpr_spans(text)
    if not spans:
        return text, 0
    out: List[str] = []
    pos = 0
    for start, end in spans:
        start = max(start, pos)
        out.append(text[pos:start])
        out.append(CPR_MASK)
        pos = end
    out.append(text[pos:])
    return "".join(out), len(spans)


def redact(text: str) -> str:
    """Return ``text`` with every CPR number replaced by ``[CPR]``."""
    return redact_with_count(text)[0]


def contains_cpr(text: str) -> bool:
    return bool(find_cpr_spans(text))


# Keys whose values are identifiers, not what someone wrote; left as they are so a
# conversation keeps its id.
ID_KEYS = frozenset(
    {"sender", "sender_id", "session_id", "conversation_id", "recipient_id", "message_id"}
)


def redact_data(value: Any) -> Tuple[Any, int]:
    """Mask CPR numbers in every string of a JSON-like value (dicts, lists); the
    values of ``ID_KEYS`` are kept. Returns the masked copy and how many were masked."""
    if isinstance(value, str):
        return redact_with_count(value)
    if isinstance(value, dict):
        out: Dict[Any, Any] = {}
        total = 0
        for key, item in value.items():
            if key in ID_KEYS:
                out[key] = item
                continue
            out[key], n = redact_data(item)
            total += n
        return out, total
    if isinstance(value, (list, tuple)):
        items = [redact_data(v) for v in value]
        return type(value)(v for v, _ in items), sum(n for _, n in items)
    return value, 0
