"""Rasa's socket.io channel, for web clients (such as rasa-webchat) on the kommune's site.

Rasa's own channel answers no browser origin (``cors_allowed_origins=[]`` turns the
origin check off: websockets from any page, polling from none). This one:

- answers exactly the origins in ``BORGER_CORS_ORIGINS`` (``cors_allowed_origins`` in
  the credentials, written by ``bot.rasa.endpoints.render_credentials``); a request
  from any other page is refused; clients that send no origin (not browsers) pass;
- masks CPR numbers in the message and its metadata before Rasa sees them
  (``bot.core.privacy``);
- takes only unguessable conversation ids (16-64 letters, digits, ``-``, ``_``): a
  session request with another id gets a new one, a message with another id is
  dropped, so no one joins a conversation by guessing "1" or "test".

``BORGER_SOCKETIO_ENABLED=false`` leaves the channel out altogether.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

from bot.core.privacy import redact_data, redact_with_count

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"[A-Za-z0-9_-]{16,64}\Z")


def valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.match(value) is not None


def masked_message_data(data: Any, metadata_key: str) -> Dict[str, Any]:
    """A ``user_uttered`` payload with CPR numbers masked in text and metadata."""
    out = dict(data) if isinstance(data, dict) else {}
    text = out.get("message")
    if isinstance(text, str):
        out["message"], count = redact_with_count(text)
        if count:
            logger.info("Masked %d CPR number(s) in a socket.io message.", count)
    if metadata_key in out:
        out[metadata_key] = redact_data(out[metadata_key])[0]
    return out


class BorgerSocketIOInput(SocketIOInput):
    allowed_origins: List[str]

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        credentials = dict(credentials or {})
        origins = credentials.pop("cors_allowed_origins", None) or []
        channel = super().from_credentials(credentials)
        assert isinstance(channel, BorgerSocketIOInput)
        channel.allowed_origins = [str(o).rstrip("/") for o in origins if o and o != "*"]
        return channel

    def origin_allowed(self, origin: str | None, _environ: Any = None) -> bool:
        return bool(origin) and str(origin).rstrip("/") in getattr(self, "allowed_origins", [])

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        assert sio is not None
        sio.eio.cors_allowed_origins = self.origin_allowed
        namespace = self.namespace or "/"
        handlers = sio.handlers[namespace]
        session_request = handlers["session_request"]
        handle_message = handlers[self.user_message_evt]

        async def checked_session_request(sid: str, data: Any) -> None:
            data = dict(data) if isinstance(data, dict) else {}
            if not valid_session_id(data.get("session_id")):
                data["session_id"] = None  # Rasa's handler gives it a new id
            await session_request(sid, data)

        async def checked_message(sid: str, data: Any) -> None:
            data = masked_message_data(data, self.metadata_key or "metadata")
            if self.session_persistence and not valid_session_id(data.get("session_id")):
                logger.warning("socket.io: a message with an invalid session id was dropped")
                return
            await handle_message(sid, data)

        sio.on("session_request", checked_session_request, namespace=namespace)
        sio.on(self.user_message_evt, checked_message, namespace=namespace)
        return blueprint
