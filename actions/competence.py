"""action_competence: thin wrapper around bot.features.competence.routing."""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.services import WithServices
from bot.features.booking.wording import asks_for_meeting
from bot.features.competence.contact import asks_for_contact, contact_reply, redirected_body
from bot.features.competence.content import CompetenceData
from bot.features.competence.deadline import DeadlineAnswer
from bot.features.competence.deadline import answer as deadline_answer
from bot.features.competence.replies import plan_messages
from bot.features.competence.routing import (
    QUESTION_DIALOGUE,
    QUESTION_ENDED,
    Context,
    Decision,
    Parse,
    build_route,
    decide,
    follow_up,
)
from bot.features.explain.outcome import followup_response
from bot.features.handover.urgency import (
    asks_when_we_answer,
    is_urgent,
    needs_help_now,
    only_urgency,
)
from bot.language.answers import yes_no

CASE_SLOT = "handover_case"  # set by the hand-over's receipt (actions/handover.py)
OUTCOME = "letter_outcome"  # set by action_explain
DUE_SLOT = "handover_due"  # the receipt's "senest ..." (actions/handover.py)
ACUTE_STORY_WORDS = 12  # a longer message also tells the matter: it is routed as well

# Remembered in ``competence_asked``: the limit on decisions has been said once.
LIMIT_SAID = "limit_said"
LIMIT_RESPONSE = "utter_competence_cannot_decide"

GUIDE_ROUTE = "borgerraadgiver_klagevejledning"

# Routes where "kan jeg nå at klage?" is about a decision's complaint deadline.
DEADLINE_ROUTES = (
    "borgerraadgiver_klagevejledning",
    "borgerraadgiver_forstaa_afgoerelse",
    "ankestyrelsen",
)


class ActionCompetence(WithServices, Action):
    def name(self) -> str:
        return "action_competence"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        svc = self.services
        data = svc.competence()
        today = svc.clock.today()
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        asked = tuple(tracker.get_slot("competence_asked") or ())

        if asks_for_meeting(str(latest.get("text") or "")):
            # "Kunne jeg få et telefonmøde med borgerrådgiveren om ...", also as the answer
            # to a question ("ja som jeg skrev vil jeg gerne komme ind til jer"): the booking
            # starts; the matter becomes the meeting's topic.
            return [FollowupAction("action_booking_start")]
        contact = body_contact(tracker, data)
        if contact is not None:  # "har de et telefonnummer?" just after a redirect
            dispatcher.utter_message(response=contact[0], **contact[1])
            return [SlotSet("clarify", None)]
        about_letter = followup_response(str(latest.get("text") or ""), tracker.get_slot(OUTCOME))
        if about_letter is not None:  # "ja men hvad skal vi så gøre?" after a partshøring
            dispatcher.utter_message(response=about_letter)
            return []
        answer = pending_answer(tracker)
        if answer is not None and tracker.get_slot("route"):
            return answer_question(tracker, data, answer, dispatcher)
        if intent in ("affirm", "deny"):
            if tracker.get_slot("route"):
                # "ja, jeg har både ringet og skrevet" after an answer: noted; what next?
                dispatcher.utter_message(response="utter_competence_noted")
                dispatcher.utter_message(response="utter_competence_next_steps")
                return [SlotSet("clarify", None)]
            # A yes or no with no question pending: ask what the matter is.
            dispatcher.utter_message(response="utter_competence_no_question")
            return [SlotSet("clarify", None)]
        parse = Parse.from_rasa(latest)
        promise = promise_reply(tracker)
        if promise is not None:  # "hvornår hører jeg noget?" after the receipt
            dispatcher.utter_message(response=promise[0], **promise[1])
            return []
        if tracker.get_slot(CASE_SLOT) and is_urgent(parse.text):
            # Just handed over, and it cannot wait: how to reach a person sooner.
            phone = svc.contact().hovedtelefon
            dispatcher.utter_message(response="utter_handover_urgent", telefon=phone)
            return []
        if needs_help_now(parse.text):  # "kan ikke komme op af sengen ... det haster"
            dispatcher.utter_message(response="utter_acute_help", tekst=data.acute.text)
            if len(parse.text.split()) < ACUTE_STORY_WORDS:  # "hvem kan jeg ringe til NU"
                return []
        if only_urgency(parse.text):  # "det her haster" with no matter named: not a route
            phone = svc.contact().hovedtelefon
            dispatcher.utter_message(response="utter_urgent_no_matter", telefon=phone)
            return []
        decision = decide(parse, today, data, Context(asked=asked))
        letter_deadline = tracker.get_slot("letter_deadline")
        deadline = deadline_answer(parse.text, today, svc.deadline_rule(), letter_deadline)
        about_a_decision = decision.route in DEADLINE_ROUTES or decision.about_decision
        if deadline is not None and (about_a_decision or deadline.from_letter):
            return respond(decision, data, dispatcher, asked, deadline)
        return respond(decision, data, dispatcher, asked)


