"""Danish written without æ, ø and å ("naeste uge", "paa", "moede").

``fold`` puts the letters back where the ASCII spelling is unambiguous
enough for matching Danish words and time expressions. It is used for
matching only; what the citizen wrote is never changed in storage.
"""

from __future__ import annotations

import re

# "aa" is å except in a few words and names where it is two letters.
_AA_KEEP = ("aalborg",)  # the city keeps its spelling either way
_PAIRS = re.compile(r"aa|ae|oe", re.IGNORECASE)
_MAP = {"aa": "å", "ae": "æ", "oe": "ø"}
# Words where ae/oe are two vowels in Danish (loan words, names).
_KEEP_WORDS = {
    "israel", "michael", "rafael", "poesi", "poet", "oase", "koefficient", "aerobic",
    "boeing", "moesgaard", "noel", "joel", "zoe", "aeg",
}
_WORD = re.compile(r"[A-Za-zÆØÅæøå]+")


def _fold_word(m: re.Match[str]) -> str:
    word = m.group(0)
    low = word.lower()
    if low in _KEEP_WORDS or any(low.startswith(k) for k in _AA_KEEP):
        return word

    def swap(p: re.Match[str]) -> str:
        letter = _MAP[p.group(0).lower()]
        return letter.upper() if p.group(0)[0].isupper() else letter

    return _PAIRS.sub(swap, word)


def fold(text: str) -> str:
    """``text`` with aa/ae/oe read as å/æ/ø (for matching only)."""
    return _WORD.sub(_fold_word, text or "")
