import asyncio

from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionOtherLanguage
from tests.actions.helpers import make_tracker, user_event


def bot_event(response: str) -> dict:
    return {"event": "bot", "text": "...", "metadata": {"utter_action": response}}


def responses(events: list) -> list:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("Can you help me?", "other_language", events=events)
    assert asyncio.run(ActionOtherLanguage().run(dispatcher, tracker, {})) == []
    return [m["response"] for m in dispatcher.messages]


def test_first_message_in_another_language_gets_the_introduction() -> None:
    assert responses([user_event("hej", "greet"), bot_event("utter_greet")]) == [
        "utter_other_language"
    ]


def test_later_messages_get_the_short_line() -> None:
    earlier = [user_event("Hello", "other_language"), bot_event("utter_other_language")]
    assert responses(earlier) == ["utter_other_language_again"]
