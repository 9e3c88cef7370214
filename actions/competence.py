"""action_competence: thin wrapper around bot.competence."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, List, Tuple
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.competence import (
    QUESTION_DIALOGUE,
    QUESTION_ENDED,
    CompetenceData,
    Context,
    Decision,
    Parse,
    cached_competence,
    decide,
    follow_up,
    plan_messages,
)
from bot.complaint_deadline import DeadlineAnswer, cached_rule
from bot.complaint_deadline import answer as deadline_answer
from bot.language.answers import yes_no
from bot.settings import get_settings

# Routes where "kan jeg nå at klage?" is about a decision's complaint deadline.
DEADLINE_ROUTES = (
    "borgerraadgiver_klagevejledning",
    "borgerraadgiver_forstaa_afgoerelse",
    "ankestyrelsen",
)


class ActionCompetence(Action):
    def name(self) -> str:
        return "action_competence"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        settings = get_settings()
        data = cached_competence(settings.data_dir / "competence.yml")
        today = datetime.now(ZoneInfo(settings.timezone)).date()
        latest = tracker.latest_message or {}
        intent = (latest.get("intent") or {}).get("name")
        asked = tuple(tracker.get_slot("competence_asked") or ())

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
        decision = decide(parse, today, data, Context(asked=asked))
        rule = cached_rule(settings.data_dir / "complaint_deadline.yml")
        deadline = deadline_answer(parse.text, today, rule, tracker.get_slot("letter_deadline"))
        about_a_decision = decision.route in DEADLINE_ROUTES or decision.about_decision
        if deadline is not None and (about_a_decision or deadline.from_letter):
            return respond(decision, data, dispatcher, asked, deadline)
        return respond(decision, data, dispatcher, asked)


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
    for response, variables in plan:
        dispatcher.utter_message(response=response, **variables)
    if decision.question:
        asked = (*asked, decision.question)
    return [
        SlotSet("route", decision.original_route or decision.route),
        SlotSet("clarify", decision.question),
        SlotSet("competence_asked", list(asked)),
    ]
