"""Rasa's structlog setup without citizens' text and without traceback locals."""

from __future__ import annotations

import json

import structlog
from structlog.processors import ExceptionRenderer, JSONRenderer

from bot.rasa.logs import LEFT_OUT, leave_out_text, without_locals


def test_text_fields_are_left_out() -> None:
    event = {
        "event": "rest.message.received.failure",
        "text": "Mit CPR er 010190-4321",
        "user_text": "/greet{hemmeligt}",
        "len_extraction_events": 3,
        "sender_id": "abc",
    }
    out = leave_out_text(None, "error", dict(event))
    assert out["text"] == LEFT_OUT and out["user_text"] == LEFT_OUT
    assert out["len_extraction_events"] == 3 and out["sender_id"] == "abc"


def test_tracebacks_are_rendered_without_locals() -> None:
    processors = without_locals([structlog.processors.dict_tracebacks, JSONRenderer()])
    assert processors[0] is leave_out_text
    renderer = processors[1]
    assert isinstance(renderer, ExceptionRenderer)

    def fail(text: str) -> None:
        raise RuntimeError("database is locked")

    try:
        fail("Mit CPR er 010190-4321")
    except RuntimeError as exc:
        event = {"event": "x", "exc_info": exc, "text": "Mit CPR er 010190-4321"}
        for processor in processors:
            event = processor(None, "error", event)
    rendered = json.dumps(event) if not isinstance(event, str) else event
    assert "4321" not in rendered
    assert "database is locked" in rendered
