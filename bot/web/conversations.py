"""The citizen's own conversation: "Slet min samtale" and "Hent samtalen".

Holding the conversation id (random, 122 bits, only in the tab's sessionStorage on the
web app's origin) is the authorisation, as it is for ``POST /api/chat``; the per-client
rate limit of every /api/ request applies (``bot.web.ratelimit.ClientLimit``).

``DELETE /api/conversations/{id}`` (204, also for an id that has nothing stored):
- the conversation's events in Rasa's tracker store (``bot.infra.tracker_store``);
- its fuldmagt requests, and the address, subject and body of their mails (a mail not
  sent yet is not sent);
- the link from its bookings and booking mails to it: a booking the citizen keeps
  stays (with the name and contact the office needs for the meeting), but nothing
  ties it to the conversation any more;
- the training inbox's copies of its messages, its "Hjalp svaret?" feedback and the
  provenance of examples taken from it (``bot.features.training.examples.forget``);
- a case handed over to the staff stays: the citizen consented to it; the page says so.

``GET /api/conversations/{id}/samtale.txt`` and ``.../samtale.pdf``: the conversation as
stored (CPR numbers masked where they entered Rasa).
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Union

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from sqlalchemy import func, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.features.booking.guard import forget_conversation
from bot.features.cases.tables import Case
from bot.features.contact import Contact
from bot.features.fuldmagt.service import delete_for_conversation
from bot.features.live.service import forget_presence
from bot.infra.db import session_scope
from bot.infra.recipients import conversation_key, forget_origin, load_secret
from bot.infra.tracker_store import conversation_lines, delete_conversation
from bot.web import get_contact, get_texts, get_web_settings
from bot.web.api import SENDER_PATTERN, ErrorBody, error
from bot.web.stores import Stores, get_clock, get_stores
from bot.web.texts import WebTexts
from bot.web.transcript import as_pdf, as_text

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/conversations", tags=["conversations"])

ConversationId = Path(..., regex=SENDER_PATTERN, description="The id the page made")
Responses = Dict[Union[int, str], Dict[str, Any]]
FAILED: Responses = {
    429: {"model": ErrorBody}, 400: {"model": ErrorBody}, 503: {"model": ErrorBody}
}


def erase(stores: Stores, settings: Settings, conversation_id: str, now: Any) -> dict:
    """Delete or unlink everything of the conversation; what was done (counts only)."""
    secret = load_secret(settings)
    hashed = conversation_key(secret, conversation_id)
    events = delete_conversation(stores.tracker, conversation_id)
    with session_scope(stores.app) as session:
        tables = set(inspect(session.connection()).get_table_names())
        done = {"events": events, "fuldmagt": 0, "bookings": 0, "mails": 0, "cases": 0}
        if "fuldmagt_request" in tables:
            done["fuldmagt"] = delete_for_conversation(session, conversation_id, now)
        if "booking_link" in tables:
            done["bookings"] = forget_conversation(session, hashed)
        if "mail_sent" in tables:
            done["mails"] = forget_origin(session, hashed)
        if "chat_presence" in tables:
            done["presence"] = forget_presence(session, conversation_id)
        if "case_case" in tables:
            done["cases"] = int(
                session.execute(
                    select(func.count(Case.id)).where(Case.conversation_id == conversation_id)
                ).scalar_one()
            )
    if "training_provenance" in tables:
        done["training"] = _forget_training(stores, settings, hashed)
    return done


def _forget_training(stores: Stores, settings: Settings, hashed: str) -> int:
    """The training inbox's copies of the conversation's messages, its feedback and the
    provenance of examples taken from it (``bot.features.training.examples.forget``:
    an example holding personal data leaves its file too). A failure here is logged;
    what was deleted above stays deleted."""
    from bot.features.training import examples, pii
    from bot.features.training.gitrepo import GitRepo
    from bot.features.training.office_nlu import OfficeNlu
    from bot.features.training.workspace import Workspace

    workspace = Workspace(settings.training_repo_dir, settings.training_config)
    try:
        with session_scope(stores.app) as session:
            return examples.forget(
                session, [hashed], nlu=OfficeNlu(workspace),
                repo=GitRepo(settings.training_repo_dir), names=pii.no_names,
            )  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - the conversation itself is deleted
        log.error("conversations: training data not forgotten (%s)", type(exc).__name__)
        return -1


@router.delete("/{conversation_id}", status_code=204, response_class=Response, responses=FAILED)
async def delete(
    conversation_id: str = ConversationId,
    settings: Settings = Depends(get_web_settings),
    stores: Stores = Depends(get_stores),
    clock: Clock = Depends(get_clock),
    texts: WebTexts = Depends(get_texts),
    contact: Contact = Depends(get_contact),
) -> Response:
    try:
        done = await run_in_threadpool(erase, stores, settings, conversation_id, clock.now())
    except (SQLAlchemyError, OSError, ValueError) as exc:
        log.error("conversations: delete failed (%s)", type(exc).__name__)
        return error(503, "unavailable", texts.fejl_database.format(telefon=contact.hovedtelefon))
    counts = " ".join(f"{k}={v}" for k, v in done.items())
    log.info("conversations: deleted a conversation (%s)", counts)
    return Response(status_code=204)


async def _download(
    conversation_id: str, kind: str, *, stores: Stores, settings: Settings,
    clock: Clock, texts: WebTexts, contact: Contact,
) -> Response:  # fmt: skip
    try:
        lines = await run_in_threadpool(conversation_lines, stores.tracker, conversation_id)
    except SQLAlchemyError as exc:
        log.error("conversations: download failed (%s)", type(exc).__name__)
        return error(503, "unavailable", texts.fejl_database.format(telefon=contact.hovedtelefon))
    now, tz = clock.now(), settings.timezone
    headers = {
        "Content-Disposition": f'attachment; filename="samtale.{kind}"',
        "Cache-Control": "no-store",
    }
    if kind == "pdf":
        data = await run_in_threadpool(as_pdf, lines, texts, now=now, tz=tz)
        return Response(data, media_type="application/pdf", headers=headers)
    body = as_text(lines, texts, now=now, tz=tz)
    return Response(body, media_type="text/plain; charset=utf-8", headers=headers)


TEXT: Responses = {200: {"content": {"text/plain": {}}, "description": "The conversation"}}
PDF: Responses = {200: {"content": {"application/pdf": {}}, "description": "The conversation"}}
TEXT.update(FAILED)
PDF.update(FAILED)


@router.get("/{conversation_id}/samtale.txt", response_class=Response, responses=TEXT)
async def download_text(
    conversation_id: str = ConversationId,
    settings: Settings = Depends(get_web_settings),
    stores: Stores = Depends(get_stores),
    clock: Clock = Depends(get_clock),
    texts: WebTexts = Depends(get_texts),
    contact: Contact = Depends(get_contact),
) -> Response:
    return await _download(
        conversation_id, "txt", stores=stores, settings=settings, clock=clock,
        texts=texts, contact=contact,
    )  # fmt: skip


@router.get("/{conversation_id}/samtale.pdf", response_class=Response, responses=PDF)
async def download_pdf(
    conversation_id: str = ConversationId,
    settings: Settings = Depends(get_web_settings),
    stores: Stores = Depends(get_stores),
    clock: Clock = Depends(get_clock),
    texts: WebTexts = Depends(get_texts),
    contact: Contact = Depends(get_contact),
) -> Response:
    return await _download(
        conversation_id, "pdf", stores=stores, settings=settings, clock=clock,
        texts=texts, contact=contact,
    )  # fmt: skip
