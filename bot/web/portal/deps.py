"""What every portal route gets injected: the portal's services, the unit of work,
the logged-in user, the role check and the CSRF check; and the route class that turns
a refusal into a Danish page.

- ``db``: one ``session_scope`` per request, committed when the route function
  returns, before the response is sent (``scope="function"``);
- ``current_user``: the user of the session cookie, or ``NotLoggedIn``: a GET is sent
  to the login page (303), anything else gets 401;
- ``require(*roles)``: 403 unless the user has one of the roles;
- ``check_csrf``: 403 unless the form's ``csrf`` field is the session's token;
- ``PortalRoute``: renders those refusals, and marks every answer ``no-store``.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable, Coroutine, Iterator
from urllib.parse import quote

from argon2 import PasswordHasher
from fastapi import Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session, sessionmaker

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.features.booking.guard import BookingPolicy
from bot.features.cases.casework import CaseNotFound
from bot.features.staff.passwords import DEFAULT_HASHER
from bot.features.staff.sessions import LoginPolicy, SessionUser, resolve
from bot.infra.db import make_engine, make_session_factory, session_scope
from bot.web.portal.views import render

log = logging.getLogger(__name__)

PREFIX = "/personale"
SESSION_COOKIE = "borger_personale"
LOGIN_COOKIE = "borger_personale_login"
LOGIN_PATH = f"{PREFIX}/login"


@dataclass
class Portal:
    """The portal's services: settings, database, clock, password hasher, login policy."""

    settings: Settings
    sessions: sessionmaker
    clock: Clock
    hasher: PasswordHasher = DEFAULT_HASHER
    policy: LoginPolicy = field(default_factory=LoginPolicy)
    # Pauses and resumes the assistant in a conversation (live reply); tests pass a fake.
    pauser: Callable[[str, bool], None] | None = None
    _booking_policy: BookingPolicy | None = None

    def pause(self, conversation_id: str, paused: bool) -> None:
        """Rasa's ``pause`` / ``resume`` event (``PauseFailed`` when Rasa is not there)."""
        from bot.features.live.service import PauseFailed
        from bot.infra.rasa_client import RasaUnavailable, pause_conversation

        if self.pauser is not None:
            self.pauser(conversation_id, paused)
            return
        try:
            pause_conversation(
                self.settings.rasa_url, self.settings.rasa_token, conversation_id, paused
            )
        except RasaUnavailable as exc:
            log.warning("portal: the assistant could not be %s (%s)",
                        "paused" if paused else "resumed", exc)  # fmt: skip
            raise PauseFailed(str(exc)) from exc

    def booking_policy(self) -> BookingPolicy:
        """The booking feature's limits and hash secret (read on first use)."""
        if self._booking_policy is None:
            self._booking_policy = BookingPolicy.from_settings(self.settings)
        return self._booking_policy


_lock = threading.Lock()


def configure(
    app: Any,
    *,
    sessions: sessionmaker | None = None,
    clock: Clock | None = None,
    hasher: PasswordHasher | None = None,
    pauser: Callable[[str, bool], None] | None = None,
) -> Portal:
    """Give the app's portal its services (tests pass their own); the database engine
    is made from the settings when none is given (it connects on first use)."""
    settings: Settings = app.state.settings
    portal = Portal(
        settings=settings,
        sessions=sessions or make_session_factory(make_engine(settings.app_database_url)),
        clock=clock or Clock(settings.timezone),
        hasher=hasher or DEFAULT_HASHER,
        policy=LoginPolicy.from_settings(settings),
        pauser=pauser,
    )
    app.state.portal = portal
    return portal


def get_portal(request: Request) -> Portal:
    portal: Portal | None = getattr(request.app.state, "portal", None)
    if portal is None:
        with _lock:
            portal = getattr(request.app.state, "portal", None) or configure(request.app)
    return portal


class _Discard(Exception):
    """Raised into the unit of work so that ``session_scope`` rolls it back."""


def db(request: Request, portal: Portal = Depends(get_portal)) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back when it
    was refused or failed (``PortalRoute`` turns those into pages inside this scope)."""
    try:
        with session_scope(portal.sessions) as session:
            yield session
            if getattr(request.state, "portal_failed", False):
                raise _Discard()
    except _Discard:
        pass


DB = Depends(db, scope="function")


class PortalDenied(Exception):
    status = 403
    template = "denied.html"


class NotLoggedIn(PortalDenied):
    status = 401
    template = "not_logged_in.html"


class Forbidden(PortalDenied):
    pass


class CsrfRefused(PortalDenied):
    template = "csrf.html"


def current_user(
    request: Request, session: Session = DB, portal: Portal = Depends(get_portal)
) -> SessionUser:
    token = request.cookies.get(SESSION_COOKIE)
    user = resolve(session, token, now=portal.clock.now(), policy=portal.policy)
    if user is None:
        raise NotLoggedIn()
    request.state.portal_user = user
    return user


USER = Depends(current_user)


def require(*roles: str) -> Callable[..., SessionUser]:
    """A dependency: the user, if they have one of ``roles``; else 403."""

    def check(user: SessionUser = USER) -> SessionUser:
        if not user.has(*roles):
            raise Forbidden()
        return user

    check.roles = roles  # type: ignore[attr-defined]
    return check


def check_csrf(user: SessionUser = USER, csrf: str = Form("")) -> None:
    if not csrf or not hmac.compare_digest(csrf.encode(), user.csrf_token.encode()):
        raise CsrfRefused()


CSRF = Depends(check_csrf)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def secure_cookies(request: Request, settings: Settings) -> bool:
    """Secure unless the setting allows plain http and the page is on this machine."""
    return (
        settings.portal_cookie_secure
        or request.url.scheme == "https"
        or not is_loopback(request.url.hostname)
    )


def set_cookie(
    response: Response, request: Request, settings: Settings, name: str, value: str, path: str
) -> None:
    response.set_cookie(
        name,
        value,
        path=path,
        httponly=True,
        secure=secure_cookies(request, settings),
        samesite="strict",
    )


def client_address(request: Request) -> str | None:
    return request.client.host if request.client else None


def see_other(path: str) -> RedirectResponse:
    return RedirectResponse(path, status_code=303)


def _denied(request: Request, exc: PortalDenied) -> Response:
    if isinstance(exc, NotLoggedIn) and request.method in ("GET", "HEAD"):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return see_other(f"{LOGIN_PATH}?next={quote(target, safe='')}")
    response = render(request, exc.template, {}, status=exc.status)
    if isinstance(exc, NotLoggedIn):
        response.headers["www-authenticate"] = 'Cookie realm="personale"'
    return response


def _failure(request: Request, exc: Exception, where: str) -> Response:
    if isinstance(exc, PortalDenied):
        log.info("portal: %s refused (%s)", where, type(exc).__name__)
        return _denied(request, exc)
    if isinstance(exc, CaseNotFound):
        return render(request, "not_found.html", {}, status=404)
    log.error("portal: %s failed (%s)", where, type(exc).__name__)
    return render(request, "error.html", {}, status=500)


class PortalRoute(APIRoute):
    """Portal routes: refusals and failures become Danish pages (and a log line naming
    the route, never its data); nothing is cached."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        where = f"{','.join(sorted(self.methods))} {self.path}"

        async def portal_handler(request: Request) -> Response:
            try:
                response = await handler(request)
            except Exception as exc:  # noqa: BLE001 - a Danish page, not a traceback
                request.state.portal_failed = True  # the unit of work (``db``) rolls back
                response = _failure(request, exc, where)
            response.headers["cache-control"] = "no-store"
            return response

        return portal_handler
