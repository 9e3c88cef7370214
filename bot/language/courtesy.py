"""Greetings and sign-offs around what a citizen writes ("Goddag. ... Med venlig hilsen
Poul Erik"): older citizens write a chat message like a letter. The words between are
the matter; a message with nothing between is only courtesy, not a letter to explain."""

from __future__ import annotations

import re

from bot.language.fold import fold

_SIGN_OFF = re.compile(
    r"\b(med )?(venlig(st)?|mange|kærlig) hilsen\b.*$|\bmvh\b.*$|\bhilsen\b\s*\S*\s*\S*\s*$",
    re.S,
)
_GREETING = re.compile(
    r"^\s*(goddag|god dag|god morgen|god aften|hej(sa)?|hallo|davs|kære \w+|til borgerrådgiv\w*)"
    r"\b[\s,.!]*"
)
MATTER_WORDS = 6  # more words than this between greeting and sign-off tell a matter


def between(text: str) -> str:
    """The words between the greeting and the sign-off."""
    low = fold(text or "").lower().strip()
    return _SIGN_OFF.sub(" ", _GREETING.sub(" ", low)).strip()


def tells_a_matter(text: str) -> bool:
    """More than a greeting: "Goddag. Jeg er 79 år ... madservice ... Med venlig hilsen"."""
    return len(re.findall(r"\w+", between(text))) > MATTER_WORDS


def only_courtesy(text: str) -> bool:
    """Only a greeting or a sign-off ("Med venlig hilsen Poul Erik"), nothing between."""
    return not re.findall(r"\w+", between(text))


_WILL_CALL = re.compile(
    r"\bjeg ringer (hellere |bare |selv |nok |så )?(til (jer|dem|\w+)|ind|i stedet|selv|i morgen)\b"
    r"|\bså ringer jeg\b|\bjeg ringer hellere\b"
)
_TO_THEM = re.compile(r"\bringer (\w+ )?til (?!jer\b|borgerrådgiv)\w+")
US, THEM = "os", "dem"
CALL_RESPONSES = {US: "utter_will_call", THEM: "utter_will_call_them"}  # domain.yml


def will_call(text: str) -> str | None:
    """ "jeg ringer til jer i stedet" (``os``: the office's number and goodbye) or "jeg
    ringer til dem i morgen" (``dem``: the authority just named), not a booking."""
    low = fold(text or "").lower()
    if len(low.split()) > 12 or not _WILL_CALL.search(low):
        return None
    return THEM if _TO_THEM.search(low) else US
