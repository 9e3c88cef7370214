"""Low NLU confidence: offer likely topics first, then a person.

``content/fallback.yml`` maps intents to the Danish button titles the office
wants to offer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from pydantic import BaseModel, conint

from bot.core.content import cached
from bot.core.content import load as load_content

FALLBACK_INTENT = "nlu_fallback"


class FallbackData(BaseModel):
    suggestions: Dict[str, str]
    fallback_buttons_max: conint(ge=1, le=5) = 3  # type: ignore[valid-type]


def load_fallback(path: Path) -> FallbackData:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, FallbackData.parse_obj)


def cached_fallback(path: Path) -> FallbackData:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, FallbackData.parse_obj)


# Below this the classifier's guess says nothing about what was asked.
MIN_SUGGESTION_CONFIDENCE = 0.1
PERSON_INTENT = "request_human"


def suggestions(ranking: Sequence[Tuple[str, float]], data: FallbackData) -> List[Dict[str, str]]:
    """Buttons for the likely known intents, best first, and always a person last.

    Only intents the classifier finds at least somewhat likely are offered, so a
    follow-up it did not understand does not get unrelated topics.
    """
    buttons: List[Dict[str, str]] = []
    for intent, confidence in ranking:
        if len(buttons) >= data.fallback_buttons_max - 1:
            break
        title = data.suggestions.get(intent)
        if (
            title
            and intent not in (FALLBACK_INTENT, PERSON_INTENT)
            and confidence >= MIN_SUGGESTION_CONFIDENCE
        ):
            buttons.append({"title": title, "payload": f"/{intent}"})
    person = data.suggestions.get(PERSON_INTENT)
    if person:
        buttons.append({"title": person, "payload": f"/{PERSON_INTENT}"})
    return buttons


def second_in_a_row(previous_user_intents: Sequence[str]) -> bool:
    """True when the message before the latest one was not understood either.

    ``previous_user_intents`` are the intents of the user messages before the
    latest one, oldest first.
    """
    return bool(previous_user_intents) and previous_user_intents[-1] == FALLBACK_INTENT
