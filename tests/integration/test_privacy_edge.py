"""Issue 12 against the running stack: masking where requests enter Rasa, failures
that leave no CPR number in the logs, and no way past the web app."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import stat
import threading
import time
import uuid
from pathlib import Path

import httpx
import pytest

from bot.core.logfilter import LEFT_OUT
from bot.rasa.endpoints import ACTION_TOKEN_HEADER
from tests.integration.conftest import Stack

pytestmark = pytest.mark.stack

ALLOWED_ORIGIN = "https://www.aalborg.dk"  # BORGER_CORS_ORIGINS of the stack


def new_sender() -> str:
    return uuid.uuid4().hex


def stored_events(stack: Stack, sender: str) -> list[dict]:
    with sqlite3.connect(stack.settings.var_dir / "rasa.db") as conn:
        rows = conn.execute("SELECT data FROM events WHERE sender_id = ?", (sender,)).fetchall()
    return [json.loads(r[0]) for r in rows]


def new_log_text(stack: Stack, since: int, marker: str = "", timeout: float = 30) -> str:
    """The log written after offset ``since`` (waiting up to ``timeout`` for ``marker``)."""
    deadline = time.monotonic() + timeout
    while True:
        text = stack.logs()[since:]
        if marker in text or time.monotonic() > deadline:
            return text
        time.sleep(0.5)


def test_a_cancelled_message_leaves_no_cpr_number_in_the_logs(stack: Stack) -> None:
    """A handling failure (the client goes away while Rasa works: Sanic cancels the
    handler) made Rasa's REST channel log the raw text at ERROR. The client leaves
    sooner and the text grows until Rasa is caught working (a fast parse may finish
    before a slow client leaves)."""
    port = stack.settings.rasa_port
    logs, markers, first = "", [], len(stack.logs())
    for repeat, wait in ((700, 0.3), (2000, 0.05), (5000, 0.01)):
        since = len(stack.logs())
        marker = uuid.uuid4().hex[:10]
        markers.append(marker)
        text = f"Mit CPR er 010190-4321, {marker} " + "min klage over kommunen " * repeat
        body = json.dumps({"sender": new_sender(), "message": text}).encode()
        request = (
            f"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(request)
            time.sleep(wait)  # Rasa is parsing the long text
        logs = new_log_text(stack, since, "cancel", timeout=20)
        # The failure did happen (Rasa's own REST channel logs "rest.message.received.timeout").
        if "cancel" in logs.lower() or "received.timeout" in logs:
            break
    assert "cancel" in logs.lower() or "received.timeout" in logs, logs[-2000:]
    everything = stack.logs()[first:]
    assert "4321" not in everything
    assert not any(m in everything for m in markers)  # nor the rest of the text


def test_the_http_api_message_endpoint_is_masked(stack: Stack) -> None:
    sender = new_sender()
    resp = httpx.post(
        f"{stack.rasa}/conversations/{sender}/messages",
        params={"token": stack.token},
        json={"text": "mit cpr er 010190-4321", "sender": "user"},
        timeout=60,
    )
    assert resp.status_code == 200, resp.text
    assert "4321" not in resp.text
    user = [e for e in stored_events(stack, sender) if e["event"] == "user"]
    assert [e["text"] for e in user] == ["mit cpr er [CPR]"]
    assert "4321" not in json.dumps(user)


def test_metadata_and_escaped_intent_payloads_are_masked(stack: Stack) -> None:
    sender = new_sender()
    escaped = "".join(f"\\u{ord(c):04x}" for c in "010190-4321")
    for message, metadata in (
        ("hej", {"kilde": "widget", "note": "cpr ０１０１９０−４３２１"}),
        ('/greet{"meeting_type": "' + escaped + '"}', None),
    ):
        resp = httpx.post(
            f"{stack.rasa}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, "metadata": metadata},
            timeout=60,
        )
        assert resp.status_code == 200, resp.text
    stored = json.dumps(stored_events(stack, sender), ensure_ascii=False)
    assert "４３２１" not in stored and "4321" not in stored
    assert "\\\\u0034" not in stored and "\\u0034" not in stored
    user = [e for e in stored_events(stack, sender) if e["event"] == "user"]
    assert user[0]["metadata"]["note"] == "cpr [CPR]"
    assert user[1]["text"] == '/greet{"meeting_type": "[CPR]"}'
    assert [e["value"] for e in user[1]["parse_data"]["entities"]] == ["[CPR]"]


def test_a_slash_message_rasa_cannot_read_is_not_logged(stack: Stack) -> None:
    since = len(stack.logs())
    marker = f"hemmelig{uuid.uuid4().hex[:8]}"
    resp = httpx.post(
        f"{stack.rasa}/webhooks/rest/webhook",
        json={"sender": new_sender(), "message": f'/greet{{"navn": "{marker}" ukendt'},
        timeout=60,
    )
    assert resp.status_code == 200
    logs = new_log_text(stack, since, LEFT_OUT, timeout=10)
    assert marker not in logs
    assert LEFT_OUT in logs  # Rasa's warning is there, without the message


def test_the_action_server_refuses_a_forged_tracker(stack: Stack) -> None:
    url = f"http://127.0.0.1:{stack.settings.action_port}"
    forged = {
        "next_action": "action_book_meeting",  # books with whatever slots it is given
        "sender_id": new_sender(),
        "tracker": {"sender_id": "x", "slots": {}, "latest_message": {}, "events": []},
        "domain": {},
        "version": "3.6.21",
    }
    assert httpx.post(f"{url}/webhook", json=forged, timeout=10).status_code == 401
    wrong = {ACTION_TOKEN_HEADER: "forkert"}
    assert httpx.post(f"{url}/webhook", json=forged, headers=wrong, timeout=10).status_code == 401
    assert httpx.get(f"{url}/actions", timeout=10).status_code == 401
    assert httpx.get(f"{url}/health", timeout=10).status_code == 200
    # Rasa itself has the secret: a real conversation runs its actions.
    resp = httpx.post(
        f"{stack.web}/api/chat", json={"sender": new_sender(), "message": "/ask_contact"}
    )
    assert "99 31 16 18" in resp.text


def test_the_model_is_not_changed_with_the_rasa_token_alone(stack: Stack) -> None:
    model = next(stack.settings.models_dir.glob("*.tar.gz"))
    for method, path, body in (
        ("PUT", "/model", {"model_file": str(model)}),
        ("DELETE", "/model", None),
        ("POST", "/model/train", {}),
    ):
        resp = httpx.request(
            method, f"{stack.rasa}{path}", params={"token": stack.token}, json=body, timeout=30
        )
        assert resp.status_code == 403, (method, path, resp.text)
    assert httpx.get(f"{stack.web}/health", timeout=10).json()["status"] == "ok"


def test_socketio_answers_exactly_the_allowed_origins(stack: Stack) -> None:
    url = f"{stack.rasa}/socket.io/"
    params = {"EIO": "4", "transport": "polling"}
    allowed = httpx.get(url, params=params, headers={"Origin": ALLOWED_ORIGIN}, timeout=10)
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    evil = httpx.get(url, params=params, headers={"Origin": "https://evil.example"}, timeout=10)
    assert evil.status_code == 400
    assert "access-control-allow-origin" not in evil.headers


def test_socketio_gives_a_new_id_for_a_guessable_one(stack: Stack) -> None:
    import socketio

    confirmed: list[str] = []
    got = threading.Event()
    client = socketio.Client(reconnection=False)

    @client.on("session_confirm")
    def _confirm(session_id: str) -> None:
        confirmed.append(session_id)
        got.set()

    client.connect(stack.rasa, transports=["polling"], socketio_path="socket.io", wait_timeout=20)
    try:
        client.emit("session_request", {"session_id": "1"})
        assert got.wait(20)
        got.clear()
        good = new_sender()
        client.emit("session_request", {"session_id": good})
        assert got.wait(20)
    finally:
        client.disconnect()
    assert confirmed[0] != "1" and len(confirmed[0]) >= 16
    assert confirmed[1] == good


def test_no_secret_on_a_command_line_and_rasa_on_loopback(stack: Stack) -> None:
    for proc in stack.procs:
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        line = b" ".join(cmdline).decode()
        assert stack.token not in line
        assert str(stack.settings.action_token) not in line
        if "bot.rasa.main" in line:
            assert cmdline[cmdline.index(b"--interface") + 1] == b"127.0.0.1"


def test_files_in_var_are_private(stack: Stack) -> None:
    var = stack.settings.var_dir
    for name in ("rasa.db", "credentials.yml"):
        assert stat.S_IMODE((var / name).stat().st_mode) == 0o600, name
    outbox = var / "outbox"
    if outbox.exists():  # made by the worker when the first mail is written
        assert stat.S_IMODE(outbox.stat().st_mode) == 0o700
        for mail in outbox.glob("*.eml"):
            assert stat.S_IMODE(os.stat(mail).st_mode) == 0o600
