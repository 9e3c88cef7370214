"""The case page, shared by the routers that change a case (``cases``, ``live``): the
case, its content, the messages that can be sent to training, and the live panel."""

from __future__ import annotations

from typing import Callable
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.cases import casework, flagging
from bot.features.cases.casework import CaseError, CaseNotFound
from bot.features.cases.content import CaseContent, cached_cases
from bot.features.cases.tables import IN_PROGRESS, NEW
from bot.features.handover.service import office_calendar
from bot.features.live import service as live
from bot.features.live.content import LiveTexts, cached_live
from bot.features.staff.accounts import users_with_role
from bot.features.staff.sessions import SessionUser
from bot.features.staff.tables import RAADGIVER
from bot.web.portal.deps import PREFIX, Portal, see_other
from bot.web.portal.views import render

BOOKING_FILE = "booking.yml"


def case_content(portal: Portal) -> CaseContent:
    return cached_cases(portal.settings.content_dir / "cases.yml")


def live_texts(portal: Portal) -> LiveTexts:
    return cached_live(portal.settings.content_dir / "live.yml")


def office_open(session: Session, portal: Portal) -> bool:
    now = portal.clock.now()
    path = portal.settings.content_dir / BOOKING_FILE
    return office_calendar(session, path, portal.settings.timezone, now.date()).is_open(now)


def live_view(session: Session, portal: Portal, number: str, after: int = 0) -> live.LiveView:
    return live.view(
        session, number, now=portal.clock.now(), office_open=office_open(session, portal),
        texts=live_texts(portal), tz=portal.settings.timezone, after=after,
    )  # fmt: skip


def case_page_response(
    request: Request,
    session: Session,
    portal: Portal,
    user: SessionUser,
    number: str,
    *,
    ok: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    content = case_content(portal)
    found = casework.view(
        session,
        number,
        actor=user.actor,
        now=portal.clock.now(),
        tz=portal.settings.timezone,
        content=content,
    )
    context = {
        "case": found,
        "content": content,
        "outcome": content.outcome(found.outcome or ""),
        "citizen_messages": flagging.citizen_messages(found.transcript),
        "live": live_view(session, portal, number),
        "live_texts": live_texts(portal),
        "advisors": users_with_role(session, RAADGIVER),
        "open_statuses": (NEW, IN_PROGRESS),
        "ok": ok,
        "error": error,
    }
    return render(request, "case.html", context, status=status)


def changed(
    request: Request,
    session: Session,
    portal: Portal,
    user: SessionUser,
    number: str,
    change: Callable[[], None],
    ok: str,
    anchor: str = "",
) -> Response:
    """Run a change of the case: back to the case page with ``ok``, or the page again
    with the Danish error (400); an unknown case is the portal's 404."""
    try:
        change()
    except CaseNotFound:
        raise
    except CaseError as exc:
        return case_page_response(
            request, session, portal, user, number, error=str(exc), status=400
        )
    return see_other(f"{PREFIX}/sager/{quote(number)}?ok={ok}{anchor}")
