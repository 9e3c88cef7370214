"""The users (administratorer): add, disable, reset a password. Audited."""

from __future__ import annotations

from typing import Callable, List
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from bot.features.staff import accounts
from bot.features.staff.accounts import AccountError
from bot.features.staff.sessions import SessionUser
from bot.features.staff.tables import ADMIN, ROLE_LABELS, ROLES
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
    prefix="/brugere", route_class=PortalRoute, dependencies=[Depends(require(ADMIN))]
)


def _page(
    request: Request, session: Session, *, ok: str = "", error: str = "", status: int = 200
) -> Response:
    context = {
        "users": accounts.list_users(session),
        "roles": [(r, ROLE_LABELS[r]) for r in ROLES],
        "ok": ok,
        "error": error,
    }
    return render(request, "users.html", context, status=status)


def _change(request: Request, session: Session, change: Callable[[], str], ok: str) -> Response:
    try:
        name = change()
    except AccountError as exc:
        return _page(request, session, error=str(exc), status=400)
    return see_other(f"{PREFIX}/brugere?ok={ok}&navn={quote(name)}")


def _same(password: str, again: str) -> str:
    if password != again:
        raise AccountError("De to adgangskoder er ikke ens.")
    return password


@router.get("")
def users_page(request: Request, ok: str = "", session: Session = DB) -> Response:
    return _page(request, session, ok=ok)


@router.post("", dependencies=[CSRF])
def add_user(
    request: Request,
    navn: str = Form(""),
    roller: List[str] = Form([]),
    adgangskode: str = Form(""),
    gentag: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> str:
        password = _same(adgangskode, gentag)
        return accounts.add_user(
            session, navn, password, roller, actor=user.actor, now=portal.clock.now(),
            hasher=portal.hasher,
        ).username  # fmt: skip

    return _change(request, session, change, "oprettet")


@router.post("/{name}/deaktiver", dependencies=[CSRF])
def disable_user(
    request: Request,
    name: str,
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> str:
        return accounts.disable_user(
            session, name, actor=user.actor, now=portal.clock.now()
        ).username

    return _change(request, session, change, "deaktiveret")


@router.post("/{name}/adgangskode", dependencies=[CSRF])
def reset_password(
    request: Request,
    name: str,
    adgangskode: str = Form(""),
    gentag: str = Form(""),
    user: SessionUser = USER,
    session: Session = DB,
    portal: Portal = Depends(get_portal),
) -> Response:
    def change() -> str:
        password = _same(adgangskode, gentag)
        return accounts.reset_password(
            session, name, password, actor=user.actor, now=portal.clock.now(),
            hasher=portal.hasher,
        ).username  # fmt: skip

    return _change(request, session, change, "nulstillet")
