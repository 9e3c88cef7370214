"""Rasa NLU component: a pasted letter is a letter, whatever else it mentions.

Citizens paste parts of letters that mention many topics (Ankestyrelsen,
lokalplaner, tilsyn ...), which the intent classifier may read as a matter to
route. When ``bot.features.explain.letters.looks_like_letter`` says the text reads like a
letter, this component sets the intent ``indsat_brev`` (confidence 1.0), so the
assistant explains the letter. It runs last in the pipeline (config.yml); the
classifier's own ranking is kept below it.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.features.explain.letters import looks_like_letter
from bot.rasa.override import IntentOverride

LETTER_INTENT = "indsat_brev"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LetterDetector(IntentOverride):
    def intent_for(self, text: str) -> str | None:
        return LETTER_INTENT if text and looks_like_letter(text) else None
