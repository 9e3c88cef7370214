"""Base for the NLU components that set the intent from rules (letter, language).

A subclass says which intent a message gets (``intent_for``, None: leave it). The
intent gets confidence 1.0 and the classifier's own ranking is kept below it.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message


class IntentOverride(GraphComponent):
    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> IntentOverride:
        return cls()

    def intent_for(self, text: str) -> str | None:
        raise NotImplementedError

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            name = self.intent_for(message.get(TEXT) or "")
            if name is None:
                continue
            intent = {"name": name, "confidence": 1.0}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != name]
            message.data[INTENT] = intent
            message.data[INTENT_RANKING_KEY] = [intent, *ranking]
        return messages