def promise_reply(tracker: Tracker) -> Tuple[str, Dict[str, Any]] | None:
    """After the hand-over's receipt, "hvornår ringer I?" gets the promise again."""
    case, due = tracker.get_slot(CASE_SLOT), tracker.get_slot(DUE_SLOT)
    text = str((tracker.latest_message or {}).get("text") or "")
    if case and due and asks_when_we_answer(text):
        return "utter_handover_when", {"nummer": case, "senest": due}
    return None


def body_contact(tracker: Tracker, data: CompetenceData) -> Tuple[str, Dict[str, Any]] | None:
    """The reply when the message asks how to reach the authority just named, else None."""
    body = redirected_body(tracker.get_slot("route"), data)
    text = str((tracker.latest_message or {}).get("text") or "")
    return contact_reply(body) if body and asks_for_contact(text, body) else None


def answer_question(
    tracker: Tracker, data: CompetenceData, answer: bool, dispatcher: CollectingDispatcher
) -> List[Dict[str, Any]]:
    """Go on with the route chosen before, now that the pending question is answered."""
    pending = tracker.get_slot("clarify")
    asked = tuple(tracker.get_slot("competence_asked") or ())
    context = Context(
        dialogue_tried=answer if pending == QUESTION_DIALOGUE else None,
        ended_over_a_year_ago=answer if pending == QUESTION_ENDED else None,
        asked=asked,
    )
    decision = follow_up(str(tracker.get_slot("route")), data, context)
    return respond(decision, data, dispatcher, asked)


def pending_answer(tracker: Tracker) -> bool | None:
    """The citizen's yes or no to the competence check's pending yes/no question.

    "ja jeg har rykket flere gange" answers "Har du allerede prøvet ...?" whatever
    intent the classifier saw in it; None when no such question is pending or the
    message is no yes/no answer.
    """
    if tracker.get_slot("clarify") not in (QUESTION_DIALOGUE, QUESTION_ENDED):
        return None
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    if intent in ("affirm", "deny"):
        return intent == "affirm"
    return yes_no(str(latest.get("text") or ""))


def respond(
    decision: Decision,
    data: CompetenceData,
    dispatcher: CollectingDispatcher,
    asked: Tuple[str, ...],
    deadline: DeadlineAnswer | None = None,
) -> List[Dict[str, Any]]:
    """Send the responses for a decision (a worked-out deadline first); the slots."""
    plan = plan_messages(decision, data)
    if deadline is not None:
        decision.question = None
        plan = deadline.messages() + [
            step for step in plan_messages(decision, data) if step[0] != "utter_competence_within"
        ]
    # "Borgerrådgivningen kan ikke ændre afgørelser" is said once in a conversation.
    if LIMIT_SAID in asked:
        plan = [step for step in plan if step[0] != LIMIT_RESPONSE]
    elif any(step[0] == LIMIT_RESPONSE for step in plan):
        asked = (*asked, LIMIT_SAID)
    for response, variables in plan:
        dispatcher.utter_message(response=response, **variables)
    if decision.question:
        asked = (*asked, decision.question)
    return [
        SlotSet("route", decision.original_route or decision.route),
        SlotSet("clarify", decision.question),
        SlotSet("competence_asked", list(asked)),
    ]


class ActionDeadline(WithServices, Action):
    """ "Hvornår er fristen?": worked out when the message says when the decision came,
    else the Borgerrådgivning's own 1-year rule (vedtægtens § 13)."""

    def name(self) -> str:
        return "action_deadline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        svc = self.services
        text = str((tracker.latest_message or {}).get("text") or "")
        letter_deadline = tracker.get_slot("letter_deadline")
        deadline = deadline_answer(text, svc.clock.today(), svc.deadline_rule(), letter_deadline)
        if deadline is None:
            dispatcher.utter_message(response="utter_deadline")
            return []
        asked = tuple(tracker.get_slot("competence_asked") or ())
        guide = build_route(GUIDE_ROUTE, svc.competence())
        return respond(guide, svc.competence(), dispatcher, asked, deadline)
