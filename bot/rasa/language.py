"""Rasa NLU component: a message not written in Danish gets the intent ``other_language``;
one with no words at all ("???", "xqzv") gets ``nlu_fallback``.

``bot.language.detect`` decides; Danish stays the default. The assistant then answers
in English (``utter_other_language``): what it can do, that it works in Danish, and
how to reach a person. It runs after the classifier (config.yml) and keeps the
classifier's ranking below its own intent. Slots in an active form are still filled
from the text, so an answer inside a form is never taken away.
"""

from __future__ import annotations

from rasa.engine.recipes.default_recipe import DefaultV1Recipe

from bot.language.detect import DANISH, NO_WORDS, detect
from bot.rasa.override import IntentOverride

OTHER_LANGUAGE_INTENT = "other_language"
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetector(IntentOverride):
    def intent_for(self, text: str) -> str | None:
        if not text or text.startswith("/"):
            return None
        language = detect(text)
        if language == DANISH:
            return None
        # No words at all ("???") is not understood, whatever the classifier guessed.
        return FALLBACK_INTENT if language == NO_WORDS else OTHER_LANGUAGE_INTENT
