"""The queue and the case page (rådgivere): notes, assignment, status, tags, closing,
legal hold, PDF export. Every change is a POST with the CSRF token, answered with a
redirect back to the case (or the page again with a Danish error)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.cases import casework, flagging, pdf
from bot.features.cases.casework import CaseError, QueueFilter
from bot.features.cases.tables import STATUSES
from bot.features.staff.accounts import users_with_role
from bot.features.staff.sessions import SessionUser
from bot.features.staff.tables import RAADGIVER
from bot.web.portal.case_page import case_content, case_page_response, changed
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
from bot.web.training.context import TrainingWeb, get_training

router = APIRouter(
    prefix="/sager", route_class=PortalRoute, dependencies=[Depends(require(RAADGIVER))]
)


@router.get("")
def queue_page(
    request: Request,
    status: str = casework.OPEN,
    ansvarlig: str = "",
    maerke: str = "",
    q: str = "",
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    flt = QueueFilter(status=status, assignee=ansvarlig, tag=maerke, search=q)
    rows = casework.queue(
        session, flt, now=portal.clock.now(), viewer_id=user.user_id, tz=portal.settings.timezone
    )
    context = {
        "rows": rows,
        "flt": flt,
        "tags": casework.all_tags(session),
        "advisors": users_with_role(session, RAADGIVER),
        "statuses": STATUSES,
    }
    return render(request, "queue.html", context)


@router.get("/{number}")
def case_page(
    request: Request,
    number: str,
    ok: str = "",
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    return case_page_response(request, session, portal, user, number, ok=ok)


@router.post("/{number}/traening", dependencies=[CSRF])
def flag_for_training(
    request: Request,
    number: str,
    besked: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
    training: TrainingWeb = Depends(get_training),
) -> Response:
    """"Send til træning": one of the citizen's messages goes to the training inbox."""
    added: list[bool] = []

    def change() -> None:
        added.append(
            flagging.flag_for_training(
                session,
                number,
                besked,
                config=training.scan_config(),
                actor=user.actor,
                now=portal.clock.now(),
            )
        )

    response = changed(request, session, portal, user, number, change, "traening")
    if added == [False]:
        return see_other(f"{PREFIX}/sager/{quote(number)}?ok=traening-igen")
    return response


@router.get("/{number}/pdf")
def case_pdf(
    number: str,
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    data = pdf.export(
        session,
        number,
        actor=user.actor,
        now=portal.clock.now(),
        tz=portal.settings.timezone,
        content=case_content(portal),
    )
    headers = {"content-disposition": f'attachment; filename="sag-{number}.pdf"'}
    return Response(data, media_type="application/pdf", headers=headers)


@router.post("/{number}/note", dependencies=[CSRF])
def add_note(
    request: Request,
    number: str,
    tekst: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        casework.add_note(session, number, tekst, actor=user.actor, now=portal.clock.now())

    return changed(request, session, portal, user, number, change, "note")


@router.post("/{number}/tildel", dependencies=[CSRF])
def assign(
    request: Request,
    number: str,
    ansvarlig: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        if ansvarlig and not ansvarlig.isdigit():
            raise CaseError("Vælg en rådgiver på listen.")
        assignee = int(ansvarlig) if ansvarlig else None
        casework.assign(session, number, assignee, actor=user.actor, now=portal.clock.now())

    return changed(request, session, portal, user, number, change, "tildelt")


@router.post("/{number}/status", dependencies=[CSRF])
def set_status(
    request: Request,
    number: str,
    status: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        casework.set_status(session, number, status, actor=user.actor, now=portal.clock.now())

    return changed(request, session, portal, user, number, change, "status")


@router.post("/{number}/maerker", dependencies=[CSRF])
def set_tags(
    request: Request,
    number: str,
    maerker: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        casework.set_tags(session, number, maerker, actor=user.actor, now=portal.clock.now())

    return changed(request, session, portal, user, number, change, "maerker")


@router.post("/{number}/afslut", dependencies=[CSRF])
def close(
    request: Request,
    number: str,
    udfald: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        casework.close(
            session,
            number,
            udfald,
            content=case_content(portal),
            actor=user.actor,
            now=portal.clock.now(),
        )

    return changed(request, session, portal, user, number, change, "afsluttet")


@router.post("/{number}/bevar", dependencies=[CSRF])
def legal_hold(
    request: Request,
    number: str,
    bevar: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> None:
        hold = bevar == "ja"
        casework.set_legal_hold(session, number, hold, actor=user.actor, now=portal.clock.now())

    return changed(request, session, portal, user, number, change, "bevar")
