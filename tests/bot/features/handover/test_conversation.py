"""The tracker's events as lines, and the masked transcript (conversation.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Dict, List

from bot.features.handover.conversation import (
    ASSISTANT,
    CITIZEN,
    Line,
    citizen_texts,
    lines_from_events,
    transcript,
)

T0 = datetime(2026, 12, 1, 9, 2, tzinfo=timezone.utc).timestamp()  # 10:02 in Copenhagen


def user(text: str, intent: str = "klage_sagsbehandling", t: float = T0) -> Dict[str, Any]:
    return {
        "event": "user",
        "text": text,
        "timestamp": t,
        "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9}},
    }


def bot(text: str, buttons: List[Dict[str, str]] | None = None, t: float = T0) -> Dict[str, Any]:
    return {"event": "bot", "text": text, "timestamp": t, "data": {"buttons": buttons or []}}


def slot(name: str, value: Any) -> Dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


EVENTS = [
    user("gammel samtale", "greet"),
    {"event": "session_started"},
    {"event": "action", "name": "action_listen"},
    user("Min sagsbehandler svarer ikke. Mit cpr er 010190-1234"),
    bot(
        "Har du prøvet at løse det med kommunen først?",
        [{"title": "Ja", "payload": "/affirm"}, {"title": "Nej, ikke endnu", "payload": "/deny"}],
        t=T0 + 5,
    ),
    slot("clarify", "dialogue"),
    user("/deny", "deny", t=T0 + 60),
    slot("clarify", None),
    bot("", []),  # an empty bot event (no text, no buttons) is no message
    user("/request_human", "request_human", t=T0 + 120),
]


def test_only_the_current_session_and_real_messages_count() -> None:
    lines = lines_from_events(EVENTS)
    assert [(line.who, line.text) for line in lines] == [
        (CITIZEN, "Min sagsbehandler svarer ikke. Mit cpr er 010190-1234"),
        (ASSISTANT, "Har du prøvet at løse det med kommunen først?"),
        (CITIZEN, "/deny"),
        (CITIZEN, "/request_human"),
    ]
    assert lines[2].pending == "dialogue" and lines[0].pending is None
    assert lines[2].intent == "deny"
    assert [line.text for line in citizen_texts(lines)] == [lines[0].text]


def test_the_transcript_is_masked_timed_and_shows_the_buttons_pressed() -> None:
    text = transcript(lines_from_events(EVENTS), "Europe/Copenhagen")
    assert text.split("\n\n") == [
        "[2026-12-01 10:02] Borger: Min sagsbehandler svarer ikke. Mit cpr er [CPR]",
        "[2026-12-01 10:02] Assistent: Har du prøvet at løse det med kommunen først?",
        "[2026-12-01 10:03] Borger: [Knap] Nej, ikke endnu",
        "[2026-12-01 10:04] Borger: [Knap]",
    ]
    assert "1234" not in text


def test_a_conversation_without_timestamps_or_a_session_start() -> None:
    lines = [Line(CITIZEN, "hej 0101901234"), Line(ASSISTANT, "Hej")]
    assert transcript(lines, "Europe/Copenhagen") == "Borger: hej [CPR]\n\nAssistent: Hej"
    assert lines_from_events([{"event": "user", "text": "x", "timestamp": "bad"}])[0].at is None
