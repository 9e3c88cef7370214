"""The REST channel (``/webhooks/rest/webhook``) with honest failures.

Rasa's own REST channel catches every error while a message is handled, logs the
message text with it, and answers 200 with whatever replies were collected until then:
a message whose tracker could not be saved looks answered. This channel answers 503
(``{"error": "unavailable"}``) instead, logs only the kind of error, and sends no
partial replies; the web app then shows the Danish "try again / call us" text
(``content/web.yml``: ``utilgaengelig``). Same URL, same request and reply format
(``credentials.yml`` names this class instead of ``rest``).
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from typing import Any, Awaitable, Callable, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

UNAVAILABLE = {"error": "unavailable"}


class BorgerRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            message = UserMessage(
                self._extract_message(request),
                CollectingOutputChannel(),
                await self._extract_sender(request),
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
            )
            status, body = await handle(message, on_new_message)
            return response.json(body, status=status)

        return webhook


async def handle(
    message: UserMessage, on_new_message: Callable[[UserMessage], Awaitable[Any]]
) -> Tuple[int, Any]:
    """(status, body) for one message: 200 and every reply, or 503 and no reply."""
    collector = message.output_channel
    try:
        await on_new_message(message)
    except CancelledError:
        logger.error("rest: handling a message was cancelled (timeout)")
        return 503, UNAVAILABLE
    except Exception as exc:  # no message text in the log
        logger.error("rest: a message could not be handled: %s", _describe(exc))
        return 503, UNAVAILABLE
    return 200, getattr(collector, "messages", [])


def _describe(exc: BaseException) -> str:
    """The error's kind and its causes' kinds, never their text (it may quote input)."""
    kinds: list[str] = []
    current: BaseException | None = exc
    while current is not None and len(kinds) < 4:
        kinds.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " <- ".join(kinds)
