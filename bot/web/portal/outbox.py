"""The e-mail outbox (rådgivere and administratorer): fuldmagt and booking mails,
queued, sent, failing (``bot.features.staff.mailstatus``; no addresses shown)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.staff import mailstatus
from bot.features.staff.tables import ADMIN, RAADGIVER
from bot.web.portal.deps import DB, Portal, PortalRoute, get_portal, require
from bot.web.portal.views import render

router = APIRouter(
    prefix="/udbakke", route_class=PortalRoute, dependencies=[Depends(require(RAADGIVER, ADMIN))]
)


@router.get("")
def outbox_page(
    request: Request, session: Session = DB, portal: Portal = Depends(get_portal)
) -> Response:
    status = mailstatus.status(session, tz=portal.settings.timezone)
    return render(request, "outbox.html", {"status": status, "states": mailstatus.STATES})
