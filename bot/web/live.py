"""Live reply on the citizen's side (issue 13).

``GET /api/live/{id}?efter=N``: what the chat page asks every few seconds once the
conversation is a case: ``watch`` (keep asking: the conversation is an open case),
``active`` (a person is writing, not the assistant) and the caseworker's messages and
the notices after message ``N``. Asking marks the citizen as on the page; nothing is
stored for a conversation that is not a case.

``route_message``: ``POST /api/chat`` asks it first. While a caseworker has taken the
conversation over, the citizen's message goes to the caseworker, not to Rasa; a live
chat nobody wrote in for a while ends, and the assistant is resumed before it answers.
A failure here is logged and the message goes to the assistant as usual.
"""

from __future__ import annotations

import logging
from typing import List

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.features.contact import Contact
from bot.features.live import service as live
from bot.features.live.content import LiveTexts, cached_live
from bot.features.live.tables import STAFF
from bot.infra.db import session_scope
from bot.infra.rasa_client import RasaClient, RasaUnavailable
from bot.web import get_contact, get_texts, get_web_settings
from bot.web.api import SENDER_PATTERN, ErrorBody, error
from bot.web.stores import Stores, get_clock, get_stores
from bot.web.texts import WebTexts

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/live", tags=["live"])

ConversationId = Path(..., regex=SENDER_PATTERN, description="The id the page made")


class LiveItem(BaseModel):
    id: int
    # "personale": the caseworker wrote it; "system": a notice (started / ended).
    sender: str
    afsender: str | None  # who to show it as ("Medarbejder i Borgerrådgivningen")
    text: str


class LiveResponse(BaseModel):
    watch: bool
    active: bool
    messages: List[LiveItem]


def live_texts(settings: Settings) -> LiveTexts:
    return cached_live(settings.content_dir / "live.yml")


def _poll(stores: Stores, settings: Settings, conversation_id: str, after: int, clock: Clock
          ) -> LiveResponse:  # fmt: skip
    if not stores.has_table("live_chat"):
        return LiveResponse(watch=False, active=False, messages=[])
    texts = live_texts(settings)
    with session_scope(stores.app) as session:
        found = live.poll(
            session, conversation_id, after=after, now=clock.now(), tz=settings.timezone
        )
    return LiveResponse(
        watch=found.watch,
        active=found.active,
        messages=[
            LiveItem(id=m.id, sender=m.sender, text=m.text,
                     afsender=texts.afsender if m.sender == STAFF else None)  # fmt: skip
            for m in found.lines
        ],
    )


@router.get(
    "/{conversation_id}",
    response_model=LiveResponse,
    responses={400: {"model": ErrorBody}, 429: {"model": ErrorBody}, 503: {"model": ErrorBody}},
)
async def poll(
    conversation_id: str = ConversationId,
    efter: int = Query(0, ge=0, le=2**31 - 1, description="The newest message id the page has"),
    settings: Settings = Depends(get_web_settings),
    stores: Stores = Depends(get_stores),
    clock: Clock = Depends(get_clock),
    texts: WebTexts = Depends(get_texts),
    contact: Contact = Depends(get_contact),
) -> object:
    try:
        return await run_in_threadpool(_poll, stores, settings, conversation_id, efter, clock)
    except SQLAlchemyError as exc:
        log.error("live: poll failed (%s)", type(exc).__name__)
        return error(503, "unavailable", texts.fejl_database.format(telefon=contact.hovedtelefon))


def _route(stores: Stores, settings: Settings, conversation_id: str, text: str, clock: Clock
           ) -> str:  # fmt: skip
    if not stores.has_table("live_chat"):
        return "assistant"
    with session_scope(stores.app) as session:
        return live.citizen_wrote(
            session, conversation_id, text, now=clock.now(), texts=live_texts(settings)
        )


async def route_message(
    stores: Stores, settings: Settings, rasa: RasaClient, conversation_id: str, text: str,
    clock: Clock,
) -> bool:  # fmt: skip
    """True when a caseworker has the conversation and got the message."""
    try:
        where = await run_in_threadpool(_route, stores, settings, conversation_id, text, clock)
    except SQLAlchemyError as exc:
        log.error("live: could not check for a live chat (%s)", type(exc).__name__)
        return False
    if where == "resume":
        try:
            await rasa.pause(conversation_id, False)
        except RasaUnavailable as exc:
            log.error("live: the assistant could not be resumed (%s)", exc)
        log.info("live: a quiet live chat ended; the assistant answers again")
    return where == "person"


def live_answer() -> JSONResponse:
    """``POST /api/chat``'s answer while a person has the chat: nothing from the
    assistant (the caseworker's answer comes through ``GET /api/live``)."""
    return JSONResponse({"messages": [], "watch": True, "live": True})


def _is_case(stores: Stores, conversation_id: str) -> bool:
    if not stores.has_table("live_chat"):
        return False
    with session_scope(stores.app) as session:
        return live.is_open_case(session, conversation_id)


async def is_case(stores: Stores, conversation_id: str) -> bool:
    """Whether the page should ask for a person (the conversation is an open case)."""
    try:
        return await run_in_threadpool(_is_case, stores, conversation_id)
    except SQLAlchemyError as exc:
        log.error("live: could not check for a case (%s)", type(exc).__name__)
        return False
