"""What every form shares: validate only what the citizen gave, stop on request.

- Slots that an action cleared (``SlotSet(name, None)``) are not "answers" and
  are not validated: a form that starts never greets the citizen with errors.
- An explicit, short "stop" / "afbryd" / "glem det" in answer to any question
  ends the form (``form_stopped``); anything else is an answer, so a name
  like "Bent Larsen" is data, never an intent that ends the form.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Callable, Dict, List

from rasa_sdk import FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.language.answers import is_stop

REQUESTED_SLOT = "requested_slot"
FORM_STOPPED = "form_stopped"
STOP_PAYLOAD = "/stop"


def latest_text(tracker: Tracker) -> str:
    return str((tracker.latest_message or {}).get("text") or "")


def earlier_texts(tracker: Tracker) -> List[str]:
    """What the citizen wrote before the latest message (typed, not buttons), oldest first."""
    texts = [str(e.get("text") or "") for e in tracker.events if e.get("event") == "user"]
    return [t for t in texts[:-1] if t and not t.startswith("/")]


def latest_intent(tracker: Tracker) -> str | None:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


def stopped(tracker: Tracker) -> bool:
    return tracker.get_slot(FORM_STOPPED) is True


def answer(slot: str, read: Callable[[str], Any], problem: str) -> Callable[..., Dict[str, Any]]:
    """A ``validate_<slot>`` method from a plain reader: None = no answer, ``problem`` says so."""

    def validate(self: Any, value: Any, dispatcher: Any, *_: Any) -> Dict[str, Any]:
        result = read(str(value or ""))
        if result is None:
            dispatcher.utter_message(response=problem)
        return {slot: result}

    return validate


class CitizenFormValidation(FormValidationAction, ABC):
    """Base for the project's form validation actions (abstract: not registered itself)."""

    @abstractmethod
    def name(self) -> str:
        """``validate_<form>``."""

    def form_name(self) -> str:
        return self.name().replace("validate_", "", 1)

    async def required_slots(
        self,
        domain_slots: List[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[str]:
        if stopped(tracker):
            return []
        return self.slots_for(domain_slots, tracker)

    def slots_for(self, domain_slots: List[str], tracker: Tracker) -> List[str]:
        """The slots this form asks for now (override to skip some)."""
        return domain_slots

    async def get_validation_events(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        requested = tracker.get_slot(REQUESTED_SLOT)
        text = latest_text(tracker)
        if requested and (text == STOP_PAYLOAD or (not text.startswith("/") and is_stop(text))):
            tracker.slots[FORM_STOPPED] = True
            return [SlotSet(requested, None), SlotSet(FORM_STOPPED, True)]
        wanted = await self.required_slots(self.domain_slots(domain), dispatcher, tracker, domain)
        candidates: Dict[str, Any] = tracker.slots_to_validate()
        result: Dict[str, Any] = dict(candidates)  # cleared or not ours: passed on as they are
        for slot_name, value in candidates.items():
            method = getattr(self, f"validate_{slot_name}", None)
            if slot_name not in wanted or value is None or method is None:
                continue
            output = method(value, dispatcher, tracker, domain)
            if hasattr(output, "__await__"):
                output = await output
            result.update(output)
            tracker.slots.update(output)
        return [SlotSet(name, value) for name, value in result.items()]
