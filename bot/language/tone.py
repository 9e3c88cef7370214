"""Anger and distress in a citizen's message.

An angry or desperate message ("I er nogle idioter ... ødelagt mit liv") is met
with acknowledgement and the way forward first, never with a redirect chosen from
the angry words alone.
"""

from __future__ import annotations

import re

from bot.language.fold import fold

_SWEARING = re.compile(
    r"\b(fuck\w*|fucking|lort\w*|pis\w*|skide\w*|idiot\w*|helvede|fanden|satan\w*|"
    r"for helvede|røvhul\w*|klaphat\w*|amatør\w*|inkompetent\w*|elendig\w*|latterlig\w*)\b"
)
_DISTRESS = re.compile(
    r"(ødelagt mit liv|ødelægger mit liv|kan ikke mere|orker ikke|giver op|har opgivet|"
    r"desperat|håbløs|fortvivl\w*|magter ikke|græder|bange for|så træt af|ked af det|"
    r"ingen hjælper|ingen vil hjælpe|er på bar bund|aner ikke hvad jeg skal gøre)"
)
_SHOUTING_MIN_LETTERS = 12


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return len(letters) >= _SHOUTING_MIN_LETTERS and upper / len(letters) > 0.7


def is_upset(text: str) -> bool:
    """Swearing, distress words, shouting or a row of exclamation marks."""
    low = fold(text or "").lower()
    return bool(
        _SWEARING.search(low) or _DISTRESS.search(low) or _shouting(text or "") or "!!!" in text
    )
