""""Hjalp svaret?" on the chat page in headless Chromium: asked under an answer to the
citizen (not under the greeting), "Nej" with a comment reaches the database masked."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.infra.db import make_engine
from tests.web.fakes import GREETING, HELLO_AGAIN, FakeRasa
from tests.web.test_page_browser import browser, log, new_page, send_with_keyboard  # noqa: F401

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect


def test_no_with_a_comment(new_page, web_url: str, fake_rasa: FakeRasa, tmp_path: Path) -> None:  # noqa: F811
    page = new_page()
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    expect(page.locator(".bc-feedback")).to_have_count(0)  # not under the greeting
    send_with_keyboard(page, "hej")
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    question = page.get_by_role("group", name="Hjalp svaret?")
    expect(question).to_be_visible()
    question.get_by_role("button", name="Nej").click()
    comment = page.get_by_label("Vil du skrive, hvad der manglede?", exact=False)
    comment.fill("Jeg manglede telefonnummeret, mit er 22 33 44 55")
    question.get_by_role("button", name="Send kommentar").click()
    expect(page.get_by_role("status").filter(has_text="Tak for dit svar")).to_be_visible(
        timeout=60_000
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'app.db'}")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT helpful, comment FROM training_feedback")).all()
    engine.dispose()
    assert [(bool(h), c) for h, c in rows] == [
        (False, "Jeg manglede telefonnummeret, mit er [TELEFON]")
    ]
    # A new answer asks again; only the newest one is asked about.
    send_with_keyboard(page, "hej igen")
    expect(page.locator(".bc-feedback:not(.bc-feedback-done)")).to_have_count(1)


def test_the_embedded_widget_asks_too(new_page, web_url: str, fake_rasa: FakeRasa) -> None:  # noqa: F811
    """The iframe on the kommune's pages (/embed) is the chat most citizens use."""
    page = new_page()
    page.goto(web_url.rstrip("/") + "/embed")
    expect(log(page)).to_contain_text(GREETING)
    send_with_keyboard(page, "hej")
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    question = page.get_by_role("group", name="Hjalp svaret?")
    expect(question).to_be_visible()
    question.get_by_role("button", name="Ja").click()
    expect(page.get_by_role("status").filter(has_text="Tak for dit svar")).to_be_visible(
        timeout=60_000
    )
