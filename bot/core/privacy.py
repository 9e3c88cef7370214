"""Masking of personal identifiers in what citizens write.

CPR numbers (ddmmyy-xxxx) are replaced by ``[CPR]`` where a message enters
Rasa (see ``bot.rasa.hooks``), before it is parsed, logged or stored.

What counts as a CPR number here: six digits that form a plausible date
(day 01-31, month 01-12, any year) followed by four digits, written together,
with a hyphen/dash, or with spaces ("010190-1234", "0101901234",
"010190 1234", "01 01 90 1234", "01.01.90-1234"). The check is deliberately
wide: masking a number that was not a CPR number costs little, letting one
through costs a lot. Digits directly attached to more digits are not a CPR
number (a longer number such as an account or phone number with country code
is left alone unless it contains a CPR-shaped run bounded by non-digits).
"""

from __future__ import annotations

import re

CPR_MASK = "[CPR]"

_SEP = r"[ \t\u00a0]*[-\u2010\u2011\u2012\u2013\u2014.]?[ \t\u00a0]*"
_DATE_SEP = r"[ \t\u00a0.\-/]?"
CPR_PATTERN = re.compile(
    r"(?<![0-9])"
    r"(?:0[1-9]|[12][0-9]|3[01])"
    + _DATE_SEP
    + r"(?:0[1-9]|1[0-2])"
    + _DATE_SEP
    + r"[0-9]{2}"
    + _SEP
    + r"[0-9]{4}"
    r"(?![0-9])"
)


def redact(text: str) -> str:
    """Return ``text`` with every CPR number replaced by ``[CPR]``."""
    return CPR_PATTERN.sub(CPR_MASK, text)


def redact_with_count(text: str) -> tuple[str, int]:
    """Like ``redact``, and also say how many CPR numbers were masked."""
    return CPR_PATTERN.subn(CPR_MASK, text)


def contains_cpr(text: str) -> bool:
    return CPR_PATTERN.search(text) is not None
