"""Live reply in two real Chromium windows: the citizen on the chat page, the caseworker
on the case page. The caseworker takes the chat over (the stand-in Rasa is paused over
its HTTP API), both write, the citizen sees the caseworker's messages marked as from a
person, "Giv tilbage til robotten" resumes the assistant. axe-core finds no WCAG 2.1 AA
violation on either page while the live chat is on."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from bot.app.schema import create_schema
from bot.core.settings import Settings
from bot.infra.db import make_engine, make_session_factory, session_scope
from tests.bot.features.booking.helpers import SECRET
from tests.casedata import NOW, PASSWORD, add_case, add_user
from tests.web.conftest import serve
from tests.web.fakes import GREETING, HELLO_AGAIN, TOKEN
from tests.web.portal.conftest import MovableClock, build_app
from tests.web.portal.test_portal_browser import browser, no_violations  # noqa: F401
from tests.web.test_page_browser import log, new_page, send_with_keyboard  # noqa: F401

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

CASE = "BR-2026-0042"


@pytest.fixture
def site(tmp_path: Path, fake_stack) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    create_schema(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        add_user(s, "rie", "raadgiver")
    settings = Settings(
        database_url=url, var_dir=tmp_path / "var", rasa_token=TOKEN,
        rasa_port=fake_stack.rasa_port, action_port=fake_stack.action_port,
        hash_secret=SECRET.decode(), portal_cookie_secure=False,
    )  # fmt: skip
    clock = MovableClock(NOW)  # a Tuesday at 10:00, in office hours
    app = build_app(factory, settings, clock)
    app.state.clock = clock
    fake_stack.rasa.reset()
    with serve(app) as base:
        yield base, factory, fake_stack.rasa
    fake_stack.rasa.reset()
    engine.dispose()


def test_a_caseworker_takes_the_chat_over_and_gives_it_back(new_page, site) -> None:  # noqa: F811
    base, factory, rasa = site
    citizen = new_page()
    citizen.goto(f"{base}/")
    expect(log(citizen)).to_contain_text(GREETING)
    conversation = citizen.evaluate(
        "JSON.parse(sessionStorage.getItem('borger-chat:v1:' + location.origin)).id"
    )
    # The citizen handed the conversation over (the hand-over itself: test_handover.py).
    with session_scope(factory) as s:
        add_case(s, CASE).conversation_id = conversation
    send_with_keyboard(citizen, "hej")
    expect(log(citizen)).to_contain_text(HELLO_AGAIN)

    staff = new_page()
    staff.goto(f"{base}/personale/sager/{CASE}")
    staff.get_by_label("Brugernavn").fill("rie")
    staff.get_by_label("Adgangskode").fill(PASSWORD)
    staff.get_by_role("button", name="Log ind").click()
    # The citizen's page asks every 5 s; the panel notices and offers the take-over.
    start = staff.get_by_role("button", name="Skriv til borgeren i chatten")
    expect(start).to_be_visible(timeout=20_000)
    start.click()
    expect(staff.get_by_role("status")).to_contain_text("Du skriver nu med borgeren")
    assert (conversation, "pause") in rasa.events

    banner = citizen.locator(".bc-live")
    expect(banner).to_be_visible(timeout=15_000)
    expect(banner).to_have_text(
        "Du skriver nu med en medarbejder fra Borgerrådgivningen, ikke med robotten."
    )
    expect(log(citizen)).to_contain_text("En medarbejder fra Borgerrådgivningen har læst")
    # The banner has its own row: the conversation keeps its width (it once lost it).
    assert log(citizen).bounding_box()["width"] > 600

    staff.get_by_label("Besked til borgeren", exact=False).fill("Hej, det er Rie. Hvad skete der?")
    staff.get_by_role("button", name="Send til borgeren").click()
    from_person = citizen.locator(".bc-msg-staff").last
    expect(from_person).to_contain_text(
        "Medarbejder i Borgerrådgivningen: Hej, det er Rie. Hvad skete der?", timeout=15_000
    )
    no_violations(citizen)

    send_with_keyboard(citizen, "De har ikke svaret i 3 måneder")
    expect(staff.locator("#live-beskeder")).to_contain_text(
        "Borgeren, 10:00: De har ikke svaret i 3 måneder", timeout=15_000
    )
    assert "De har ikke svaret i 3 måneder" not in rasa.messages()  # not to the assistant
    # "Hjalp svaret?" is asked under the assistant's answer before, not under a person's.
    expect(citizen.locator(".bc-feedback")).to_have_count(1)
    no_violations(staff)

    staff.get_by_role("button", name="Giv tilbage til robotten").click()
    expect(staff.get_by_role("status")).to_contain_text("givet tilbage")
    expect(log(citizen)).to_contain_text("Nu svarer den digitale assistent dig igen",
                                         timeout=15_000)  # fmt: skip
    expect(banner).to_be_hidden()
    assert rasa.events[-1] == (conversation, "resume")
    send_with_keyboard(citizen, "hej")
    expect(log(citizen).locator(".bc-msg-bot").last).to_have_text(
        "Assistenten: " + HELLO_AGAIN
    )
    # A reload keeps the person's messages where they were.
    citizen.reload()
    expect(citizen.locator(".bc-msg-staff")).to_have_count(1)
