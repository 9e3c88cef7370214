"""Whether a letter says yes or no: the first thing a citizen asks ("er det ja eller nej?").

Read from the kommune's usual wording ("Din ansøgning imødekommes ikke", "Du får bevilget",
"delvist"); None when the letter does not say it in those words, so the assistant says
nothing rather than guess. ``asks_outcome`` finds the follow-up ("så jeg har fået nej?").
"""

from __future__ import annotations

import re

from bot.language.fold import fold

NO, YES, PARTLY, HEARING = "nej", "ja", "delvist", "høring"
RESPONSES = {NO: "utter_explain_outcome_no", YES: "utter_explain_outcome_yes",
             PARTLY: "utter_explain_outcome_partly",
             HEARING: "utter_explain_outcome_hearing"}  # fmt: skip

_NO = re.compile(
    r"\b(imødekommes ikke|ikke (kan )?imødekomme\w*|kan ikke imødekomme\w*|ikke imødekommet|"
    r"afslag|afslås|afslået|giver (dig )?afslag|meddeles afslag|kan ikke bevilge\w*|"
    r"bevilges ikke|ikke bevilge\w*|ikke bevilget|får ikke bevilget|godkendes ikke|"
    r"ikke godkendt|kan ikke godkende|siger nej)\b"
)
_YES = re.compile(
    r"\b(imødekommes|imødekommet|bevilges|bevilget|bevilliget|får bevilget|godkendes|"
    r"godkendt|får tilkendt|tilkendes|er berettiget til)\b"
)
# Not decided yet: a partshøring or agterskrivelse asks for the citizen's view first.
_HEARING = re.compile(
    r"\b(agter at|påtænker at|partshøring (om|i|vedr\w*|før)|inden vi træffer (endelig )?afgørelse|"
    r"før vi træffer (endelig )?afgørelse|mulighed for at komme med (dine )?bemærkninger|"
    r"vi har tænkt os at)\b"
)
_WHAT_NOW = re.compile(
    r"\bhvad (skal|kan|gør) (vi|jeg|han|hun|min \w+) (så |nu )*(nu|gøre)\b"
    r"|\bskal (vi|jeg|han|hun) (så )?(skrive|svare|ringe) (til )?(dem|kommunen)\b"
)
_PARTLY = re.compile(r"\b(delvis|delvist|en del af|dog ikke|men ikke)\b")
_ASKS = re.compile(
    r"\b(ja eller nej|nej eller ja|det er (et )?(nej|ja|afslag)|"
    r"(har|fik|får) jeg (så )?(fået )?(et )?(nej|ja|afslag|lov)|"
    r"er det (et )?(nej|ja|afslag)|(så )?(jeg )?(har|fik) (jeg )?(fået )?(et )?(nej|afslag|ja)|"
    r"sagt (ja|nej)|har de (sagt|givet) (ja|nej)|betyder det (at jeg fik |at det er )?(nej|ja))\b"
)


_QUOTED = re.compile(r"[\"“”„«'‘’]([^\"“”„«»'‘’]{40,})[\"“”»'‘’]")


def _letters_words(text: str) -> str:
    """The quoted part when the citizen quotes the letter ("... 'Du er bevilget ...' hun
    troede hun fik afslag"): their own words are not the letter's (QA round 3, c10)."""
    quoted = _QUOTED.findall(text or "")
    return " ".join(quoted) if quoted else text or ""


def letter_outcome(text: str) -> str | None:
    """``høring`` when nothing is decided yet (a partshøring), else ``nej``, ``ja`` or
    ``delvist`` when the letter says it in the usual words, else None."""
    low = fold(_letters_words(text)).lower()
    if _HEARING.search(low):
        return HEARING
    no = bool(_NO.search(low))
    yes = bool(_YES.search(_NO.sub(" ", low)))
    if (no or yes) and (no and yes or _PARTLY.search(low)):
        return PARTLY
    if no:
        return NO
    return YES if yes else None


def asks_outcome(text: str) -> bool:
    """True for "er det ja eller nej?", "så jeg har fået nej?" and the like: a question
    (not "jeg har fået nej fra kommunen og vil klage", which tells a matter)."""
    low = fold(text or "").lower()
    return bool(_ASKS.search(low)) and ("?" in low or len(low.split()) <= 6)


def followup_response(text: str, outcome: str | None) -> str | None:
    """The response to a short follow-up about the letter just explained: "så jeg har fået
    nej?" (what it says), "hvad skal vi så gøre?" after a partshøring (answer in time)."""
    if outcome not in RESPONSES:
        return None
    if asks_outcome(text) or (outcome == HEARING and _WHAT_NOW.search(fold(text).lower())):
        return RESPONSES[str(outcome)]
    return None
