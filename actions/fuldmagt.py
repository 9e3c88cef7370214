"""Rasa actions for ordering the fuldmagt by e-mail (logic in bot.features.fuldmagt.service).

- ``action_fuldmagt_intro``: explains the fuldmagt, mentions the phone, resets the slots.
- ``validate_fuldmagt_form``: validates the address
  (``bot.features.fuldmagt.service.address_from_message``),
  "Ret adressen" (deny) asks again, a new address typed at the confirmation step
  replaces the old one.
- ``action_send_fuldmagt``: records the request and queues the mail; clears the slots.
- "stop"/"annuller" or the Annuller button ends the form (actions/forms.py); nothing is sent.

The database is opened lazily on first use (nothing at import time).
"""

from __future__ import annotations

import logging
import re
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.explain import ActionExplain
from actions.forms import FORM_STOPPED, CitizenFormValidation, latest_text, stopped
from actions.services import WithServices
from bot.features.fuldmagt.followup import signing_answer, writes_as_helper
from bot.features.fuldmagt.service import (
    InvalidAddress,
    RequestStatus,
    address_from_message,
    extract_address,
    request_fuldmagt,
)
from bot.infra.db import session_scope
from bot.language.answers import yes_no

log = logging.getLogger(__name__)

_BISIDDER = re.compile(r"\bbisidder", re.IGNORECASE)

EXPLAIN_HELPER = "utter_fuldmagt_explain_helper"
EMAIL_SLOT = "fuldmagt_email"
CONFIRMED_SLOT = "fuldmagt_confirmed"
REQUESTED_SLOT = "requested_slot"


def _reset_slots() -> List[EventType]:
    return [SlotSet(EMAIL_SLOT, None), SlotSet(CONFIRMED_SLOT, None), SlotSet(FORM_STOPPED, None)]


class ActionFuldmagtIntro(WithServices, Action):
    def name(self) -> str:
        return "action_fuldmagt_intro"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        text = latest_text(tracker)
        if _BISIDDER.search(text):
            # "Skal en bisidder have en fuldmagt?" is a question about words: explain them
            # (the glossary says a bisidder needs none) instead of asking for an address.
            await ActionExplain(self.services).run(dispatcher, tracker, domain)
            return [FollowupAction("action_listen")]
        contact = self.services.contact()
        signing = signing_answer(text, about_fuldmagt=True)
        if signing is not None and _requested_before(tracker):
            # "kan man lave en fuldmagt, hvis han ikke kan skrive under": the question,
            # not the order again (the form was sent in this conversation).
            dispatcher.utter_message(response=signing, telefon=contact.hovedtelefon)
            return [FollowupAction("action_listen")]
        # A relative asking ("jeg vil hjælpe min far") is the one who gets the fuldmagt;
        # "så min søn kan tale med jer på mine vegne" is the citizen giving it.
        helper = writes_as_helper(text)
        dispatcher.utter_message(response=EXPLAIN_HELPER if helper else "utter_fuldmagt_explain")
        dispatcher.utter_message(response="utter_fuldmagt_phone", telefon=contact.hovedtelefon)
        given = None if text.startswith("/") else extract_address(text)
        return [*_reset_slots(), SlotSet(EMAIL_SLOT, given if given and "@" in given else None)]


def _requested_before(tracker: Tracker) -> bool:
    """Whether this conversation already ordered the fuldmagt (action_send_fuldmagt ran)."""
    return any(
        e.get("event") == "action" and e.get("name") == "action_send_fuldmagt"
        for e in tracker.events
    )


class ValidateFuldmagtForm(WithServices, CitizenFormValidation):
    def name(self) -> str:
        return "validate_fuldmagt_form"

    async def extract_fuldmagt_email(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """At the confirmation step, a typed address replaces the old one."""
        if tracker.get_slot(REQUESTED_SLOT) != CONFIRMED_SLOT:
            return {}
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        text = message.get("text") or ""
        if intent in ("affirm", "deny", "stop") or text.startswith("/"):
            return {}
        candidate = extract_address(text)
        if candidate is None or "@" not in candidate:
            return {}
        return {EMAIL_SLOT: candidate}

    def validate_fuldmagt_email(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        try:
            address = address_from_message(str(value or ""))
        except InvalidAddress:
            signing = signing_answer(str(value or ""), about_fuldmagt=True)
            if signing is not None:  # a question at the address question: answer it
                phone = self.services.contact().hovedtelefon
                dispatcher.utter_message(response=signing, telefon=phone)
                return {EMAIL_SLOT: None}
            dispatcher.utter_message(response="utter_fuldmagt_invalid_email")
            return {EMAIL_SLOT: None}
        result: Dict[str, Any] = {EMAIL_SLOT: address}
        if tracker.get_slot(CONFIRMED_SLOT) is not None:
            result[CONFIRMED_SLOT] = None  # a new address must be confirmed again
        return result

    def validate_fuldmagt_confirmed(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if "@" in str(value):  # a new address at the confirmation step
            return {CONFIRMED_SLOT: None}
        answer = value if isinstance(value, bool) else yes_no(str(value))
        if answer is True:
            return {CONFIRMED_SLOT: True}
        if answer is None:
            dispatcher.utter_message(response="utter_fuldmagt_confirm_unclear")
            return {CONFIRMED_SLOT: None}
        # "Ret adressen" / "nej": ask for the address again.
        return {CONFIRMED_SLOT: None, EMAIL_SLOT: None}


class ActionSendFuldmagt(WithServices, Action):
    def name(self) -> str:
        return "action_send_fuldmagt"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        svc = self.services
        contact = svc.contact()
        phone = contact.hovedtelefon
        if stopped(tracker):
            dispatcher.utter_message(response="utter_fuldmagt_cancelled", telefon=phone)
            return _reset_slots()
        address: str | None = tracker.get_slot(EMAIL_SLOT)
        if not address or tracker.get_slot(CONFIRMED_SLOT) is not True:
            dispatcher.utter_message(response="utter_fuldmagt_error", telefon=phone)
            return _reset_slots()
        try:
            with session_scope(svc.app_sessions()) as session:
                result = request_fuldmagt(
                    session,
                    conversation_id=tracker.sender_id,
                    address=address,
                    settings=svc.settings,
                    now=svc.clock.now(),
                    contact=contact,
                )
        except Exception as exc:  # the citizen gets the phone number instead
            log.error("fuldmagt: request could not be stored (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_fuldmagt_error", telefon=phone)
            return _reset_slots()

        if result.status is RequestStatus.QUEUED:
            dispatcher.utter_message(
                response="utter_fuldmagt_on_its_way", email=result.address, adresse=contact.adresse
            )
        elif result.status is RequestStatus.DUPLICATE:
            dispatcher.utter_message(
                response="utter_fuldmagt_already_requested", email=result.address, telefon=phone
            )
        elif result.rate_limited:
            dispatcher.utter_message(response="utter_fuldmagt_rate_limited", telefon=phone)
        else:  # INVALID_ADDRESS: the form validated it, so only if tampered with
            dispatcher.utter_message(response="utter_fuldmagt_invalid_email")
        return _reset_slots()
