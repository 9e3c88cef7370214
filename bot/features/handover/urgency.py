"""After a hand-over: the citizen says it is urgent ("fredag?? det er alt for lang tid, det
haster"). That is about the promised answer time, not a new matter to route (it was read
as a complaint about service levels once: citizen round 2, c25)."""

from __future__ import annotations

import re

from bot.language.fold import fold

_URGENT = re.compile(
    r"\b(haster|hastende|akut|for lang tid|alt for længe|for længe|hurtigere|med det samme"
    r"|i dag|nu med det samme|kan i ikke (ringe|svare) (før|tidligere|hurtigere))\b"
)


def is_urgent(text: str) -> bool:
    """A short message saying the matter cannot wait (not a long new story)."""
    low = fold(text or "").lower()
    return len(low) <= 200 and bool(_URGENT.search(low))


_FILLER = frozenset(
    (
        "det", "er", "her", "jo", "så", "nu", "altså", "og", "men", "den", "jeg", "mig", "min",
        "mit", "i", "jer", "at", "til", "med", "af", "for", "på", "meget", "virkelig", "rigtig",
        "helt", "bare", "lige", "lidt", "ikke", "kan", "skal", "vil", "have", "har", "være", "vi",
        "os", "du", "dig", "hvorfor", "hvad", "hvor", "hvornår", "tager", "lang", "tid", "længe",
        "alt", "noget", "sådan", "nogen",
    )
)


def only_urgency(text: str) -> bool:
    """ "det er alt for lang tid, det her haster": urgent, and no matter named at all (not
    "det haster med min kontanthjælp", which is routed)."""
    if not is_urgent(text):
        return False
    rest = _URGENT.sub(" ", fold(text or "").lower())
    return all(word in _FILLER for word in re.findall(r"[a-zæøå]+", rest))


_WHEN = re.compile(
    r"\bhvornår (ringer|skriver|svarer|kontakter|hører|kommer) (i|de|hun|han|nogen|jeg)\b"
    r"|\bhvornår (i|de|hun|han|nogen) (ringer|skriver|svarer|kontakter)\b"
    r"|\bhvornår (får|hører) jeg (svar|noget|fra jer)\b"
)


def asks_when_we_answer(text: str) -> bool:
    """ "hvornaar ringer i saa" after the receipt: the promised time, not opening hours."""
    return bool(_WHEN.search(fold(text or "").lower()))


# Someone cannot manage now: no help, food, medicine, cannot get up (QA round 3, c25).
_NEED_NOW = re.compile(
    r"\b(kan ikke (selv )?(komme op|rejse sig|spise|klare sig|gå)|ikke fået (mad|medicin|hjælp)"
    r"|ingen (mad|medicin|hjælp)|ligger på gulvet|er faldet|brug for hjælp"
    r"|hvem kan jeg ringe til)\b"
)
_NOW = re.compile(r"\b(nu|lige nu|i nat|i aften|med det samme|i weekenden)\b")


def needs_help_now(text: str) -> bool:
    """Urgent, and someone cannot manage until the office opens: where to call now."""
    low = fold(text or "").lower()
    return bool(_NEED_NOW.search(low)) and (is_urgent(low) or bool(_NOW.search(low)))
