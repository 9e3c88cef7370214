"""/bekraeft/{token}: the page the link in the first booking mail to an address opens.

``GET`` only shows a button (mail scanners that open every link confirm nothing);
``POST`` (the button) confirms the address and queues the mail with the meeting's
details and calendar file (``bot.features.booking.confirm_address``).
"""

from __future__ import annotations

import html
import logging
import re
from datetime import datetime
from typing import Any, Dict, Union

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.features import booking as bk
from bot.features.contact import Contact
from bot.infra.db import session_scope
from bot.infra.recipients import token_works
from bot.web import get_contact, get_texts, get_web_settings
from bot.web.stores import Stores, get_clock, get_stores
from bot.web.texts import WebTexts

log = logging.getLogger(__name__)

router = APIRouter(tags=["bekraeft"])

TOKEN_RX = re.compile(r"[A-Za-z0-9_-]{16,100}")
BOOKING_FILE = "booking.yml"


def page(title: str, *paragraphs: str, form: str = "", status: int = 200) -> HTMLResponse:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return HTMLResponse(
        "<!doctype html><html lang='da'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} – Borgerrådgivningen, Aalborg Kommune</title>"
        "<link rel='stylesheet' href='../static/chat.css'></head>"
        "<body class='bc-page'><header class='bc-page-header'><div class='bc-page-inner'>"
        "<p class='bc-org'>Aalborg Kommune · Borgerrådgivningen</p>"
        f"<h1>{html.escape(title)}</h1></div></header>"
        f"<main class='bc-page-inner bc-confirm'>{body}{form}</main></body></html>",
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _confirm(stores: Stores, settings: Settings, token: str, now: datetime) -> bk.Confirmed:
    office = bk.cached_texts(settings.content_dir / BOOKING_FILE)
    with session_scope(stores.app) as session:
        return bk.confirm_address(
            session, token, now=now, texts=office,
            policy=bk.BookingPolicy.from_settings(settings), tz=settings.timezone,
            mail_domain=bk.mail_domain_of(settings.mail_from),
        )  # fmt: skip


def _works(stores: Stores, token: str, now: datetime) -> bool:
    with stores.app() as session:
        return token_works(session, token, now)


HTML: Dict[str, Any] = {"content": {"text/html": {}}}
PAGES: Dict[Union[int, str], Dict[str, Any]] = {
    200: {**HTML, "description": "The page (Danish)"},
    404: {**HTML, "description": "Unknown or expired link"},
    503: {**HTML, "description": "The database is not reachable"},
}


# One route for both methods, so the answer to other methods names both in ``Allow``.
@router.api_route(
    "/bekraeft/{token}", methods=["GET", "POST"], response_class=HTMLResponse, responses=PAGES
)
async def bekraeft(
    token: str,
    request: Request,
    settings: Settings = Depends(get_web_settings),
    texts: WebTexts = Depends(get_texts),
    contact: Contact = Depends(get_contact),
    stores: Stores = Depends(get_stores),
    clock: Clock = Depends(get_clock),
) -> HTMLResponse:
    """GET: the page with the button; POST (the button): confirm."""
    phone = contact.hovedtelefon
    invalid = page(texts.bekraeft_titel, texts.bekraeft_ugyldig.format(telefon=phone), status=404)
    if not TOKEN_RX.fullmatch(token):
        return invalid
    try:
        if request.method == "GET":
            works = await run_in_threadpool(_works, stores, token, clock.now())
        else:
            done = await run_in_threadpool(_confirm, stores, settings, token, clock.now())
    except (SQLAlchemyError, bk.BookingError) as exc:
        log.error("confirm: the link could not be used (%s)", type(exc).__name__)
        return page(texts.bekraeft_titel, texts.fejl_database.format(telefon=phone), status=503)
    if request.method == "GET":
        if not works:
            return invalid
        # No action: the form posts to this same address.
        label = html.escape(texts.bekraeft_knap)
        form = f"<form method='post'><button type='submit' class='bc-send'>{label}</button></form>"
        return page(texts.bekraeft_titel, texts.bekraeft_tekst, texts.bekraeft_ikke_mig, form=form)
    if not done.ok:
        return invalid
    if done.bookings == 0:
        return page(texts.bekraeft_titel, texts.bekraeft_ok_intet_moede.format(telefon=phone))
    return page(texts.bekraeft_titel, texts.bekraeft_ok)
