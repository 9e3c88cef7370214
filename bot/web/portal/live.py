"""Live reply on the case page (rådgivere): take the chat over, write to the citizen,
give it back to the assistant. Each change is a POST with the CSRF token answered with a
redirect to the case's live panel; ``GET .../live`` is what the panel's script polls
(JSON: the new messages and whether the citizen is on the page)."""

from __future__ import annotations

from typing import Any, Dict

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from bot.features.live import service as live
from bot.features.staff.sessions import SessionUser
from bot.features.staff.tables import RAADGIVER
from bot.web.portal.case_page import changed, live_texts, live_view, office_open
from bot.web.portal.deps import (
    CSRF,
    DB,
    USER,
    Portal,
    PortalRoute,
    get_portal,
    require,
)
from bot.web.portal.views import STATIC_DIR

router = APIRouter(route_class=PortalRoute)
cases = APIRouter(
    prefix="/sager", route_class=PortalRoute, dependencies=[Depends(require(RAADGIVER))]
)
@router.get("/portal-live.js")
def script() -> FileResponse:
    return FileResponse(STATIC_DIR / "portal-live.js", media_type="text/javascript")


@cases.get("/{number}/live")
def poll(
    number: str,
    efter: int = 0,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    shown = live_view(session, portal, number, after=max(efter, 0))
    body: Dict[str, Any] = {
        "active": shown.active,
        "present": shown.present,
        "may_start": shown.may_start,
        "why_not": shown.why_not,
        "messages": [
            {"id": m.id, "from": m.sender, "text": m.text, "at": m.at.strftime("%H:%M")}
            for m in shown.lines
        ],
    }
    return JSONResponse(body)


@cases.post("/{number}/live/start", dependencies=[CSRF])
def start(
    request: Request,
    number: str,
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        live.start(
            session, number, actor=user.actor, now=portal.clock.now(),
            office_open=office_open(session, portal), texts=live_texts(portal),
            pause=portal.pause, tz=portal.settings.timezone,
        )  # fmt: skip

    return changed(request, session, portal, user, number, change, "live", "#h-live")


@cases.post("/{number}/live/besked", dependencies=[CSRF])
def write(
    request: Request,
    number: str,
    tekst: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        live.write(session, number, tekst, actor=user.actor, now=portal.clock.now())

    return changed(request, session, portal, user, number, change, "live-besked", "#h-live")


@cases.post("/{number}/live/afslut", dependencies=[CSRF])
def give_back(
    request: Request,
    number: str,
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        live.give_back(
            session, number, actor=user.actor, now=portal.clock.now(),
            texts=live_texts(portal), pause=portal.pause,
        )  # fmt: skip

    return changed(request, session, portal, user, number, change, "live-slut", "#h-live")


router.include_router(cases)
