"""Building rasa-sdk trackers for action tests."""

from typing import Any, Dict, List

from rasa_sdk import Tracker


def user_event(
    text: str, intent: str, confidence: float = 0.95, ranking: List[Dict[str, Any]] | None = None
) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "parse_data": {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": ranking or [{"name": intent, "confidence": confidence}],
            "entities": [],
        },
    }


def make_tracker(
    text: str,
    intent: str,
    confidence: float = 0.95,
    ranking: List[Dict[str, Any]] | None = None,
    slots: Dict[str, Any] | None = None,
    events: List[Dict[str, Any]] | None = None,
    sender_id: str = "test-conversation",
) -> Tracker:
    latest = user_event(text, intent, confidence, ranking)
    return Tracker(
        sender_id=sender_id,
        slots=slots or {},
        latest_message=latest["parse_data"],
        events=[*(events or []), latest],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def sent(dispatcher: Any) -> List[Any]:
    """(response name, variables) for each message the action sent."""
    out = []
    for m in dispatcher.messages:
        extra = {
            k: v
            for k, v in m.items()
            if k
            not in (
                "text",
                "buttons",
                "elements",
                "custom",
                "template",
                "response",
                "image",
                "attachment",
            )
            and v is not None
        }
        out.append((m.get("response"), extra))
    return out


def msg(response: str, **kwargs: Any) -> Dict[str, Any]:
    """A dispatcher message as CollectingDispatcher records it."""
    return {
        "text": None,
        "buttons": [],
        "elements": [],
        "custom": {},
        "template": response,
        "response": response,
        "image": None,
        "attachment": None,
        **kwargs,
    }
