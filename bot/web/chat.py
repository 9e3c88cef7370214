"""POST /api/chat: forward one citizen message to Rasa and return its replies.

Limited per client address and per conversation (``bot.web.ratelimit``): over the limit
the answer is 429 in Danish with the phone number, before Rasa is asked.
"""

from __future__ import annotations

import logging
import re
import time
import unicodedata
import warnings
from typing import Any, Callable, Dict, List

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, StrictStr

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.features.contact import Contact
from bot.infra.rasa_client import RasaClient, RasaUnavailable
from bot.web import get_contact, get_rasa, get_texts, get_web_settings
from bot.web.api import SENDER_PATTERN, ErrorBody, error
from bot.web.live import is_case, live_answer, route_message
from bot.web.ratelimit import ChatLimiter
from bot.web.stores import Stores, get_clock, get_stores
from bot.web.texts import WebTexts

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api", tags=["chat"])


_NEWLINES = re.compile(r"\r\n?")


# What the API answers 200 to, as the schema documents it: something besides spaces and
# control characters (else 400 "tom"); the length limit is the setting (``document_limits``).
MESSAGE_PATTERN = r"[^\s\x00-\x1f\x7f-\x9f]"


class ChatRequest(BaseModel):
    # Strict: a number or true is refused, not turned into "True" (found by schemathesis).
    sender: StrictStr = Field(..., regex=SENDER_PATTERN)
    message: StrictStr = Field(..., description="The citizen's message")


def documented(openapi: Callable[[], Dict[str, Any]], max_chars: int) -> Dict[str, Any]:
    """The OpenAPI schema as the app answers: what ``chat`` checks itself (in Danish)
    written in, every invalid request as 400 ``ErrorBody`` (``create_app``'s handler),
    not FastAPI's 422, and one operation id per method of a route with two."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Duplicate Operation ID")
        schema = openapi()
    seen: set[str] = set()
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if operation.get("operationId") in seen:
                operation["operationId"] = f"{operation['operationId']}_{method}"
            seen.add(operation.get("operationId", ""))
    return document_limits(schema, max_chars)


def document_limits(schema: Dict[str, Any], max_chars: int) -> Dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    message = components["ChatRequest"]["properties"]["message"]
    message.update({"minLength": 1, "maxLength": max_chars, "pattern": MESSAGE_PATTERN})
    components.setdefault("ErrorBody", ErrorBody.schema())
    error_body = {
        "description": "Invalid request (Danish message)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
    }
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.get("responses", {})
            if responses.pop("422", None) is not None:
                responses.setdefault("400", error_body)
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    _allow_null(components)
    return schema


def _models(base: type = BaseModel) -> Dict[str, type]:
    found: Dict[str, type] = {}
    cls: type
    for cls in base.__subclasses__():
        found.setdefault(cls.__name__, cls)
        for name, sub in _models(cls).items():
            found.setdefault(name, sub)
    return found


def _allow_null(components: Dict[str, Any]) -> None:
    """pydantic 1 leaves ``null`` out of an optional field's type (``str | None``), which
    OpenAPI 3.1 needs: the answers hold ``"image": null``, requests may send it."""
    models = _models()
    for name, component in components.items():
        model = models.get(name)
        fields = getattr(model, "__fields__", {})
        for field_name, prop in component.get("properties", {}).items():
            field = fields.get(field_name)
            if field is not None and field.allow_none and "anyOf" not in prop:
                title = prop.pop("title", None)
                component["properties"][field_name] = {"anyOf": [prop, {"type": "null"}]}
                if title:
                    component["properties"][field_name]["title"] = title


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
    # The conversation is an open case: the page asks ``GET /api/live`` for a person.
    watch: bool = False


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


def get_limiter_of(app: Any) -> ChatLimiter:
    """The app's one limiter (made from its settings on first use)."""
    limiter: ChatLimiter | None = getattr(app.state, "chat_limiter", None)
    if limiter is None:
        settings: Settings = app.state.settings
        limiter = ChatLimiter(
            settings.chat_per_client_per_minute, settings.chat_per_conversation_per_minute
        )
        app.state.chat_limiter = limiter
    return limiter


async def get_limiter(request: Request) -> ChatLimiter:
    return get_limiter_of(request.app)


def too_many(texts: WebTexts, telefon: str, retry_after: int) -> JSONResponse:
    response = error(429, "too_many", texts.for_mange.format(telefon=telefon))
    response.headers["Retry-After"] = str(retry_after)
    return response


def too_long(texts: WebTexts, limit: int, telefon: str) -> JSONResponse:
    return error(
        413, "too_long", texts.for_lang.format(graense=danish_number(limit), telefon=telefon)
    )


@router.post(
    "/chat",
    response_model=ChatResponse,
    responses={400: {"model": ErrorBody}, 413: {"model": ErrorBody}, 429: {"model": ErrorBody},
               503: {"model": ErrorBody}},
)
async def chat(
    body: ChatRequest,
    request: Request,
    settings: Settings = Depends(get_web_settings),
    rasa: RasaClient = Depends(get_rasa),
    contact: Contact = Depends(get_contact),
    texts: WebTexts = Depends(get_texts),
    limiter: ChatLimiter = Depends(get_limiter),
    stores: Stores = Depends(get_stores),
    clock: Clock = Depends(get_clock),
) -> Any:
    request_id = getattr(request.state, "request_id", "-")
    # The client's limit was checked before the body was read (ratelimit.ClientLimit).
    allowed, retry_after, which = limiter.check_conversation(body.sender)
    if not allowed:
        if which:  # the first refusal of a run: a flood makes one line, not thousands
            log.warning("chat request_id=%s status=429 limit=%s", request_id, which)
        return too_many(texts, contact.hovedtelefon, retry_after)
    message = clean_message(body.message)
    started = time.monotonic()
    if not message.strip():
        log.info("chat request_id=%s chars=0 status=400 reason=empty", request_id)
        return error(400, "empty", texts.tom)
    if len(message) > settings.max_message_chars:
        log.info("chat request_id=%s chars=%d status=413", request_id, len(message))
        return too_long(texts, settings.max_message_chars, contact.hovedtelefon)
    if await route_message(stores, settings, rasa, body.sender, message, clock):
        log.info("chat request_id=%s chars=%d status=200 to=person", request_id, len(message))
        return live_answer()
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
    watch = await is_case(stores, body.sender)
    return ChatResponse(messages=messages, watch=watch)
