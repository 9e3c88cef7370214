"""Low NLU confidence: offer likely topics first, then a person.

``data/fallback.yml`` maps intents to the Danish button titles the office
wants to offer.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import yaml
from pydantic import BaseModel, conint

FALLBACK_INTENT = "nlu_fallback"


class FallbackData(BaseModel):
    suggestions: Dict[str, str]
    fallback_buttons_max: conint(ge=1, le=5) = 3  # type: ignore[valid-type]


def load_fallback(path: Path) -> FallbackData:
    with path.open(encoding="utf-8") as fh:
        return FallbackData.parse_obj(yaml.safe_load(fh))


@lru_cache(maxsize=4)
def cached_fallback(path: Path) -> FallbackData:
    return load_fallback(path)


def suggestions(ranking: Sequence[Tuple[str, float]], data: FallbackData) -> List[Dict[str, str]]:
    """Buttons for the most likely known intents, best first."""
    buttons: List[Dict[str, str]] = []
    for intent, _confidence in ranking:
        title = data.suggestions.get(intent)
        if title and intent != FALLBACK_INTENT:
            buttons.append({"title": title, "payload": f"/{intent}"})
        if len(buttons) >= data.fallback_buttons_max:
            break
    return buttons


def second_in_a_row(previous_user_intents: Sequence[str]) -> bool:
    """True when the message before the latest one was not understood either.

    ``previous_user_intents`` are the intents of the user messages before the
    latest one, oldest first.
    """
    return bool(previous_user_intents) and previous_user_intents[-1] == FALLBACK_INTENT
