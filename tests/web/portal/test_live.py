"""Live reply over real HTTP: the caseworker's panel on the case page and the citizen's
side of the web app (``GET /api/live``, ``POST /api/chat``), the assistant paused and
resumed through Rasa's HTTP API (a recording stand-in)."""

from __future__ import annotations

from typing import Any, Iterator, List, Tuple

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bot.features.audit import log as audit
from bot.infra.db import session_scope
from tests.casedata import add_case
from tests.web.portal.conftest import BASE, MovableClock, csrf_in

CASE = "BR-2026-0007"
CONVERSATION = f"samtale-{CASE}-abcdefgh"
PAGE = f"/personale/sager/{CASE}"


@pytest.fixture
def paused(app: FastAPI, clock: MovableClock, session_factory) -> List[Tuple[str, bool]]:  # type: ignore[no-untyped-def]
    """The portal's pause / resume calls; the citizen's API on the tests' clock."""
    calls: List[Tuple[str, bool]] = []
    app.state.portal = None  # made again below, with the recording pauser
    from bot.web import portal
    from tests.casedata import CHEAP_HASHER

    portal.configure(app, sessions=session_factory, clock=clock, hasher=CHEAP_HASHER,
                     pauser=lambda c, p: calls.append((c, p)))  # fmt: skip
    app.state.clock = clock
    with session_scope(session_factory) as s:
        add_case(s, CASE)
    return calls


@pytest.fixture
def citizen(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url=BASE) as client:
        yield client


def post(client: TestClient, path: str, **data: str):  # type: ignore[no-untyped-def]
    token = csrf_in(client.get(PAGE).text)
    return client.post(path, data={"csrf": token, **data}, follow_redirects=False)


def test_a_caseworker_writes_in_the_citizens_chat_and_gives_it_back(  # type: ignore[no-untyped-def]
    login_as, citizen: TestClient, paused, session_factory
) -> None:
    rie = login_as("raadgiver")
    page = rie.get(PAGE).text
    assert "Borgeren er ikke på chatsiden lige nu." in page
    assert "Skriv til borgeren i chatten" not in page
    refused = post(rie, f"{PAGE}/live/start")
    assert refused.status_code == 400 and "Borgeren er ikke på chatsiden lige nu." in refused.text

    # The citizen's page asks for news: now the caseworker may start.
    first = citizen.get(f"/api/live/{CONVERSATION}").json()
    assert first == {"watch": True, "active": False, "messages": []}
    assert "Skriv til borgeren i chatten" in rie.get(PAGE).text
    started = post(rie, f"{PAGE}/live/start")
    assert started.status_code == 303
    assert started.headers["location"] == f"{PAGE}?ok=live#h-live"
    assert paused == [(CONVERSATION, True)]

    news = citizen.get(f"/api/live/{CONVERSATION}").json()
    assert news["active"] is True and [m["sender"] for m in news["messages"]] == ["system"]
    assert news["messages"][0]["text"].startswith("En medarbejder fra Borgerrådgivningen")

    # The citizen's message goes to the caseworker, not to the assistant.
    answer = citizen.post("/api/chat", json={"sender": CONVERSATION, "message": "Hej! 010190-1234"})
    assert answer.status_code == 200
    assert answer.json() == {"messages": [], "watch": True, "live": True}
    assert post(rie, f"{PAGE}/live/besked", tekst="Hej, det er Rie. <b>Fed</b>").status_code == 303

    panel = rie.get(f"{PAGE}/live").json()
    assert [(m["from"], m["text"]) for m in panel["messages"][1:]] == [
        ("borger", "Hej! [CPR]"),
        ("personale", "Hej, det er Rie. <b>Fed</b>"),
    ]
    shown = rie.get(PAGE).text
    assert "Hej! [CPR]" in shown and "&lt;b&gt;Fed&lt;/b&gt;" in shown and "010190" not in shown
    assert "Giv tilbage til robotten" in shown

    after = news["messages"][-1]["id"]
    more = citizen.get(f"/api/live/{CONVERSATION}", params={"efter": after}).json()
    assert more["messages"] == [{
        "id": more["messages"][0]["id"], "sender": "personale",
        "afsender": "Medarbejder i Borgerrådgivningen", "text": "Hej, det er Rie. <b>Fed</b>",
    }]  # fmt: skip

    back = post(rie, f"{PAGE}/live/afslut")
    assert back.headers["location"] == f"{PAGE}?ok=live-slut#h-live"
    assert paused == [(CONVERSATION, True), (CONVERSATION, False)]
    last = citizen.get(f"/api/live/{CONVERSATION}", params={"efter": after}).json()
    assert last["active"] is False
    assert last["messages"][-1]["text"].startswith("Medarbejderen har afsluttet")
    with session_scope(session_factory) as s:
        steps = [e.action for e in audit.entries(s, case=CASE)]
    assert [a for a in steps if a.startswith("chat-")] == [
        audit.LIVE_START, audit.LIVE_MESSAGE, audit.LIVE_END
    ]


def test_not_offered_outside_office_hours(login_as, citizen, paused, clock) -> None:  # type: ignore[no-untyped-def]
    clock.advance(hours=9)  # 19:00
    citizen.get(f"/api/live/{CONVERSATION}")
    rie = login_as("raadgiver")
    assert "Det kan kun lade sig gøre i åbningstiden." in rie.get(PAGE).text
    assert post(rie, f"{PAGE}/live/start").status_code == 400
    assert paused == []


def test_the_live_api_refuses_bad_ids_and_knows_nothing_of_other_pages(citizen, paused) -> None:  # type: ignore[no-untyped-def]
    assert citizen.get("/api/live/kort").status_code == 400
    assert citizen.get(f"/api/live/{CONVERSATION}", params={"efter": -1}).status_code == 400
    other = citizen.get("/api/live/" + "x" * 32).json()
    assert other == {"watch": False, "active": False, "messages": []}


def test_staff_only(anonymous: TestClient, paused, login_as: Any) -> None:  # type: ignore[no-untyped-def]
    assert anonymous.get(f"{PAGE}/live", follow_redirects=False).status_code == 303
    assert login_as("traener").get(f"{PAGE}/live").status_code == 403
