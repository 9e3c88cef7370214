"""Hand-over to a person (logic in bot.features.handover and bot.features.cases.intake).

- ``action_handover_start``: the offer (phone numbers, and that the chat can be sent on);
  when this conversation already has a case, it says so and offers to add to it.
- ``action_ask_handover_consent``: the consent text (content/handover.yml) with "Ja, send
  det videre" / "Nej"; remembers which version was shown.
- ``validate_handover_form``: consent first; the matter only when the conversation does
  not say it yet; the contact (optional: "Jeg ringer selv"); when it suits, for a call.
- ``action_handover_submit``: "Nej" or "stop": nothing is kept, the phone number and
  booking are offered. Yes: the case is opened and the receipt sent.
- ``action_handover_add_start`` / ``validate_handover_add_form`` / ``action_handover_add``:
  more text for the same case from the same conversation.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.forms import FORM_STOPPED, CitizenFormValidation, answer, stopped
from actions.services import WithServices
from bot.features.cases.intake import add_to_case, case_of_conversation
from bot.features.handover.consent import consent_text, consent_version, given
from bot.features.handover.contact import from_slot, read_contact, read_matter, read_when
from bot.features.handover.conversation import lines_from_events
from bot.features.handover.service import hand_over, office_calendar, receipt_replies
from bot.features.handover.summary import SummaryInput, has_matter
from bot.infra.db import session_scope
from bot.language.answers import yes_no

log = logging.getLogger(__name__)


class S:  # the forms and slots (domain.yml, handover section)
    FORM, ADD_FORM = "handover_form", "handover_add_form"
    CONSENT, VERSION, UNCLEAR = "handover_consent", "handover_consent_version", "handover_unclear"
    MATTER, CONTACT, WHEN = "handover_matter", "handover_contact", "handover_when"
    CASE, ADDITION = "handover_case", "handover_addition"


FORM_SLOTS = [S.CONSENT, S.VERSION, S.UNCLEAR, S.MATTER, S.CONTACT, S.WHEN, FORM_STOPPED]
# A second answer that is neither yes nor no ends the question: nothing is sent.
MAX_UNCLEAR = 2
BOOKING_FILE = "booking.yml"
LISTEN = FollowupAction("action_listen")
DUE_SLOT = "handover_due"


def reset(names: List[str]) -> List[EventType]:
    return [SlotSet(name, None) for name in names]


class ActionHandoverStart(WithServices, Action):
    def name(self) -> str:
        return "action_handover_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        contact = self.services.contact().as_template_vars()
        case = tracker.get_slot(S.CASE)
        if case:
            dispatcher.utter_message(response="utter_handover_already", nummer=case)
            return [LISTEN]
        dispatcher.utter_message(
            response="utter_handover_intro",
            telefon=contact["telefon"],
            medarbejdere=contact["medarbejdere"],
        )
        return reset(FORM_SLOTS)


class ActionAskHandoverConsent(WithServices, Action):
    def name(self) -> str:
        return "action_ask_handover_consent"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        content = self.services.handover()
        text = consent_text(content, self.services.settings.case_retention_days)
        dispatcher.utter_message(response="utter_handover_consent", samtykke=text)
        return [SlotSet(S.VERSION, consent_version(content))]


class ValidateHandoverForm(WithServices, CitizenFormValidation):
    def name(self) -> str:
        return "validate_handover_form"

    def slots_for(self, domain_slots: List[str], tracker: Tracker) -> List[str]:
        if tracker.get_slot(S.CONSENT) is False:
            return []
        wanted = list(domain_slots)
        if has_matter(lines_from_events(tracker.events), self.services.competence()):
            wanted.remove(S.MATTER)  # the conversation says what it is about
        contact = tracker.get_slot(S.CONTACT)
        if contact and not from_slot(contact).needs_a_time:
            wanted.remove(S.WHEN)  # only a phone call needs a time
        return wanted

    def validate_handover_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        said = value if isinstance(value, bool) else yes_no(str(value or ""))
        if said is not None:
            return {S.CONSENT: said}
        unclear = int(tracker.get_slot(S.UNCLEAR) or 0) + 1
        if unclear >= MAX_UNCLEAR:
            return {S.CONSENT: False, S.UNCLEAR: float(unclear)}
        dispatcher.utter_message(response="utter_handover_consent_unclear")
        return {S.CONSENT: None, S.UNCLEAR: float(unclear)}

    validate_handover_matter = answer(S.MATTER, read_matter, "utter_handover_matter_too_short")
    validate_handover_when = answer(S.WHEN, read_when, "utter_handover_when_unclear")

    def validate_handover_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        wish = read_contact(str(value or ""))
        if wish is None:
            dispatcher.utter_message(response="utter_handover_contact_invalid")
            return {S.CONTACT: None}
        return {S.CONTACT: wish.slot_value}


class ActionHandoverSubmit(WithServices, Action):
    def name(self) -> str:
        return "action_handover_submit"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        svc = self.services
        phone = svc.contact().hovedtelefon
        if stopped(tracker) or tracker.get_slot(S.CONSENT) is not True:
            dispatcher.utter_message(response="utter_handover_declined", telefon=phone)
            return reset(FORM_SLOTS)
        content, settings, now = svc.handover(), svc.settings, svc.clock.now()
        data = SummaryInput(
            lines=lines_from_events(tracker.events),
            today=now.date(),
            competence=svc.competence(),
            deadline_rule=svc.deadline_rule(),
            consent=given(tracker.get_slot(S.VERSION), now, content),
            contact=from_slot(tracker.get_slot(S.CONTACT), tracker.get_slot(S.WHEN)),
            route=tracker.get_slot("route"),
            matter=tracker.get_slot(S.MATTER),
            letter_deadline=tracker.get_slot("letter_deadline"),
        )
        try:
            with session_scope(svc.app_sessions()) as session:
                booking = settings.content_dir / BOOKING_FILE
                calendar = office_calendar(session, booking, settings.timezone, now.date())
                receipt = hand_over(
                    session,
                    conversation_id=tracker.sender_id,
                    data=data,
                    calendar=calendar,
                    working_days=content.svartid_arbejdsdage,
                    now=now,
                    tz=settings.timezone,
                )
        except Exception as exc:  # the citizen gets the phone number instead
            log.error("handover: the case could not be stored (%s)", type(exc).__name__)
            dispatcher.utter_message(response="utter_handover_error", telefon=phone)
            return reset(FORM_SLOTS)
        log.info("handover: case %s opened", receipt.number)
        for response, variables in receipt_replies(receipt, phone):
            dispatcher.utter_message(response=response, **variables)
        due = SlotSet(DUE_SLOT, receipt.promise.due_label)  # "hvornår ringer I så?" later
        return [*reset(FORM_SLOTS), SlotSet(S.CASE, receipt.number), due]


class ActionHandoverAddStart(WithServices, Action):
    """Ask for the addition when the conversation has an open case (the slot, or the
    database after a new session of the same conversation)."""

    def name(self) -> str:
        return "action_handover_add_start"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        case = tracker.get_slot(S.CASE)
        if not case:
            try:
                with session_scope(self.services.app_sessions()) as session:
                    found = case_of_conversation(session, tracker.sender_id)
                    case = found.number if found is not None else None
            except Exception as exc:
                log.error("handover: the case could not be looked up (%s)", type(exc).__name__)
        if not case:
            dispatcher.utter_message(response="utter_handover_add_no_case")
            return [LISTEN]
        return [*reset([S.ADDITION, FORM_STOPPED]), SlotSet(S.CASE, case)]


class ValidateHandoverAddForm(CitizenFormValidation):
    def name(self) -> str:
        return "validate_handover_add_form"

    validate_handover_addition = answer(
        S.ADDITION, lambda text: read_matter(text, 20_000), "utter_handover_addition_empty"
    )


class ActionHandoverAdd(WithServices, Action):
    def name(self) -> str:
        return "action_handover_add"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        svc = self.services
        done = reset([S.ADDITION, FORM_STOPPED])
        text = tracker.get_slot(S.ADDITION)
        if stopped(tracker) or not text:
            dispatcher.utter_message(response="utter_handover_add_stopped")
            return done
        try:
            with session_scope(svc.app_sessions()) as session:
                entry = add_to_case(session, tracker.sender_id, str(text), svc.clock.now())
        except Exception as exc:
            log.error("handover: the addition could not be stored (%s)", type(exc).__name__)
            dispatcher.utter_message(
                response="utter_handover_error", telefon=svc.contact().hovedtelefon
            )
            return done
        if entry is None:  # closed meanwhile (or never stored)
            dispatcher.utter_message(response="utter_handover_add_no_case")
            return [*done, SlotSet(S.CASE, None)]
        dispatcher.utter_message(response="utter_handover_added", nummer=tracker.get_slot(S.CASE))
        return done
