"""The REST channel: 200 with every reply, or 503 with none and no text in the log."""

from __future__ import annotations

import asyncio
import logging

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot.rasa.endpoints import REST_CHANNEL
from bot.rasa.rest import UNAVAILABLE, BorgerRestInput, handle


def message(text: str = "Mit CPR er hemmeligt, og min søn er syg") -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), "conv-1")


def test_the_channel_keeps_rasas_url_and_is_the_one_in_the_credentials() -> None:
    assert BorgerRestInput.name() == "rest"
    assert BorgerRestInput().url_prefix() == "rest"  # /webhooks/rest/webhook
    assert f"{BorgerRestInput.__module__}.{BorgerRestInput.__name__}" == REST_CHANNEL


def test_a_handled_message_returns_every_reply() -> None:
    async def on_new_message(m: UserMessage) -> None:
        await m.output_channel.send_text_message(m.sender_id, "Hej")
        await m.output_channel.send_text_message(m.sender_id, "Hvad kan jeg hjælpe med?")

    status, body = asyncio.run(handle(message(), on_new_message))
    assert status == 200
    assert [r["text"] for r in body] == ["Hej", "Hvad kan jeg hjælpe med?"]


def test_a_failed_message_returns_503_and_no_partial_reply(caplog) -> None:
    async def on_new_message(m: UserMessage) -> None:
        await m.output_channel.send_text_message(m.sender_id, "Hej")  # sent, then it fails
        raise RuntimeError(f"could not save tracker for text {m.text!r}")

    with caplog.at_level(logging.ERROR):
        status, body = asyncio.run(handle(message(), on_new_message))
    assert (status, body) == (503, UNAVAILABLE)
    assert "RuntimeError" in caplog.text
    assert "søn" not in caplog.text and "hemmeligt" not in caplog.text


def test_a_cancelled_message_returns_503() -> None:
    async def on_new_message(m: UserMessage) -> None:
        raise asyncio.CancelledError

    assert asyncio.run(handle(message(), on_new_message)) == (503, UNAVAILABLE)
