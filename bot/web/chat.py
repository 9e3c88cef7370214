"""POST /api/chat: forward one citizen message to Rasa and return its replies."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from typing import Any, Dict, List

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from bot.core.settings import Settings
from bot.features.contact import Contact
from bot.infra.rasa_client import RasaClient, RasaUnavailable
from bot.web import get_contact, get_rasa, get_texts, get_web_settings
from bot.web.texts import WebTexts

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["chat"])

SENDER_PATTERN = r"^[A-Za-z0-9_-]{16,64}\Z"  # \Z: "$" would accept a trailing newline

_NEWLINES = re.compile(r"\r\n?")


class ChatRequest(BaseModel):
    sender: str = Field(..., regex=SENDER_PATTERN)
    message: str


class Button(BaseModel):
    title: str
    payload: str


class ChatMessage(BaseModel):
    text: str | None = None
    buttons: List[Button] = Field(default_factory=list)
    image: str | None = None
    custom: Any | None = None


class ChatResponse(BaseModel):
    messages: List[ChatMessage]


def clean_message(text: str) -> str:
    """Normalise newlines and drop control characters except newline and tab."""
    text = _NEWLINES.sub("\n", text)
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")


def danish_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def to_message(raw: Dict[str, Any]) -> ChatMessage | None:
    """One Rasa reply as the page's message; None for replies with nothing to show."""
    text = raw.get("text") if isinstance(raw.get("text"), str) else None
    image = raw.get("image") if isinstance(raw.get("image"), str) else None
    buttons = [
        Button(title=str(b.get("title", "")), payload=str(b.get("payload", "")))
        for b in raw.get("buttons") or []
        if isinstance(b, dict) and b.get("title") and b.get("payload")
    ]
    custom = raw.get("custom")
    if text is None and image is None and not buttons and custom is None:
        return None
    return ChatMessage(text=text, buttons=buttons, image=image, custom=custom)


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"error": code, "message": message})


def too_long(texts: WebTexts, limit: int, telefon: str) -> JSONResponse:
    return error(
        413, "too_long", texts.for_lang.format(graense=danish_number(limit), telefon=telefon)
    )


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={400: {}, 413: {}, 503: {}},
)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: Settings = Depends(get_web_settings),
    rasa: RasaClient = Depends(get_rasa),
    contact: Contact = Depends(get_contact),
    texts: WebTexts = Depends(get_texts),
) -> Any:
    request_id = getattr(request.state, "request_id", "-")
    message = clean_message(body.message)
    started = time.monotonic()
    if not message.strip():
        log.info("chat request_id=%s chars=0 status=400 reason=empty", request_id)
        return error(400, "empty", texts.tom)
    if len(message) > settings.max_message_chars:
        log.info("chat request_id=%s chars=%d status=413", request_id, len(message))
        return too_long(texts, settings.max_message_chars, contact.hovedtelefon)
    try:
        replies = await rasa.send_message(body.sender, message)
    except RasaUnavailable as exc:
        log.warning(
            "chat request_id=%s chars=%d status=503 reason=%s", request_id, len(message), exc
        )
        return error(503, "unavailable", texts.utilgaengelig.format(telefon=contact.hovedtelefon))
    messages = [m for m in (to_message(r) for r in replies) if m is not None]
    if not messages:
        # Rasa answered nothing, e.g. because the action server is down.
        log.warning("chat request_id=%s status=200 replies=0", request_id)
        messages = [ChatMessage(text=texts.intet_svar.format(telefon=contact.hovedtelefon))]
    log.info(
        "chat request_id=%s chars=%d status=200 replies=%d ms=%d",
        request_id,
        len(message),
        len(messages),
        (time.monotonic() - started) * 1000,
    )
    return ChatResponse(messages=messages)
