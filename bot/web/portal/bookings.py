"""The meetings (rådgivere): the calendar list with cancel and move.

Cancel and move use the booking feature's commands (``bot.features.staff.calendar``),
so the citizen gets the e-mail through the outbox. Office hours and closed days are
edited in content/booking.yml; the page shows whether that file is valid.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Tuple
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.booking.errors import BookingFileError
from bot.features.booking.mails import mail_domain_of
from bot.features.booking.office import OfficeTexts, cached_texts
from bot.features.staff import calendar
from bot.features.staff.calendar import CalendarError
from bot.features.staff.sessions import SessionUser
from bot.features.staff.tables import RAADGIVER
from bot.web.portal.deps import (
    CSRF,
    DB,
    PREFIX,
    USER,
    Portal,
    PortalRoute,
    get_portal,
    require,
    see_other,
)
from bot.web.portal.views import render

router = APIRouter(
    prefix="/moeder", route_class=PortalRoute, dependencies=[Depends(require(RAADGIVER))]
)

DAYS_SHOWN = 60


def _texts(portal: Portal) -> OfficeTexts | None:
    try:
        return cached_texts(portal.settings.content_dir / "booking.yml")
    except BookingFileError:
        return None  # the change is still made; the mail needs the texts


def _page(
    request: Request,
    session: Session,
    portal: Portal,
    *,
    ok: str = "",
    error: str = "",
    alternatives: Tuple[datetime, ...] = (),
    status: int = 200,
) -> Response:
    now = portal.clock.now()
    context = {
        "meetings": calendar.meetings(
            session, now=now, tz=portal.settings.timezone, first=now.date(), days=DAYS_SHOWN
        ),
        "office": calendar.office_file(portal.settings.content_dir / "booking.yml"),
        "days": DAYS_SHOWN,
        "ok": ok,
        "error": error,
        "alternatives": alternatives,
    }
    return render(request, "bookings.html", context, status=status)


@router.get("")
def bookings_page(
    request: Request, ok: str = "", session: Session = DB, portal: Portal = Depends(get_portal)
) -> Response:
    return _page(request, session, portal, ok=ok)


def _booking_id(value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise CalendarError("Mødet findes ikke.")
    return int(value)


def parse_start(day: str, clock: str, tz: str) -> datetime:
    """The new time from the form's date (2026-12-03) and time (10:00) fields."""
    try:
        chosen = date.fromisoformat(day.strip())
        hh, mm = clock.strip().replace(".", ":").split(":")
        at = time(int(hh), int(mm))
    except ValueError:
        raise CalendarError("Skriv dato og klokkeslæt, fx 2026-12-03 og 10:00.") from None
    return datetime.combine(chosen, at, ZoneInfo(tz))


@router.post("/{booking_id}/aflys", dependencies=[CSRF])
def cancel(
    request: Request,
    booking_id: str,
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    try:
        changed = calendar.cancel(
            session,
            _booking_id(booking_id),
            actor=user.actor,
            now=portal.clock.now(),
            texts=_texts(portal),
            tz=portal.settings.timezone,
            mail_domain=mail_domain_of(portal.settings.mail_from),
            policy=portal.booking_policy(),
        )
    except CalendarError as exc:
        return _page(request, session, portal, error=str(exc), status=400)
    return see_other(f"{PREFIX}/moeder?ok=aflyst{'' if changed.mailed else '-uden-mail'}")


@router.post("/{booking_id}/flyt", dependencies=[CSRF])
def move(
    request: Request,
    booking_id: str,
    dato: str = Form(""),
    tid: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    tz = portal.settings.timezone
    try:
        changed = calendar.move(
            session,
            _booking_id(booking_id),
            parse_start(dato, tid, tz),
            actor=user.actor,
            now=portal.clock.now(),
            texts=_texts(portal),
            tz=tz,
            mail_domain=mail_domain_of(portal.settings.mail_from),
            policy=portal.booking_policy(),
        )
    except CalendarError as exc:
        error, alternatives = str(exc), exc.alternatives
        return _page(request, session, portal, error=error, alternatives=alternatives, status=400)
    return see_other(f"{PREFIX}/moeder?ok=flyttet{'' if changed.mailed else '-uden-mail'}")
