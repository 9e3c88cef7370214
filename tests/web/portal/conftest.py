"""The portal under test: the real web app on the test database (SQLite and PostgreSQL),
a clock the tests move, a cheap argon2id hasher, one user per role, and cases inserted
as rows (one of them full of HTML and script from a citizen)."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.core.clock import Clock
from bot.core.settings import Settings
from bot.infra.db import session_scope
from bot.web import portal
from bot.web.app import create_app
from tests.bot.features.booking.helpers import SECRET
from tests.casedata import CHEAP_HASHER, HOSTILE, NOW, PASSWORD, SECRET_MARK, add_case, add_user

BASE = "https://testserver"
USERS = {"raadgiver": "rie", "traener": "tom", "admin": "ada"}
CASE = "BR-2026-0001"


class MovableClock(Clock):
    """A clock the test moves forward."""

    def __init__(self, at: datetime) -> None:
        object.__setattr__(self, "timezone", "Europe/Copenhagen")
        object.__setattr__(self, "_at", at)

    def now(self) -> datetime:
        return self._at.astimezone(self.tz)  # type: ignore[attr-defined, no-any-return]

    def advance(self, **delta: float) -> None:
        object.__setattr__(self, "_at", self._at + timedelta(**delta))  # type: ignore[attr-defined]


def portal_settings(db_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    values: Dict[str, Any] = {
        "database_url": db_url,
        "var_dir": tmp_path / "var",
        "rasa_token": "test-token",
        "hash_secret": SECRET.decode(),
        "portal_max_failures_per_user": 3,
        "portal_max_failures_per_address": 50,
        "portal_lockout_minutes": 15,
        "portal_idle_minutes": 30,
        "portal_session_hours": 10,
    }
    values.update(overrides)
    return Settings(**values)


def build_app(session_factory, settings: Settings, clock: Clock) -> FastAPI:  # type: ignore[no-untyped-def]
    app = create_app(settings)
    portal.configure(app, sessions=session_factory, clock=clock, hasher=CHEAP_HASHER)
    return app


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(NOW)


@pytest.fixture
def people(session_factory) -> Dict[str, int]:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        ids = {role: add_user(s, name, role) for role, name in USERS.items()}
        ids["alle"] = add_user(s, "alma", "raadgiver,traener,admin")
    return ids


@pytest.fixture
def cases(session_factory, people) -> str:  # type: ignore[no-untyped-def]
    """Two cases; the first holds what a hostile citizen wrote (and the secret mark)."""
    with session_scope(session_factory) as s:
        add_case(
            s,
            CASE,
            transcript=f"Borger: {HOSTILE}\nBorger: {SECRET_MARK}\nAssistent: Tak.",
            summary_json=json.dumps(
                {
                    "topic": HOSTILE,
                    "route": {
                        "id": "x",
                        "reason": "<i>Klage</i>",
                        "statute": "§ 7",
                        "within_remit": True,
                    },
                }
            ),  # fmt: skip
            entries=(f"Tilføjet: {HOSTILE}",),
        )
        add_case(s, "BR-2026-0002", created=NOW - timedelta(days=6), tags="haster")
    return CASE


@pytest.fixture
def app(session_factory, db_url: str, tmp_path: Path, clock: MovableClock, people) -> FastAPI:  # type: ignore[no-untyped-def]
    return build_app(session_factory, portal_settings(db_url, tmp_path), clock)


@pytest.fixture
def anonymous(app: FastAPI) -> Iterator[TestClient]:
    with_client = TestClient(app, base_url=BASE)
    yield with_client
    with_client.close()


CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_in(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD, next: str = ""):  # type: ignore[no-untyped-def]
    page = client.get("/personale/login")
    return client.post(
        "/personale/login",
        data={"username": name, "password": password, "csrf": csrf_in(page.text), "next": next},
        follow_redirects=False,
    )


@pytest.fixture
def login_as(app: FastAPI) -> Iterator[Any]:
    """``login_as("raadgiver")``: a new client logged in as that role's user."""
    clients = []

    def make(role: str) -> TestClient:
        client = TestClient(app, base_url=BASE)
        clients.append(client)
        name = USERS.get(role, "alma")
        response = log_in(client, name)
        assert response.status_code == 303, response.text
        return client

    yield make
    for c in clients:
        c.close()


def token_of(client: TestClient) -> str:
    return client.cookies.get("borger_personale", path="/personale") or ""


__all__ = ["CASE", "HOSTILE", "SECRET_MARK", "MovableClock", "csrf_in", "log_in", "token_of"]
