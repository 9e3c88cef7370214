"""The socket.io channel: exact origins, masked messages, unguessable session ids."""

from __future__ import annotations

import asyncio
from typing import Any, List

from bot.rasa.socket_channel import BorgerSocketIOInput, masked_message_data, valid_session_id

SESSION = "0123456789abcdef0123456789abcdef"


def channel(origins: list | None = None) -> BorgerSocketIOInput:
    credentials: dict = {"session_persistence": True}
    if origins is not None:
        credentials["cors_allowed_origins"] = origins
    made = BorgerSocketIOInput.from_credentials(credentials)
    assert isinstance(made, BorgerSocketIOInput)
    return made


def test_exactly_the_configured_origins_are_answered() -> None:
    ch = channel(["https://www.aalborg.dk/", "*"])
    assert ch.origin_allowed("https://www.aalborg.dk")
    assert not ch.origin_allowed("https://evil.example")
    assert not ch.origin_allowed("https://www.aalborg.dk.evil.example")
    assert not ch.origin_allowed(None)
    assert not channel().origin_allowed("https://www.aalborg.dk")


def test_the_engineio_server_checks_origins_with_the_channel() -> None:
    ch = channel(["https://www.aalborg.dk"])

    async def on_new_message(_: Any) -> None:
        return None

    ch.blueprint(on_new_message)
    assert ch.sio is not None
    allowed = ch.sio.eio._cors_allowed_origins({"HTTP_ORIGIN": "https://www.aalborg.dk"})
    refused = ch.sio.eio._cors_allowed_origins({"HTTP_ORIGIN": "https://evil.example"})
    assert allowed == ["https://www.aalborg.dk"] and refused == []


def test_messages_reach_rasa_masked_and_only_with_a_valid_session_id() -> None:
    ch = channel(["https://www.aalborg.dk"])
    received: List[Any] = []

    async def on_new_message(message: Any) -> None:
        received.append(message)

    ch.blueprint(on_new_message)
    assert ch.sio is not None
    handler = ch.sio.handlers["/"]["user_uttered"]
    data = {
        "message": "mit cpr er ０１０１９０-１２３４",
        "session_id": SESSION,
        "metadata": {"note": "010190 1234"},
    }
    asyncio.run(handler("sid1", data))
    asyncio.run(handler("sid2", {"message": "hej", "session_id": "1"}))
    assert [m.text for m in received] == ["mit cpr er [CPR]"]
    assert received[0].metadata == {"note": "[CPR]"}
    assert received[0].sender_id == SESSION


def test_session_ids_and_payloads() -> None:
    assert valid_session_id(SESSION) and valid_session_id("a-b_c" * 4)
    for bad in ("1", "test", "x" * 65, "abc def ghi jkl mno", None, 5, SESSION + "\n"):
        assert not valid_session_id(bad), bad
    assert masked_message_data("not a dict", "metadata") == {}
    assert masked_message_data({"metadata": "0101901234"}, "metadata") == {"metadata": "[CPR]"}
