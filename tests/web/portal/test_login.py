"""Logging in over HTTP (bot/web/portal/auth.py): cookies, CSRF on the login form,
session fixation, lock-out, idle timeout, logout, redirects after the login."""

from __future__ import annotations

from http.cookies import SimpleCookie

import pytest
from fastapi.testclient import TestClient

from bot.features.audit import log as audit
from bot.infra.db import session_scope
from tests.casedata import PASSWORD
from tests.web.portal.conftest import BASE, build_app, csrf_in, log_in, portal_settings, token_of

WRONG = "Brugernavn eller adgangskode er forkert"


def session_cookie(response) -> SimpleCookie:  # type: ignore[no-untyped-def]
    for header in response.headers.get_list("set-cookie"):
        if header.startswith("borger_personale="):
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            return jar
    raise AssertionError("no session cookie set")


def test_the_login_form_is_labelled_and_the_cookie_is_secure_httponly_strict(
    anonymous: TestClient,
) -> None:
    page = anonymous.get("/personale/login")
    assert '<label for="brugernavn">Brugernavn</label>' in page.text
    assert '<label for="adgangskode">Adgangskode</label>' in page.text
    assert '<button type="submit">Log ind</button>' in page.text
    response = log_in(anonymous, "rie")
    assert response.status_code == 303 and response.headers["location"] == "/personale/"
    morsel = session_cookie(response)["borger_personale"]
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "strict"
    assert morsel["path"] == "/personale" and len(morsel.value) >= 40
    assert "Content-Security-Policy".lower() in response.headers
    assert "script-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize(
    "base", ["http://127.0.0.1", "http://localhost", "http://portal.aalborg.dk"]
)
def test_plain_http_is_allowed_only_on_this_machine_when_the_setting_says_so(
    session_factory, db_url, tmp_path, clock, people, base: str
) -> None:  # type: ignore[no-untyped-def]
    settings = portal_settings(db_url, tmp_path, portal_cookie_secure=False)
    client = TestClient(build_app(session_factory, settings, clock), base_url=base)
    local = "portal.aalborg.dk" not in base
    form_cookie = client.get("/personale/login").headers["set-cookie"]
    assert ("Secure" in form_cookie) is not local
    response = log_in(client, "rie")
    if local:
        assert not session_cookie(response)["borger_personale"]["secure"]
        assert client.get("/personale/", follow_redirects=False).status_code == 200
    else:
        # Elsewhere the cookies stay Secure: over plain http the login cannot work.
        assert response.status_code == 403


def test_the_login_form_refuses_a_post_without_its_csrf_cookie(anonymous: TestClient) -> None:
    page = anonymous.get("/personale/login")
    token = csrf_in(page.text)
    anonymous.cookies.clear()
    response = anonymous.post(
        "/personale/login",
        data={"username": "rie", "password": PASSWORD, "csrf": token},
        follow_redirects=False,
    )
    assert response.status_code == 403 and "Formularen var udløbet" in response.text
    cookies = response.headers.get_list("set-cookie")
    assert not any(h.startswith("borger_personale=") for h in cookies)


def test_a_session_id_planted_before_the_login_is_never_used_after_it(app) -> None:  # type: ignore[no-untyped-def]
    attacker = TestClient(app, base_url=BASE)
    assert log_in(attacker, "tom").status_code == 303
    planted = token_of(attacker)
    victim = TestClient(app, base_url=BASE)
    victim.cookies.set("borger_personale", planted, domain="testserver.local", path="/personale")
    response = log_in(victim, "rie")
    assert response.status_code == 303
    fresh = session_cookie(response)["borger_personale"].value
    assert fresh != planted
    # The planted session is over: neither the attacker nor anyone else can use it.
    assert attacker.get("/personale/", follow_redirects=False).status_code == 303
    assert victim.get("/personale/").text.count("Logget ind som") == 1
    assert "<strong>rie</strong>" in victim.get("/personale/").text


def test_wrong_passwords_lock_the_user_and_the_lock_ends(
    anonymous: TestClient, clock, session_factory
) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        response = log_in(anonymous, "rie", "forkert-adgangskode")
        assert response.status_code == 401 and WRONG in response.text
    locked = log_in(anonymous, "rie")
    assert locked.status_code == 401 and WRONG in locked.text  # the same answer
    unknown = log_in(anonymous, "findes-ikke", "forkert-adgangskode")
    assert unknown.status_code == 401 and WRONG in unknown.text
    clock.advance(minutes=16)
    assert log_in(anonymous, "rie").status_code == 303
    with session_scope(session_factory) as s:
        details = [(x.user, x.detail) for x in audit.entries(s, action=audit.LOGIN_FAILED)]
    assert details == [("rie", "forkert")] * 3 + [("rie", "laast"), ("(ukendt)", "forkert")]


def test_an_idle_session_ends_and_the_login_brings_you_back(login_as, clock, cases) -> None:  # type: ignore[no-untyped-def]
    client = login_as("raadgiver")
    clock.advance(minutes=29)
    assert client.get("/personale/sager").status_code == 200
    clock.advance(minutes=31)
    response = client.get(f"/personale/sager/{cases}?ok=note", follow_redirects=False)
    assert response.status_code == 303
    target = response.headers["location"]
    assert target == "/personale/login?next=%2Fpersonale%2Fsager%2FBR-2026-0001%3Fok%3Dnote"
    back = log_in(client, "rie", next=f"/personale/sager/{cases}?ok=note")
    assert back.headers["location"] == f"/personale/sager/{cases}?ok=note"


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "/personale//evil.example", "/api/chat",
     "/personale/login", "javascript:alert(1)", "/personale/\\evil"],
)  # fmt: skip
def test_after_the_login_only_portal_pages_are_reached(anonymous: TestClient, target: str) -> None:
    response = log_in(anonymous, "rie", next=target)
    assert response.headers["location"] == "/personale/"


def test_logout_ends_the_session_and_clears_the_cookie(login_as, session_factory) -> None:  # type: ignore[no-untyped-def]
    client = login_as("raadgiver")
    token = token_of(client)
    page = client.get("/personale/")
    response = client.post("/personale/logout", data={"csrf": csrf_in(page.text)},
                           follow_redirects=False)  # fmt: skip
    assert response.status_code == 303 and response.headers["location"] == "/personale/login?ud=1"
    assert 'borger_personale=""' in response.headers["set-cookie"]
    assert "Du er logget ud." in client.get("/personale/login?ud=1").text
    client.cookies.set("borger_personale", token, domain="testserver.local", path="/personale")
    assert client.get("/personale/", follow_redirects=False).status_code == 303
    with session_scope(session_factory) as s:
        assert [x.action for x in audit.entries(s, user="rie")] == ["login", "logud"]
