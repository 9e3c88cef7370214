"""Short answers in a form: yes, no, and an explicit stop.

A form takes every answer as free text (a name is data, never an intent), so
the answer itself is read here: "ja aflys", "jep", "Ja, book mødet" are a yes,
"nej", "Ret adressen" a no, and only a short, explicit "stop" / "afbryd" /
"glem det" ends a form.
"""

from __future__ import annotations

import re
import unicodedata

from bot.language.fold import fold

_YES_PAYLOADS = {"/affirm"}
_NO_PAYLOADS = {"/deny"}

_YES = re.compile(
    r"^(ja|jo|jep|jepper|ja tak|ja gerne|gerne|ok|okay|oki|fint|det er fint|det passer|"
    r"det lyder godt|super|korrekt|rigtigt|det er rigtigt|præcis|klart|selvfølgelig|"
    r"yes|yeah|jaa+|jaja|jo tak|helt sikkert|bekræft|bekræfter|send|send den|book|"
    r"book det|book mødet|aflys|aflys det|aflys mødet|flyt|flyt det|flyt mødet)\b"
)
_NO = re.compile(
    r"^(nej|nej tak|nope|nix|ikke|forkert|det er forkert|ret|ret adressen|ret det|"
    r"ændr|ændre|no)\b"
)
_STOP = re.compile(
    r"^(stop|stop det|stop nu|stop venligst|afbryd|afbryd det|annuller|annuller det|annuler|"
    r"glem det|glem det hele|fortryd|jeg fortryder|fortryder|drop det|lad være|"
    r"jeg vil ikke alligevel|nej stop|nej, stop|nej tak stop|hold op|luk|afslut|cancel)$"
)
_TRAILING = re.compile(r"[\s.!,;:)]+$")
MAX_STOP_WORDS = 5


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").strip().lower()
    return _TRAILING.sub("", fold(text))


def yes_no(text: str) -> bool | None:
    """True for a yes, False for a no, None when the text is neither."""
    raw = (text or "").strip()
    if raw in _YES_PAYLOADS:
        return True
    if raw in _NO_PAYLOADS:
        return False
    low = _clean(raw)
    if is_stop(raw):
        return False
    if _NO.match(low):
        return False
    if _YES.match(low):
        return True
    return None


def is_stop(text: str) -> bool:
    """An explicit wish to stop the form: short, and nothing but the stop words."""
    low = _clean(text)
    if not low or len(low.split()) > MAX_STOP_WORDS:
        return False
    return bool(_STOP.match(low))
