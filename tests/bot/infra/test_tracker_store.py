"""Reading and deleting a conversation in Rasa's SQL tracker store
(bot/infra/tracker_store.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.infra.tracker_store import conversation_lines, delete_conversation
from tests.web.test_conversations import EVENTS, add_events, events_meta


def test_no_events_table_means_nothing_stored(engine) -> None:  # type: ignore[no-untyped-def]
    assert conversation_lines(engine, "x" * 20) == []
    assert delete_conversation(engine, "x" * 20) == 0


def test_lines_and_delete(engine) -> None:  # type: ignore[no-untyped-def]
    events_meta.create_all(engine)
    add_events(
        engine, "samtale-a",
        ("user", {"text": "hej"}),
        ("action", {"name": "action_listen"}),
        ("bot", {"text": None, "data": {"buttons": [{"title": "Ja", "payload": "/affirm"}]}}),
        ("bot", {"text": "Hvad kan jeg hjælpe med?"}),
        ("user", {"text": "   "}),
        ("slot", {"name": "x", "value": 1}),
    )  # fmt: skip
    add_events(engine, "samtale-b", ("user", {"text": "andet"}))
    lines = conversation_lines(engine, "samtale-a")
    assert [(line.speaker, line.text, line.buttons) for line in lines] == [
        ("user", "hej", []),
        ("bot", "", ["Ja"]),
        ("bot", "Hvad kan jeg hjælpe med?", []),
    ]
    assert lines[0].at < lines[2].at
    assert delete_conversation(engine, "samtale-a") == 6
    assert conversation_lines(engine, "samtale-a") == []
    with engine.connect() as conn:
        assert conn.execute(EVENTS.select()).all()[0].sender_id == "samtale-b"
