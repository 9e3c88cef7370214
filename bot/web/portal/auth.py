"""Logging in and out, the start page and the stylesheet.

The login form has its own CSRF token (a random value in a cookie for the login path
and in the form, compared on POST), since there is no session yet. A successful login
always gets a new session id; the session the browser had before is ended.
"""

from __future__ import annotations

import hmac
import re
import secrets

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.orm import Session

from bot.features.cases.casework import count_by_status
from bot.features.staff.sessions import SessionUser, login, logout
from bot.features.staff.tables import RAADGIVER
from bot.web.portal.deps import (
    CSRF,
    DB,
    LOGIN_COOKIE,
    LOGIN_PATH,
    PREFIX,
    SESSION_COOKIE,
    USER,
    Portal,
    PortalRoute,
    client_address,
    get_portal,
    secure_cookies,
    see_other,
    set_cookie,
)
from bot.web.portal.views import STYLESHEET, render

router = APIRouter(route_class=PortalRoute)

_SAFE_NEXT = re.compile(r"^/personale/[A-Za-z0-9/_.~%?=&+-]*\Z")


def safe_next(target: str) -> str:
    """Where to go after the login: a portal page, never another site."""
    if target and _SAFE_NEXT.match(target) and "//" not in target and "/login" not in target:
        return target
    return f"{PREFIX}/"


def _form(
    request: Request, portal: Portal, *, target: str, error: str = "", status: int = 200
) -> Response:
    token = secrets.token_urlsafe(32)
    context = {
        "login_csrf": token,
        "next": safe_next(target),
        "error": error,
        "logged_out": request.query_params.get("ud") == "1",
    }
    response = render(request, "login.html", context, status=status)
    set_cookie(response, request, portal.settings, LOGIN_COOKIE, token, LOGIN_PATH)
    return response


@router.get("/login")
def login_page(request: Request, next: str = "", portal: Portal = Depends(get_portal)) -> Response:
    # Always the form: a session the browser has (perhaps planted) is never taken over.
    return _form(request, portal, target=next)


@router.post("/login")
def login_submit(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    csrf: str = Form(""),
    next: str = Form(""),
    portal: Portal = Depends(get_portal),
    session: Session = DB,
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf.encode()):
        return _form(request, portal, target=next, error="csrf", status=403)
    result = login(
        session,
        username,
        password,
        address=client_address(request),
        now=portal.clock.now(),
        policy=portal.policy,
        previous_token=request.cookies.get(SESSION_COOKIE),
        hasher=portal.hasher,
    )
    if not result.ok or result.token is None:
        response = _form(request, portal, target=next, error="forkert", status=401)
        response.headers["www-authenticate"] = 'Cookie realm="personale"'
        return response
    response = see_other(safe_next(next))
    set_cookie(response, request, portal.settings, SESSION_COOKIE, result.token, PREFIX)
    response.delete_cookie(LOGIN_COOKIE, path=LOGIN_PATH)
    return response


@router.post("/logout", dependencies=[CSRF])
def logout_submit(
    request: Request, portal: Portal = Depends(get_portal), session: Session = DB
) -> Response:
    logout(session, request.cookies.get(SESSION_COOKIE), now=portal.clock.now())
    response = see_other(f"{LOGIN_PATH}?ud=1")
    response.delete_cookie(
        SESSION_COOKIE,
        path=PREFIX,
        secure=secure_cookies(request, portal.settings),
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/")
def start_page(request: Request, user: SessionUser = USER, session: Session = DB) -> Response:
    counts = count_by_status(session) if user.has(RAADGIVER) else {}
    return render(request, "start.html", {"counts": counts})


@router.get("/portal.css")
def stylesheet() -> FileResponse:
    return FileResponse(STYLESHEET, media_type="text/css; charset=utf-8")
