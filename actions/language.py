"""A message not written in Danish: the English introduction once, then a short line."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

INTRODUCTION = "utter_other_language"
AGAIN = "utter_other_language_again"


def already_introduced(tracker: Tracker) -> bool:
    """True when this conversation has had the English introduction already."""
    return any(
        e.get("event") == "bot" and (e.get("metadata") or {}).get("utter_action") == INTRODUCTION
        for e in tracker.events
    )


class ActionOtherLanguage(Action):
    def name(self) -> str:
        return "action_other_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response=AGAIN if already_introduced(tracker) else INTRODUCTION)
        return []
