"""action_explain: explain a term or a pasted letter (logic in bot.features.explain.letters)."""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.competence import ActionCompetence
from actions.services import WithServices
from bot.app.bootstrap import Services
from bot.features.competence.deadline import letter_rule, slot_value
from bot.features.explain.letters import citizens_own_words, replies_for_message
from bot.features.explain.outcome import followup_response, letter_outcome
from bot.infra.spacy import load_nlp
from bot.language.courtesy import only_courtesy
from bot.language.deadlines import find_deadlines

logger = logging.getLogger(__name__)

LETTER_INTENT = "indsat_brev"
OUTCOME_SLOT = "letter_outcome"
OUTCOME_MIN_CHARS = 60  # a letter, not "hvad betyder afslag?"


class ActionExplain(WithServices, Action):
    """Reads the latest message, and utters the planned responses by name."""

    def __init__(self, services: Services | None = None, nlp: Any = None) -> None:
        super().__init__(services)
        self._nlp = nlp

    def name(self) -> str:
        return "action_explain"

    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = load_nlp()  # loaded once per process (lru_cache)
        return self._nlp

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: Dict[str, Any],
    ) -> List[Dict[str, Any]]:
        message = tracker.latest_message or {}
        text = message.get("text") or ""
        intent = (message.get("intent") or {}).get("name")
        svc = self.services
        about_letter = followup_response(text, tracker.get_slot(OUTCOME_SLOT))
        if about_letter is not None and len(text) <= OUTCOME_MIN_CHARS:
            # "saa det er et nej?" right after the letter (QA round 3, c27)
            dispatcher.utter_message(response=about_letter)
            return []
        if intent == LETTER_INTENT and only_courtesy(text):
            # "Med venlig hilsen Poul Erik" alone is no letter to explain.
            dispatcher.utter_message(response="utter_courtesy_only")
            return []
        if intent == LETTER_INTENT and citizens_own_words(text):
            # A long personal message ("Goddag. Jeg er 84 ... Venlig hilsen Inger") is the
            # citizen's matter, not a letter to explain.
            return await ActionCompetence(svc).run(dispatcher, tracker, domain)
        replies = replies_for_message(
            text,
            self.nlp(),
            svc.glossary(),
            svc.lawbook(),
            today=svc.clock.today(),
            intent=intent,
            max_chars=svc.settings.max_message_chars,
        )
        logger.debug("action_explain: %d replies", len(replies))
        for response, values in replies:
            dispatcher.utter_message(response=response, **values)
        own = letter_rule(find_deadlines(text), svc.deadline_rule())
        events = [SlotSet("letter_deadline", slot_value(own))] if own else []
        outcome = letter_outcome(text) if len(text) > OUTCOME_MIN_CHARS else None
        return [*events, SlotSet(OUTCOME_SLOT, outcome)] if outcome else events
