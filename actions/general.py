"""Session start (contact details into slots) and the low-confidence fallback."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.competence import (
    ActionCompetence,
    answer_question,
    body_contact,
    pending_answer,
    promise_reply,
    respond,
)
from actions.explain import OUTCOME_SLOT
from actions.services import WithServices
from bot.features.booking.wording import wants_a_meeting
from bot.features.competence.deadline import answer as deadline_answer
from bot.features.competence.fallback import second_in_a_row, suggestions
from bot.features.competence.routing import Context, Parse, build_route, decide, likely_route
from bot.features.explain.outcome import followup_response
from bot.features.fuldmagt.followup import signing_answer
from bot.features.handover.urgency import needs_help_now
from bot.language.courtesy import CALL_RESPONSES, tells_a_matter, will_call
from bot.language.tone import is_upset


class ActionSessionStart(WithServices, Action):
    """Start a session with the office's contact details in slots.

    Responses use them as {telefon}, {adresse}, ... so the details live in
    one file (content/contact.yml).
    """

    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        contact = self.services.contact()
        events: List[Dict[str, Any]] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in contact.as_template_vars().items()]
        events.append(ActionExecuted("action_listen"))
        return events


class ActionGreet(WithServices, Action):
    """A greeting. A message that also tells a matter ("Goddag. Jeg er 79 år ... Kan en af
    jeres medarbejdere kontakte mig ... Med venlig hilsen Poul Erik") is the matter."""

    def name(self) -> str:
        return "action_greet"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        if tells_a_matter(str((tracker.latest_message or {}).get("text") or "")):
            return await ActionCompetence(self.services).run(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_greet")
        return []


class ActionOpeningHours(WithServices, Action):
    """The telephone hours; after a hand-over, "hvornår ringer I så?" gets the promise;
    "hvem kan jeg ringe til NU" when someone needs help now, where to call now."""

    def name(self) -> str:
        return "action_opening_hours"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        promise = promise_reply(tracker)
        text = str((tracker.latest_message or {}).get("text") or "")
        if promise is not None:
            dispatcher.utter_message(response=promise[0], **promise[1])
        elif needs_help_now(text):
            acute = self.services.competence().acute.text
            dispatcher.utter_message(response="utter_acute_help", tekst=acute)
        else:
            dispatcher.utter_message(response="utter_opening_hours")
        return []


class ActionContact(WithServices, Action):
    """The office's contact details; just after a redirect, "har de et nummer?" is about
    the authority named (QA round 3, c14, c15: both got the office's card)."""

    def name(self) -> str:
        return "action_contact"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        contact = body_contact(tracker, self.services.competence())
        if contact is not None:
            dispatcher.utter_message(response=contact[0], **contact[1])
        else:
            dispatcher.utter_message(response="utter_contact")
        return []


DEADLINE_GUIDE_ROUTE = "borgerraadgiver_klagevejledning"
RECENT = 3  # the citizen's last messages that set what a follow-up is about


def _about_fuldmagt(user_intents: List[str | None]) -> bool:
    """Whether one of the citizen's last messages (before this one) was about the fuldmagt."""
    return "request_fuldmagt" in user_intents[-RECENT - 1 : -1]


class ActionFallback(WithServices, Action):
    """First miss: ask to rephrase and suggest topics. Second miss in a row: a person."""

    def name(self) -> str:
        return "action_fallback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        events = self._answer(dispatcher, tracker)
        if any(e.get("event") == "followup" for e in events):
            return events
        # Then wait for the citizen. Also when the dialogue policy was unsure (core
        # fallback): without this Rasa predicts the fallback again, up to ten times.
        return [*events, FollowupAction("action_listen")]

    def _answer(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[str, Any]]:
        user_intents = [
            (e.get("parse_data") or {}).get("intent", {}).get("name")
            for e in tracker.events
            if e.get("event") == "user"
        ]
        svc = self.services
        competence = svc.competence()
        promise = promise_reply(tracker)
        if promise is not None:  # "hvornår hører jeg noget?" after the receipt
            dispatcher.utter_message(response=promise[0], **promise[1])
            return []
        contact = body_contact(tracker, competence)
        if contact is not None:  # "har de et telefonnummer?" just after a redirect
            dispatcher.utter_message(response=contact[0], **contact[1])
            return [SlotSet("clarify", None)]
        answer = pending_answer(tracker)
        route = tracker.get_slot("route")
        asked = tuple(tracker.get_slot("competence_asked") or ())
        if answer is not None and route:
            # A yes or no to the competence check's question, in the citizen's own words.
            return answer_question(tracker, competence, answer, dispatcher)
        if second_in_a_row(user_intents[:-1]):
            dispatcher.utter_message(response="utter_fallback_human")
            return []
        parse = Parse.from_rasa(tracker.latest_message or {})
        about_letter = followup_response(parse.text, tracker.get_slot(OUTCOME_SLOT))
        if about_letter is not None:  # "saa jeg har faaet nej?" after a pasted letter
            dispatcher.utter_message(response=about_letter)
            return []
        calling = will_call(parse.text)
        if calling is not None:  # "jeg ringer til jer i stedet"
            phone = svc.contact().hovedtelefon
            dispatcher.utter_message(response=CALL_RESPONSES[calling], telefon=phone)
            return []
        signing = signing_answer(parse.text, about_fuldmagt=_about_fuldmagt(user_intents))
        if signing is not None:  # "skal min søn også skrive under?" after the fuldmagt
            dispatcher.utter_message(response=signing, telefon=svc.contact().hovedtelefon)
            return []
        if wants_a_meeting(parse.text, parse.ranking):
            return [FollowupAction("action_booking_start")]
        today = svc.clock.today()
        letter_deadline = tracker.get_slot("letter_deadline")
        deadline = deadline_answer(parse.text, today, svc.deadline_rule(), letter_deadline)
        if deadline is not None:
            # "hvornaar er fristen ... den 3. november": a deadline question, worked out.
            guide = build_route(DEADLINE_GUIDE_ROUTE, competence)
            return respond(guide, competence, dispatcher, asked, deadline)
        if is_upset(parse.text) or likely_route(parse, competence):
            # Unsure, but the words of the message point to a matter we can route.
            decision = decide(parse, today, competence, Context(asked=asked))
            return respond(decision, competence, dispatcher, asked)
        data = svc.fallback()
        ranking = [
            (r.get("name"), float(r.get("confidence") or 0.0))
            for r in (tracker.latest_message or {}).get("intent_ranking", [])
        ]
        dispatcher.utter_message(
            response="utter_fallback_rephrase", buttons=suggestions(ranking, data)
        )
        return []
