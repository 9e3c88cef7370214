"""The portal in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
login → queue → case → note → close → booking move, keyboard only where it matters, and
axe-core (axe-playwright-python) finds no WCAG 2.1 AA violation on any portal page nor
on the citizen's chat page."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator, List

import pytest

from bot.app.schema import create_schema
from bot.core.settings import Settings
from bot.features import booking as bk
from bot.infra.db import make_engine, make_session_factory, session_scope
from tests.bot.features.booking.helpers import DATA, SECRET, confirm_mailbox, policy, request
from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.casedata import NOW, PASSWORD, add_case, add_user
from tests.web.conftest import serve
from tests.web.fakes import GREETING, TOKEN
from tests.web.portal.conftest import CASE, HOSTILE, SECRET_MARK, MovableClock, build_app

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")
expect = playwright_api.expect

WCAG_21_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    require_chromium()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def site(tmp_path: Path, fake_stack) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    """The web app (portal and chat page) on SQLite, the fake Rasa behind the chat."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    engine = make_engine(url)
    create_schema(engine)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        add_user(s, "rie", "raadgiver")
        add_user(s, "ada", "admin")
        add_case(s, CASE, transcript=f"Borger: {HOSTILE}\nBorger: {SECRET_MARK}")
        add_case(s, "BR-2026-0002", tags="haster")
        bk.seed_from_file(s, DATA, now=NOW)
        confirm_mailbox(s, "ole@example.dk", now=NOW)
        meeting = bk.book(s, request(NOW.replace(day=3), email="ole@example.dk"), now=NOW,
                          texts=bk.load_texts(DATA), policy=policy())  # fmt: skip
    settings = Settings(
        database_url=url,
        var_dir=tmp_path / "var",
        rasa_token=TOKEN,
        rasa_port=fake_stack.rasa_port,
        action_port=fake_stack.action_port,
        hash_secret=SECRET.decode(),
        portal_cookie_secure=False,  # plain http on 127.0.0.1
    )
    app = build_app(factory, settings, MovableClock(NOW))
    with serve(app) as base:
        yield base, meeting
    engine.dispose()


@pytest.fixture
def page(browser):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="da-DK")
    p = context.new_page()
    p.set_default_timeout(10_000)
    problems: List[str] = []
    p.on(
        "console",
        lambda m: (
            problems.append(m.text)
            if m.type == "error" and "Content Security Policy" in m.text
            else None
        ),
    )
    p.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield p
    context.close()
    assert problems == []


def no_violations(page) -> None:  # type: ignore[no-untyped-def]
    results = axe_api.Axe().run(page, options=WCAG_21_AA)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def test_login_queue_case_note_close_and_move_a_meeting(page, site) -> None:  # type: ignore[no-untyped-def]
    base, meeting = site
    page.goto(f"{base}/personale/sager")
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()
    no_violations(page)
    # Keyboard only: the name field has the focus, Tab goes on, Enter logs in.
    expect(page.get_by_label("Brugernavn")).to_be_focused()
    page.keyboard.type("rie")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Sager", exact=True)).to_be_visible()
    assert page.url.endswith("/personale/sager")
    no_violations(page)
    # The first Tab reaches the skip link, visibly, and it leads to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Spring til indholdet")
    expect(skip).to_be_focused()
    assert skip.bounding_box()["x"] >= 0
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "indhold"
    rows = page.get_by_role("row")
    expect(rows.nth(1)).to_contain_text("BR-2026-0002")  # the newest first
    page.get_by_role("link", name=CASE).click()

    expect(page.get_by_role("heading", name=f"Sag {CASE}")).to_be_visible()
    no_violations(page)
    transcript = page.locator("pre.samtale")
    expect(transcript).to_contain_text(HOSTILE)
    assert page.evaluate("window.__xss") is None
    expect(page.locator("main script, main img, main b")).to_have_count(0)

    page.get_by_label("Ny note").fill("Ringede til borgeren.")
    page.get_by_role("button", name="Gem note").click()
    expect(page.get_by_role("status")).to_have_text("Noten er gemt.")
    expect(page.locator("article.post-note")).to_contain_text("Ringede til borgeren.")

    page.get_by_label("Udfald (tælles i rapporten)").select_option("dialogmoede")
    page.get_by_role("button", name="Afslut sagen").click()
    expect(page.get_by_role("status")).to_have_text("Sagen er afsluttet.")
    expect(page.locator("dl.fakta").first).to_contain_text("afsluttet: Dialogmøde")
    no_violations(page)

    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Møder").click()
    expect(page.get_by_role("heading", name="Møder")).to_be_visible()
    no_violations(page)
    ref = meeting.reference
    page.get_by_label(f"Ny dato for {ref}").fill("2026-12-04")
    page.get_by_label(f"Nyt klokkeslæt for {ref}").fill("11:00")
    page.get_by_role("button", name=f"Flyt møde {ref}").click()
    expect(page.get_by_role("status")).to_contain_text("Mødet er flyttet")
    expect(page.get_by_role("row", name=ref)).to_contain_text("04.12.2026 kl. 11.00")

    for path, heading in (("/personale/udbakke", "Udbakke"), ("/personale/rapport", "Rapport")):
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        no_violations(page)
    expect(page.get_by_role("row", name="Dialogmøde mellem borger og forvaltning")).to_contain_text(
        "1"
    )
    page.goto(f"{base}/personale/")
    no_violations(page)
    page.get_by_role("button", name="Log ud").click()
    expect(page.get_by_role("status")).to_have_text("Du er logget ud.")
    page.goto(f"{base}/personale/sager/{CASE}")
    expect(page.get_by_role("heading", name="Log ind")).to_be_visible()


def test_the_admin_pages_and_the_refusals_have_no_violations(page, site) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    page.goto(f"{base}/personale/login")
    page.get_by_label("Brugernavn").fill("ada")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("heading", name="Velkommen, ada")).to_be_visible()
    for path, heading in (
        ("/personale/brugere", "Brugere"),
        ("/personale/log", "Revisionslog"),
        ("/personale/sager", "Ingen adgang"),  # an admin is no rådgiver
        ("/personale/sager/BR-2099-0001", "Ingen adgang"),
    ):
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        no_violations(page)
    page.goto(f"{base}/personale/log")
    expect(page.get_by_role("table")).to_contain_text("Logget ind")
    # A form with a wrong CSRF token, and a form sent after the session is gone.
    page.goto(f"{base}/personale/brugere")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(i => i.value = 'x')")
    page.get_by_role("button", name="Deaktivér rie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Formularen blev afvist")
    no_violations(page)
    page.goto(f"{base}/personale/brugere")
    page.context.clear_cookies()
    page.get_by_role("button", name="Deaktivér rie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ikke logget ind")
    no_violations(page)


def test_a_wrong_password_and_a_missing_case_are_accessible_too(page, site) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    page.goto(f"{base}/personale/login")
    page.get_by_label("Brugernavn").fill("rie")
    page.get_by_label("Adgangskode").fill("forkert-adgangskode")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_role("alert")).to_contain_text("Brugernavn eller adgangskode er forkert")
    no_violations(page)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_label("Brugernavn").fill("rie")
    page.get_by_role("button", name="Log ind").click()
    page.goto(f"{base}/personale/sager/BR-2026-9999")
    expect(page.get_by_role("heading", level=1)).to_have_text("Findes ikke")
    no_violations(page)


def test_the_chat_page_has_no_violations(page, site) -> None:  # type: ignore[no-untyped-def]
    base, _ = site
    page.goto(base + "/")
    expect(page.get_by_role("log")).to_contain_text(GREETING)
    no_violations(page)
