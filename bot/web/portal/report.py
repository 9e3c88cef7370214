"""The report (rådgivere and administratorer): closed cases per outcome category and
period, for the annual report to the byråd (vedtægtens § 6)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.cases import casework
from bot.features.cases.casework import CaseError
from bot.features.cases.content import cached_cases
from bot.features.staff.tables import ADMIN, RAADGIVER
from bot.web.portal.deps import DB, Portal, PortalRoute, get_portal, require
from bot.web.portal.views import render

router = APIRouter(
    prefix="/rapport", route_class=PortalRoute, dependencies=[Depends(require(RAADGIVER, ADMIN))]
)


def period(first: str, last: str, today: date) -> tuple[date, date]:
    """The chosen period; by default this year until today."""
    try:
        lo = date.fromisoformat(first) if first else date(today.year, 1, 1)
        hi = date.fromisoformat(last) if last else today
    except ValueError:
        raise CaseError("Skriv datoerne som 2026-01-31.") from None
    return lo, hi


@router.get("")
def report_page(
    request: Request,
    fra: str = "",
    til: str = "",
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    today = portal.clock.now().date()
    content = cached_cases(portal.settings.content_dir / "cases.yml")
    context = {"today": today, "fra": fra, "til": til, "error": "", "report": None}
    try:
        first, last = period(fra.strip(), til.strip(), today)
        context["report"] = casework.report(
            session, first, last, content=content, tz=portal.settings.timezone
        )
    except CaseError as exc:
        context["error"] = str(exc)
    status = 400 if context["error"] else 200
    return render(request, "report.html", context, status=status)
