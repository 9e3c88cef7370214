""""Hent samtalen" and "Slet min samtale" against the running stack: the real Rasa writes
the tracker store, the web app reads and deletes it, and Rasa then knows nothing of the
conversation."""

from __future__ import annotations

import uuid

import httpx
import pytest

from tests.integration.conftest import Stack

pytestmark = pytest.mark.stack


def user_texts(stack: Stack, sender: str) -> list:
    tracker = httpx.get(
        f"{stack.rasa}/conversations/{sender}/tracker",
        params={"token": stack.token},
        timeout=30,
    )
    assert tracker.status_code == 200, tracker.text
    return [e.get("text") for e in tracker.json()["events"] if e.get("event") == "user"]


def test_download_then_delete_a_real_conversation(stack: Stack) -> None:
    sender, other = uuid.uuid4().hex, uuid.uuid4().hex
    for who in (sender, other):
        reply = httpx.post(
            f"{stack.web}/api/chat",
            json={"sender": who, "message": "Mit CPR-nummer er 010190-1234, kan I hjælpe?"},
            timeout=60,
        )
        assert reply.status_code == 200, reply.text

    text = httpx.get(f"{stack.web}/api/conversations/{sender}/samtale.txt", timeout=30)
    assert text.status_code == 200
    assert "Du: Mit CPR-nummer er [CPR], kan I hjælpe?" in text.text
    assert "010190" not in text.text and "Assistenten:" in text.text

    assert httpx.delete(f"{stack.web}/api/conversations/{sender}", timeout=30).status_code == 204
    assert user_texts(stack, sender) == []
    assert user_texts(stack, other) != []  # only that conversation
    after = httpx.get(f"{stack.web}/api/conversations/{sender}/samtale.txt", timeout=30)
    assert "Der er ingen beskeder" in after.text
