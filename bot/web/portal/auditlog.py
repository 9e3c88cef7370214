"""The audit log (administratorer): the newest entries, filtered by user, action, case."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.features.staff.tables import ADMIN
from bot.web.portal.deps import DB, Portal, PortalRoute, get_portal, require
from bot.web.portal.views import render

router = APIRouter(prefix="/log", route_class=PortalRoute, dependencies=[Depends(require(ADMIN))])

SHOWN = 500


@router.get("")
def audit_page(
    request: Request,
    bruger: str = "",
    handling: str = "",
    sag: str = "",
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    lines = audit.entries(
        session,
        tz=portal.settings.timezone,
        limit=SHOWN,
        user=bruger.strip()[:100] or None,
        action=handling if handling in audit.ACTIONS else None,
        case=sag.strip()[:20] or None,
        newest_first=True,
    )
    context = {
        "lines": lines,
        "actions": audit.ACTIONS,
        "flt": {"bruger": bruger, "handling": handling, "sag": sag},
        "shown": SHOWN,
    }
    return render(request, "audit.html", context)
