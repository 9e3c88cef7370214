"""Rasa NLU component: a pasted letter is a letter, whatever else it mentions; a
citizen's own message never is.

Citizens paste parts of letters that mention many topics (Ankestyrelsen,
lokalplaner, tilsyn ...), which the intent classifier may read as a matter to
route. When ``bot.features.explain.letters.looks_like_letter`` says the text reads like a
letter, this component sets the intent ``indsat_brev`` (confidence 1.0), so the
assistant explains the letter. It runs last in the pipeline (config.yml); the
classifier's own ranking is kept below it.

The other way round: a personal message is not a letter, even when it is signed
("Venlig hilsen Inger"), starts with "Kære borgerrådgiver" or is a short greeting the
classifier scored as a letter ("goddag. jeg forstår ikke det her med chat. kan de
hjælpe mig"). Then ``indsat_brev`` is taken out of the ranking and the next intent
wins. bench/letter_bench.py measures both on citizen messages and letter excerpts.
"""

from __future__ import annotations

import re
from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.features.explain.letters import looks_like_letter
from bot.rasa.override import IntentOverride

LETTER_INTENT = "indsat_brev"

# The writer speaks of themselves: a letter from the kommune says "du/din" and "vi".
_FIRST_PERSON = re.compile(r"\b(?:jeg|mig|min|mit|mine)\b", re.IGNORECASE)
# Written to the advisor or asking for help: a letter to the citizen never is.
_TO_THE_ADVISOR = re.compile(
    r"^\W*(?:kære|til)\s+(?:borgerrådgiv\w*|borgerraadgiv\w*)"
    r"|\bkan\s+(?:i|de|du|nogen)\s+hjælpe\b|\bhjælp\s+mig\b|\bhvad\s+(?:gør|skal)\s+jeg\b",
    re.IGNORECASE | re.MULTILINE,
)
# What only the authority's own wording says (then the citizen pasted part of a letter).
_AUTHORITY_WORDING = re.compile(
    r"klagevejledning|§|\bvi\s+har\s+(?:truffet|besluttet|vurderet|lagt\s+vægt|modtaget\s+din)"
    r"|\bdu\s+har\s+(?:søgt|ansøgt)|\bpartshøring\s*[.:]|\bafgørelse\s+om\b|\bsagsnr\b"
    r"|\bvi\s+(?:kan|vil)\s+(?:ikke\s+)?(?:bevilge|imødekomme)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“”„«][^\"“”„«»]{80,}")
SHORT = 150  # characters: about two sentences


def personal_message(text: str) -> bool:
    """The citizen's own words (about themselves, or written to the advisor), with
    nothing in it that only a letter from an authority says. A short message needs one
    "jeg/min/mig", a longer one two (a pasted letter may come with "jeg fik det her:")."""
    stripped = (text or "").strip()
    if _AUTHORITY_WORDING.search(stripped) or _QUOTED.search(stripped):
        return False
    needed = 1 if len(stripped) < SHORT else 2
    return len(_FIRST_PERSON.findall(stripped)) >= needed or bool(_TO_THE_ADVISOR.search(stripped))


def is_letter(text: str) -> bool:
    """What this component decides: a pasted letter, not the citizen's own message."""
    stripped = (text or "").strip()
    return bool(stripped) and looks_like_letter(stripped) and not personal_message(stripped)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LetterDetector(IntentOverride):
    def intent_for(self, text: str) -> str | None:
        return LETTER_INTENT if is_letter(text) else None

    def process(self, messages: List[Message]) -> List[Message]:
        super().process(messages)
        for message in messages:
            intent = message.get(INTENT) or {}
            text = message.get(TEXT) or ""
            if intent.get("name") != LETTER_INTENT or is_letter(text):
                continue
            if personal_message(text):
                # The classifier saw a letter in a personal message: the next intent it
                # considered wins.
                ranking = [
                    r
                    for r in message.get(INTENT_RANKING_KEY) or []
                    if r.get("name") != LETTER_INTENT
                ]
                if ranking:
                    message.data[INTENT] = ranking[0]
                    message.data[INTENT_RANKING_KEY] = ranking
        return messages
