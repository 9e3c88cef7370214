"""The running stack over real HTTP: health, chat, privacy at the edge, API token."""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid

import httpx
import pytest

from bot.core.privacy import contains_cpr
from tests.integration.conftest import Stack

pytestmark = pytest.mark.stack

SENT_CPRS = ("010190", "0101901234", "0202021234", "3112999999", "1212121212")


def new_sender() -> str:
    return uuid.uuid4().hex


def chat(stack: Stack, sender: str, message: str) -> list[dict]:
    resp = httpx.post(
        f"{stack.web}/api/chat", json={"sender": sender, "message": message}, timeout=60
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["messages"]


def stored_events(stack: Stack, sender: str) -> list[dict]:
    db = stack.settings.var_dir / "rasa.db"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def all_stored_text(stack: Stack) -> str:
    db = stack.settings.var_dir / "rasa.db"
    with sqlite3.connect(db) as conn:
        return "\n".join(r[0] for r in conn.execute("SELECT data FROM events").fetchall())


def test_health_reports_rasa_actions_and_model(stack: Stack) -> None:
    resp = httpx.get(f"{stack.web}/health", timeout=10)
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["rasa"]["up"] and body["actions"]["up"]
    assert body["rasa"] == {"up": True, "model_loaded": True}
    assert ".tar.gz" not in resp.text  # the model's file name is no one else's business


def test_greeting_in_danish_with_quick_replies(stack: Stack) -> None:
    messages = chat(stack, new_sender(), "Hej")
    assert "Borgerrådgivningen" in messages[0]["text"]
    assert "ikke et menneske" in messages[0]["text"]
    assert any(b["payload"] == "/request_human" for b in messages[0]["buttons"])


def test_contact_details_come_from_the_data_file(stack: Stack) -> None:
    messages = chat(stack, new_sender(), "/ask_contact")
    text = "\n".join(m.get("text", "") for m in messages)
    assert "99 31 16 18" in text and "Boulevarden 13" in text
    assert "{" not in text  # every template variable was filled


def test_robot_question_is_answered_truthfully(stack: Stack) -> None:
    messages = chat(stack, new_sender(), "er du en robot?")
    assert "robot" in messages[0]["text"].lower()


def test_redirect_with_statute_reference(stack: Stack) -> None:
    messages = chat(stack, new_sender(), "/familieret")
    assert "Familieretshuset" in messages[0]["text"]
    # Not an Aalborg Kommune matter: the vedtægt's § 7, stk. 1 (the seed).
    assert "§ 7, stk. 1" in messages[0]["text"]


def test_cpr_number_is_masked_before_storage_and_the_citizen_is_warned_once(stack: Stack) -> None:
    sender = new_sender()
    first = chat(stack, sender, "Hej, mit cpr er 010190-1234 og jeg har et spørgsmål")
    assert "CPR-nummer" in first[0]["text"]
    second = chat(stack, sender, "og min søns er 0202021234")
    assert not any("CPR-nummer her" in (m.get("text") or "") for m in second)

    events = stored_events(stack, sender)
    user_texts = [e["text"] for e in events if e["event"] == "user"]
    assert user_texts == [
        "Hej, mit cpr er [CPR] og jeg har et spørgsmål",
        "og min søns er [CPR]",
    ]
    warnings = [
        e
        for e in events
        if e["event"] == "bot"
        and (e.get("metadata") or {}).get("utter_action") == "utter_cpr_warning"
    ]
    assert len(warnings) == 1


def test_rest_channel_is_covered_too(stack: Stack) -> None:
    sender = new_sender()
    resp = httpx.post(
        f"{stack.rasa}/webhooks/rest/webhook",
        json={"sender": sender, "message": "cpr 311299 9999 tak"},
        timeout=60,
    )
    assert resp.status_code == 200
    assert "CPR-nummer" in resp.json()[0]["text"]
    user = [e for e in stored_events(stack, sender) if e["event"] == "user"]
    assert [e["text"] for e in user] == ["cpr [CPR] tak"]
    assert "3112999999" not in json.dumps(user[0]["parse_data"])


def test_no_cpr_number_anywhere_in_the_tracker_store_or_logs(stack: Stack) -> None:
    sender = new_sender()
    chat(stack, sender, "Mit CPR-nummer er 121212-1212, kan I hjælpe?")
    stored = all_stored_text(stack)
    logs = stack.logs()
    for text in (stored, logs):
        digits = re.sub(r"[^0-9]", "", text)
        assert not contains_cpr(text)
        assert not any(cpr in digits for cpr in SENT_CPRS if len(cpr) == 10)
    assert "121212-1212" not in logs


def test_logs_contain_no_message_text_at_info(stack: Stack) -> None:
    marker = f"hemmeligt-{uuid.uuid4().hex[:8]}"
    chat(stack, new_sender(), f"jeg hedder {marker} og har ondt i ryggen")
    assert marker not in stack.logs()


def test_rasa_http_api_needs_the_token(stack: Stack) -> None:
    sender = new_sender()
    chat(stack, sender, "hej")
    url = f"{stack.rasa}/conversations/{sender}/tracker"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": "forkert"}, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": stack.token}, timeout=10).status_code == 200


def test_the_web_app_does_not_expose_rasa_endpoints(stack: Stack) -> None:
    for path in ("/conversations/x/tracker", "/webhooks/rest/webhook", "/status", "/model/parse"):
        assert httpx.get(f"{stack.web}{path}", timeout=10).status_code == 404


def test_bad_input_gets_danish_messages_and_the_server_survives(stack: Stack) -> None:
    sender = new_sender()
    empty = httpx.post(f"{stack.web}/api/chat", json={"sender": sender, "message": "   "})
    assert empty.status_code == 400 and empty.json()["message"]
    huge = httpx.post(f"{stack.web}/api/chat", json={"sender": sender, "message": "a" * 50_000})
    assert huge.status_code == 413 and "tegn" in huge.json()["message"]
    weird = chat(stack, sender, "<script>alert(1)</script> 😀 \x00\x07")
    assert weird  # the bot answered something
    assert httpx.get(f"{stack.web}/health", timeout=10).status_code == 200


def test_socketio_channel_is_covered_too(stack: Stack) -> None:
    import threading

    import socketio

    sender = new_sender()
    replies: list[dict] = []
    got = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("bot_uttered")
    def _on_bot(data: dict) -> None:
        replies.append(data)
        got.set()

    client.connect(stack.rasa, transports=["polling"], socketio_path="socket.io", wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": sender})
        time.sleep(1)
        client.emit("user_uttered", {"message": "hej mit cpr er 050505-5555", "session_id": sender})
        assert got.wait(60), "no reply over socket.io"
        time.sleep(2)
    finally:
        client.disconnect()
    assert any("CPR-nummer" in (r.get("text") or "") for r in replies)
    user = [e["text"] for e in stored_events(stack, sender) if e["event"] == "user"]
    assert user == ["hej mit cpr er [CPR]"]
