"""Rasa NLU component: a message not written in Danish gets the intent ``other_language``;
one with no words at all ("???", "xqzv") gets ``nlu_fallback``.

``bot.language.detect`` decides; Danish stays the default. The assistant then answers
in English (``utter_other_language``): what it can do, that it works in Danish, and
how to reach a person. It runs after the classifier (config.yml) and keeps the
classifier's ranking below its own intent. Slots in an active form are still filled
from the text, so an answer inside a form is never taken away.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.language.detect import DANISH, NO_WORDS, detect

OTHER_LANGUAGE_INTENT = "other_language"
FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LanguageDetector(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageDetector:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if not text or text.startswith("/"):
                continue
            language = detect(text)
            if language == DANISH:
                continue
            # No words at all ("???") is not understood, whatever the classifier guessed.
            name = FALLBACK_INTENT if language == NO_WORDS else OTHER_LANGUAGE_INTENT
            intent = {"name": name, "confidence": 1.0}
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get("name") != name
            ]
            message.data[INTENT] = intent
            message.data[INTENT_RANKING_KEY] = [intent, *ranking]
        return messages
