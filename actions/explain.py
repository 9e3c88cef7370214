"""action_explain: explain a term or a pasted letter (logic in bot.explain)."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.competence import ActionCompetence
from bot.complaint_deadline import cached_rule, letter_rule, slot_value
from bot.deadlines import find_deadlines
from bot.explain import citizens_own_words, copenhagen_today, load_nlp, replies_for_message
from bot.glossary import Glossary, cached_glossary
from bot.laws import LawBook, cached_lawbook
from bot.settings import get_settings

logger = logging.getLogger(__name__)

LETTER_INTENT = "indsat_brev"
DEADLINE_FILE = "complaint_deadline.yml"


class ActionExplain(Action):
    """Reads the latest message, and utters the planned responses by name."""

    def __init__(
        self,
        nlp: Any = None,
        glossary: Glossary | None = None,
        lawbook: LawBook | None = None,
        today: Any = None,
    ) -> None:
        self._nlp = nlp
        self._glossary = glossary
        self._lawbook = lawbook
        self._today = today

    def name(self) -> str:
        return "action_explain"

    def _resources(self) -> tuple:
        settings = get_settings()
        if self._nlp is None:
            self._nlp = load_nlp()  # loaded once per process (lru_cache)
        glossary = self._glossary or cached_glossary(settings.data_dir / "glossary.yml")
        lawbook = self._lawbook or cached_lawbook(settings.data_dir / "laws.yml")
        return self._nlp, glossary, lawbook, settings.max_message_chars

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = (message.get("intent") or {}).get("name")
        if intent == LETTER_INTENT and citizens_own_words(text):
            # A long personal message ("Goddag. Jeg er 84 ... Venlig hilsen Inger") is the
            # citizen's matter, not a letter to explain.
            return await ActionCompetence().run(dispatcher, tracker, domain)
        nlp, glossary, lawbook, max_chars = self._resources()
        replies = replies_for_message(
            text,
            nlp,
            glossary,
            lawbook,
            today=self._today or copenhagen_today(),
            intent=intent,
            max_chars=max_chars,
        )
        logger.debug("action_explain: %d replies", len(replies))
        for response, values in replies:
            dispatcher.utter_message(response=response, **values)
        settings = get_settings()
        own = letter_rule(find_deadlines(text), cached_rule(settings.data_dir / DEADLINE_FILE))
        return [SlotSet("letter_deadline", slot_value(own))] if own else []
