"""The portal's route class and unit of work (bot/web/portal/deps.py): a failing route
changes nothing and shows a Danish page; the unit of work commits before the answer."""

from __future__ import annotations

import logging

from fastapi import APIRouter, FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.infra.db import session_scope
from bot.web.portal import deps
from tests.casedata import NOW
from tests.web.portal.conftest import portal_settings


def app_with(session_factory, settings) -> FastAPI:  # type: ignore[no-untyped-def]
    router = APIRouter(route_class=deps.PortalRoute)

    @router.post("/personale/skriv-og-fejl")
    def write_then_fail(session: Session = deps.DB) -> None:
        audit.record(session, audit.Actor.system(), audit.NOTE, now=NOW, case="BR-2026-0001")
        raise RuntimeError("boom")

    @router.post("/personale/skriv")
    def write(session: Session = deps.DB) -> dict:
        audit.record(session, audit.Actor.system(), audit.NOTE, now=NOW, case="BR-2026-0002")
        return {}

    app = FastAPI()
    app.state.settings = settings
    app.include_router(router)
    deps.configure(app, sessions=session_factory)
    return app


def test_a_failing_route_rolls_back_and_answers_in_danish(
    session_factory, db_url, tmp_path, caplog
) -> None:  # type: ignore[no-untyped-def]
    client = TestClient(app_with(session_factory, portal_settings(db_url, tmp_path)))
    with caplog.at_level(logging.ERROR, logger="bot.web.portal.deps"):
        failed = client.post("/personale/skriv-og-fejl")
    assert failed.status_code == 500 and "Der skete en fejl" in failed.text
    assert failed.headers["cache-control"] == "no-store"
    assert "portal: POST /personale/skriv-og-fejl failed (RuntimeError)" in caplog.text
    assert client.post("/personale/skriv").status_code == 200
    with session_scope(session_factory) as s:
        assert [x.case for x in audit.entries(s)] == ["BR-2026-0002"]


def test_loopback_is_this_machine_only() -> None:
    assert deps.is_loopback("127.0.0.1") and deps.is_loopback("::1") and deps.is_loopback("[::1]")
    assert deps.is_loopback("localhost") and deps.is_loopback("127.8.0.1")
    for host in ("portal.aalborg.dk", "10.0.0.1", "", None, "localhost.evil.example"):
        assert not deps.is_loopback(host)
