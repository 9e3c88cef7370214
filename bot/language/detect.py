"""Is a message written in Danish? Danish stays the default.

The assistant works in Danish. A message that is clearly English, or written in
another script (Arabic, Cyrillic, ...), gets a short answer in English about
what the assistant can do and how to reach a person. A Danish message with a few
English words ("ok", "sorry") stays Danish.
"""

from __future__ import annotations

import re

DANISH = "da"
ENGLISH = "en"
OTHER = "other"
NO_WORDS = "none"  # "???", "xqzv": nothing that reads as words in any language

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_DA_WORDS = """jeg du han hun vi de det den og eller er var har havde ikke min mit mine din dit
    på til fra med af for om at kan vil skal må hvad hvordan hvorfor hvornår hvor hvem
    en et ja nej tak hej kommunen mig dig sig os jer sagen sag brev afslag møde gerne
    også men så når fik få hjælp klage noget nogen bare lige"""
_DA = frozenset(_DA_WORDS.split())
_EN_WORDS = """i you he she we they it and or is are was were have has had not my your the a an
    to from with of for about that can will would should what how why when where who
    yes no thanks thank hello hi please help meeting speak english need problem
    understand dont don't do does me us letter appointment book person"""
_EN = frozenset(_EN_WORDS.split())
_ENGLISH_ALONE = frozenset({"english", "hello", "please"})
_LATIN = re.compile(r"[A-Za-zÆØÅæøåÄÖÜäöüéèê]")


_VOWELS = set("aeiouyæøåäöüéèêáàí")


def _script(letters: list[str]) -> str:
    latin = sum(1 for c in letters if _LATIN.match(c))
    return OTHER if latin / len(letters) < 0.5 else DANISH


def detect(text: str) -> str:
    """``da``, ``en``, ``other`` (another script) or ``none`` (no words at all)."""
    letters = [c for c in text if c.isalpha()]
    has_digits = any(c.isdigit() for c in text)
    if not letters:
        return NO_WORDS if text.strip() and not has_digits else DANISH
    if _script(letters) == OTHER:
        return OTHER
    words = [w.lower() for w in _WORD.findall(text)]
    if not has_digits and not any(len(w) >= 2 and _VOWELS & set(w) for w in words):
        return NO_WORDS
    da = sum(1 for w in words if w in _DA)
    en = sum(1 for w in words if w in _EN and w not in _DA)
    if en >= 2 and en > 2 * da:
        return ENGLISH
    if len(words) <= 3 and da == 0 and _ENGLISH_ALONE & set(words):
        return ENGLISH
    return DANISH
