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
from bot.settings import get_settings


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
        pending = tracker.get_slot("clarify")
        route = tracker.get_slot("route")

        if (
            pending in (QUESTION_DIALOGUE, QUESTION_ENDED)
            and intent in ("affirm", "deny")
            and route
        ):
            answer = intent == "affirm"
            context = Context(
                dialogue_tried=answer if pending == QUESTION_DIALOGUE else None,
                ended_over_a_year_ago=answer if pending == QUESTION_ENDED else None,
                asked=asked,
            )
            decision = follow_up(route, data, context)
        elif intent in ("affirm", "deny"):
            # A yes or no with no question pending: ask what the matter is.
            dispatcher.utter_message(response="utter_competence_no_question")
            return [SlotSet("clarify", None)]
        else:
            decision = decide(Parse.from_rasa(latest), today, data, Context(asked=asked))

        return respond(decision, data, dispatcher, asked)


def respond(
    decision: Decision,
    data: CompetenceData,
    dispatcher: CollectingDispatcher,
    asked: Tuple[str, ...],
) -> List[Dict[str, Any]]:
    """Send the responses for a decision; the slots that remember it."""
    for response, variables in plan_messages(decision, data):
        dispatcher.utter_message(response=response, **variables)
    if decision.question:
        asked = (*asked, decision.question)
    return [
        SlotSet("route", decision.original_route or decision.route),
        SlotSet("clarify", decision.question),
        SlotSet("competence_asked", list(asked)),
    ]
