"""Rasa NLU component: a pasted letter is a letter, whatever else it mentions.

Citizens paste parts of letters that mention many topics (Ankestyrelsen,
lokalplaner, tilsyn ...), which the intent classifier may read as a matter to
route. When ``bot.explain.looks_like_letter`` says the text reads like a
letter, this component sets the intent ``indsat_brev`` (confidence 1.0), so the
assistant explains the letter. It runs last in the pipeline (config.yml); the
classifier's own ranking is kept below it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.explain import looks_like_letter

LETTER_INTENT = "indsat_brev"


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class LetterDetector(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LetterDetector:
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text and looks_like_letter(text):
                intent = {"name": LETTER_INTENT, "confidence": 1.0}
                ranking = [
                    r
                    for r in message.get(INTENT_RANKING_KEY) or []
                    if r.get("name") != LETTER_INTENT
                ]
                message.data[INTENT] = intent
                message.data[INTENT_RANKING_KEY] = [intent, *ranking]
        return messages
