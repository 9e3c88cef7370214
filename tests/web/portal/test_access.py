"""Who may call which portal route: every route is enumerated from the app, so a new
route without a login check, a role or a CSRF check fails here."""

from __future__ import annotations

from typing import Dict, FrozenSet, List, Tuple

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from bot.features.audit import log as audit
from bot.infra.db import session_scope
from bot.web.portal import PUBLIC
from bot.web.portal.training import ROLES as TRAINING_ROLES
from tests.web.portal.conftest import CASE, SECRET_MARK, USERS, csrf_in

ANYONE_LOGGED_IN: FrozenSet[str] = frozenset({"raadgiver", "traener", "admin"})
R = frozenset({"raadgiver"})
RA = frozenset({"raadgiver", "admin"})
A = frozenset({"admin"})

# Every route that needs a login, and the roles that may use it.
ROLES: Dict[Tuple[str, str], FrozenSet[str]] = {
    ("GET", "/personale/"): ANYONE_LOGGED_IN,
    ("POST", "/personale/logout"): ANYONE_LOGGED_IN,
    ("GET", "/personale/sager"): R,
    ("GET", "/personale/sager/{number}"): R,
    ("GET", "/personale/sager/{number}/pdf"): R,
    ("POST", "/personale/sager/{number}/note"): R,
    ("POST", "/personale/sager/{number}/tildel"): R,
    ("POST", "/personale/sager/{number}/status"): R,
    ("POST", "/personale/sager/{number}/maerker"): R,
    ("POST", "/personale/sager/{number}/afslut"): R,
    ("POST", "/personale/sager/{number}/bevar"): R,
    ("POST", "/personale/sager/{number}/traening"): R,
    ("GET", "/personale/sager/{number}/live"): R,
    ("POST", "/personale/sager/{number}/live/start"): R,
    ("POST", "/personale/sager/{number}/live/besked"): R,
    ("POST", "/personale/sager/{number}/live/afslut"): R,
    ("GET", "/personale/moeder"): R,
    ("POST", "/personale/moeder/{booking_id}/aflys"): R,
    ("POST", "/personale/moeder/{booking_id}/flyt"): R,
    ("GET", "/personale/udbakke"): RA,
    ("GET", "/personale/rapport"): RA,
    ("GET", "/personale/brugere"): A,
    ("POST", "/personale/brugere"): A,
    ("POST", "/personale/brugere/{name}/deaktiver"): A,
    ("POST", "/personale/brugere/{name}/adgangskode"): A,
    ("GET", "/personale/log"): A,
}
ROLES.update(TRAINING_ROLES)  # /personale/traening (issue 14)

DENIED = "Ingen adgang"
CSRF_REFUSED = "Formularen blev afvist"


def portal_routes(app: FastAPI) -> List[Tuple[str, str]]:
    found = []
    for route in app.routes:
        if isinstance(route, APIRoute) and route.path.startswith("/personale"):
            found += [(method, route.path) for method in sorted(route.methods)]
    return found


def concrete(path: str) -> str:
    return (
        path.replace("{number}", CASE)
        .replace("{booking_id}", "1")
        .replace("{name}", USERS["traener"])
    )


def protected(app: FastAPI) -> List[Tuple[str, str]]:
    return [r for r in portal_routes(app) if r not in PUBLIC]


def test_every_portal_route_is_public_or_in_the_role_table(app: FastAPI) -> None:
    routes = set(portal_routes(app))
    assert routes >= PUBLIC
    assert routes - PUBLIC == set(ROLES), "a new portal route needs its roles in ROLES"


def test_without_a_login_every_route_redirects_to_the_login_or_answers_401(
    app: FastAPI, anonymous: TestClient, cases: str
) -> None:
    for method, path in protected(app):
        response = anonymous.request(
            method, concrete(path), data={"tekst": "x"}, follow_redirects=False
        )
        if method == "GET":
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/personale/login?next=%2Fpersonale")
        else:
            assert response.status_code == 401, (method, path)
            assert "Ikke logget ind" in response.text
            assert "www-authenticate" in response.headers
        assert SECRET_MARK not in response.text
        assert response.headers["cache-control"] == "no-store"


