"""The citizen page in headless Chromium against the real, running stack."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.integration.conftest import Stack

pytestmark = [pytest.mark.stack, pytest.mark.browser]

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect


@pytest.fixture(scope="module")
def page() -> Iterator[object]:
    require_chromium()
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        context = browser.new_context(locale="da-DK")
        page = context.new_page()
        page.set_default_timeout(60_000)
        yield page
        browser.close()


def test_greeting_answer_and_quick_reply_with_the_real_bot(page, stack: Stack) -> None:  # type: ignore[no-untyped-def]
    page.goto(stack.web + "/")
    log = page.get_by_role("log")
    expect(log).to_contain_text("Borgerrådgivningen i Aalborg Kommune")

    box = page.get_by_label("Skriv din besked")
    box.fill("Hvad kan borgerrådgiveren hjælpe med?")
    box.press("Enter")
    expect(log).to_contain_text("hjælpe dig med at forstå afgørelser")

    page.get_by_role("button", name="Hvad kan I ikke hjælpe med?").last.click()
    expect(log).to_contain_text("Borgerrådgivningen kan ikke")

    box.fill("Min boligstøtte er blevet sat ned, og jeg forstår ikke hvorfor")
    box.press("Enter")
    expect(log).to_contain_text("Udbetaling Danmark")