def test_the_public_routes_are_the_login_and_the_stylesheet(anonymous: TestClient) -> None:
    page = anonymous.get("/personale/login")
    assert page.status_code == 200 and "Log ind" in page.text
    css = anonymous.get("/personale/portal.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


@pytest.mark.parametrize("role", ["raadgiver", "traener", "admin"])
def test_each_role_reaches_its_routes_and_no_other(
    app: FastAPI, login_as, cases: str, role: str
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(role)
    token = csrf_in(client.get("/personale/").text)
    for method, path in protected(app):
        allowed = role in ROLES[(method, path)]
        if method == "GET":
            response = client.get(concrete(path), follow_redirects=False)
            if allowed:
                assert response.status_code in (200, 404), (role, path, response.status_code)
            else:
                assert response.status_code == 403 and DENIED in response.text, (role, path)
                assert SECRET_MARK not in response.text
            continue
        # A POST with a wrong CSRF token: the role check comes first, so the answer says
        # which check refused, and nothing changes either way.
        if path == "/personale/logout":
            continue  # checked in test_login
        response = client.post(concrete(path), data={"csrf": token + "x"}, follow_redirects=False)
        assert response.status_code == 403, (role, method, path)
        assert (CSRF_REFUSED if allowed else DENIED) in response.text, (role, path)


def test_every_form_route_refuses_a_missing_wrong_or_foreign_csrf_token(
    app: FastAPI, login_as, cases: str, session_factory
) -> None:  # type: ignore[no-untyped-def]
    client = login_as("alle")
    other = login_as("raadgiver")
    foreign = csrf_in(other.get("/personale/").text)
    own = csrf_in(client.get("/personale/").text)
    with session_scope(session_factory) as s:
        before = len(audit.entries(s))
    posts = [path for method, path in protected(app) if method == "POST"]
    assert len(posts) >= 12
    for path in posts:
        for data in ({}, {"csrf": ""}, {"csrf": own[:-1]}, {"csrf": foreign}):
            data = {**data, "tekst": "note", "udfald": "dialogmoede", "status": "i gang"}
            response = client.post(concrete(path), data=data, follow_redirects=False)
            assert response.status_code == 403 and CSRF_REFUSED in response.text, (path, data)
        # The token in a header or the query string does not count either.
        response = client.post(
            concrete(path) + f"?csrf={own}", headers={"X-CSRF-Token": own}, follow_redirects=False
        )
        assert response.status_code == 403, path
    with session_scope(session_factory) as s:
        assert len(audit.entries(s)) == before  # nothing was changed, noted or closed
    assert client.get("/personale/").status_code == 200  # still logged in


def test_fifty_hostile_requests_read_nothing(
    app: FastAPI, anonymous: TestClient, login_as, cases: str, session_factory, clock
) -> None:  # type: ignore[no-untyped-def]
    trainer = login_as("traener")
    advisor = login_as("raadgiver")
    advisor_token = advisor.cookies.get("borger_personale")
    ended = login_as("raadgiver")
    ended_token = ended.cookies.get("borger_personale")
    ended.post("/personale/logout", data={"csrf": csrf_in(ended.get("/personale/").text)})
    from bot.features.staff.sessions import token_hash

    stolen_hash = token_hash(advisor_token)
    gets = [concrete(p) for m, p in protected(app) if m == "GET"]
    attempts: List[Tuple[str, str, str, Dict[str, str], Dict[str, str]]] = []

    def add(label: str, method: str, url: str, cookies=None, headers=None) -> None:  # type: ignore[no-untyped-def]
        attempts.append((label, method, url, cookies or {}, headers or {}))

    for url in gets:
        add("no cookie", "GET", url)
        add("forged cookie", "GET", url, {"borger_personale": "A" * 43})
        add("stolen token hash", "GET", url, {"borger_personale": stolen_hash})
        add("ended session", "GET", url, {"borger_personale": ended_token})
    for url in (f"/personale/sager/{CASE}", f"/personale/sager/{CASE}/pdf", "/personale/sager"):
        add("token in query", "GET", f"{url}?borger_personale={advisor_token}")
        add("bearer token", "GET", url, headers={"Authorization": f"Bearer {advisor_token}"})
        add("cookie for another path", "GET", url, {"borger_personale_login": advisor_token})
        add("non-ascii cookie", "GET", url, {"borger_personale": "æøå" * 20})
        add("huge cookie", "GET", url, {"borger_personale": "x" * 4000})
    for url in (
        "/personale/sager/..%2F..%2Fbrugere",
        "/personale/sager/%2e%2e/%2e%2e/log",
        "/personale//sager",
        f"/personale/sager/{CASE}%00",
        f"/personale/sager/{CASE}/../pdf",
        "/personale/sager/' OR '1'='1",
        "/personale/sager?q=' OR 1=1 --",
        "/PERSONALE/sager",
        "/personale/static/../sager",
        "/api/../personale/sager",
    ):
        add("path trick", "GET", url)
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        add("other method", method, f"/personale/sager/{CASE}")
    add("method override", "POST", f"/personale/sager/{CASE}/note",
        headers={"X-HTTP-Method-Override": "GET"})  # fmt: skip
    results = []
    for label, method, url, cookies, headers in attempts:
        anonymous.cookies.clear()
        if cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        try:
            response = anonymous.request(method, url, headers=headers, follow_redirects=False)
        except UnicodeEncodeError:
            continue  # httpx refuses to send it: nothing reached the server
        results.append((label, url, response.status_code, response.text))
    # Logged in, but with the wrong role: the trainer and the advisor on others' pages.
    for url in (f"/personale/sager/{CASE}", f"/personale/sager/{CASE}/pdf", "/personale/moeder"):
        response = trainer.get(url, follow_redirects=False)
        results.append(("trainer", url, response.status_code, response.text))
    for url in ("/personale/brugere", "/personale/log"):
        response = advisor.get(url, follow_redirects=False)
        results.append(("advisor on admin page", url, response.status_code, response.text))
    # An idle session is over.
    clock.advance(minutes=31)
    response = advisor.get(f"/personale/sager/{CASE}", follow_redirects=False)
    results.append(("idle session", CASE, response.status_code, response.text))

    assert len(results) >= 50
    leaks = [(label, url) for label, url, _, text in results if SECRET_MARK in text]
    assert leaks == []
    served = [(label, url, status) for label, url, status, _ in results if status == 200]
    assert served == [], "a hostile request got a page"
    assert {status for *_, status, _ in results} <= {303, 307, 401, 403, 404, 405}
    with session_scope(session_factory) as s:
        views = audit.entries(s, action=audit.CASE_VIEW)
    assert views == []  # no case was opened by any of them
