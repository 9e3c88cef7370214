"""The citizen page and the embed widget in real headless Chromium (Debian's /usr/bin/chromium,
driven by Playwright), against the real web app and the fake Rasa."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, require_chromium
from tests.web.fakes import GREETING, HELLO_AGAIN, KONTAKT, MAX_CHARS, FakeRasa, host_page_app

pytestmark = pytest.mark.browser

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

PHONE = "99 31 16 18"
SCREENSHOT_DIR = Path(os.environ.get("BORGER_SCREENSHOT_DIR", "/tmp"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_chromium()
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):  # type: ignore[no-untyped-def]
    """Opens pages in fresh browser contexts (a new tab: empty sessionStorage); fails the
    test if the page breaks its own Content-Security-Policy or throws."""
    contexts: List[object] = []
    problems: List[str] = []

    def open_page(width: int = 1280, height: int = 900):  # type: ignore[no-untyped-def]
        context = browser.new_context(viewport={"width": width, "height": height}, locale="da-DK")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on(
            "console",
            lambda m: (
                problems.append(m.text)
                if m.type == "error" and "Content Security Policy" in m.text
                else None
            ),
        )
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert problems == []


@pytest.fixture
def page(new_page):  # type: ignore[no-untyped-def]
    return new_page()


def log(page):  # type: ignore[no-untyped-def]
    return page.get_by_role("log")


def message_input(page):  # type: ignore[no-untyped-def]
    return page.get_by_label("Skriv din besked")


def send_with_keyboard(page, text: str) -> None:  # type: ignore[no-untyped-def]
    message_input(page).focus()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_greeting_and_keyboard_only_chat(page, web_url: str, fake_rasa: FakeRasa) -> None:
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    expect(log(page)).to_have_attribute("aria-live", "polite")
    expect(page.get_by_text("Du skriver med en robot, ikke med et menneske.")).to_be_visible()
    expect(page.get_by_text("Skriv ikke dit CPR-nummer")).to_be_visible()
    # The greeting was requested silently: no "/greet" bubble.
    assert fake_rasa.messages() == ["/greet"]
    expect(page.locator(".bc-msg-user")).to_have_count(0)

    # Reach the input with Tab alone, and see a visible focus indicator on the way.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "TEXTAREA":
            break
    else:
        pytest.fail("the message input cannot be reached with Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"

    page.keyboard.type("hej")
    page.keyboard.press("Shift+Enter")  # newline, not send
    expect(message_input(page)).to_have_value("hej\n")
    assert fake_rasa.messages() == ["/greet"]
    page.keyboard.press("Backspace")
    page.keyboard.press("Enter")
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    expect(page.locator(".bc-msg-user .bc-bubble")).to_have_text(["Du: hej"])
    expect(message_input(page)).to_have_value("")
    assert fake_rasa.messages() == ["/greet", "hej"]


def test_quick_reply_button_and_links(page, web_url: str, fake_rasa: FakeRasa) -> None:
    page.goto(web_url)
    page.get_by_role("button", name="Klage over min sag").click()
    expect(page.locator(".bc-msg-user .bc-bubble")).to_have_text(["Du: Klage over min sag"])
    link = page.get_by_role("link", name=re.compile("^kommunens side"))
    expect(link).to_have_attribute("href", "https://www.aalborg.dk/borgerraadgivning")
    expect(link).to_have_attribute("target", "_blank")
    assert fake_rasa.messages() == ["/greet", "/klage"]
    # The used quick replies are gone; the line break in the answer is kept.
    expect(page.locator(".bc-quick-button")).to_have_count(0)
    last = page.locator(".bc-msg-bot .bc-bubble").last
    assert "sag.\nLæs mere" in last.inner_text()
    # Focus went back to the input for the next message.
    assert page.evaluate("document.activeElement.tagName") == "TEXTAREA"


def test_reload_keeps_transcript_and_start_forfra_clears_it(
    new_page, web_url: str, fake_rasa: FakeRasa
) -> None:
    page = new_page()
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    send_with_keyboard(page, "hej")
    expect(log(page)).to_contain_text(HELLO_AGAIN)

    page.reload()
    page.wait_for_load_state("networkidle")
    expect(log(page)).to_contain_text(GREETING)
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    expect(page.locator(".bc-msg-user .bc-bubble")).to_have_text(["Du: hej"])
    assert fake_rasa.messages() == ["/greet", "hej"]  # no second greeting
    first_id = fake_rasa.senders()[0]
    assert set(fake_rasa.senders()) == {first_id}
    assert re.fullmatch(r"[A-Za-z0-9_-]{16,64}", first_id)

    page.get_by_role("button", name="Start forfra").click()
    expect(log(page)).to_contain_text(GREETING)
    expect(log(page)).not_to_contain_text(HELLO_AGAIN)
    expect(page.locator(".bc-msg-user")).to_have_count(0)
    assert fake_rasa.messages()[-1] == "/greet"
    new_id = fake_rasa.senders()[-1]
    assert new_id != first_id

    page.reload()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".bc-msg-bot")).to_have_count(1)
    send_with_keyboard(page, "/kontakt")
    expect(log(page)).to_contain_text(KONTAKT)
    assert fake_rasa.senders()[-1] == new_id

    # A new tab (new browsing context) does not know the conversation.
    other = new_page()
    other.goto(web_url)
    expect(log(other)).to_contain_text(GREETING)
    expect(log(other)).not_to_contain_text(KONTAKT)
    assert fake_rasa.senders()[-1] not in {first_id, new_id}


def test_html_typed_by_user_is_shown_as_text(page, web_url: str, fake_rasa: FakeRasa) -> None:
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    evil = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2"><b>fed</b>'
    send_with_keyboard(page, evil)
    expect(page.locator(".bc-msg-user .bc-bubble")).to_have_text([f"Du: {evil}"])
    expect(page.locator(".bc-msg-bot .bc-bubble").last).to_have_text(
        f"Assistenten: Du skrev: {evil}"
    )
    assert fake_rasa.messages()[-1] == evil
    assert page.evaluate("window.__xss") is None
    expect(log(page).locator("script, img, b")).to_have_count(0)


def test_only_https_urls_become_links(page, web_url: str, fake_rasa: FakeRasa) -> None:
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    send_with_keyboard(page, "/links")
    bubble = page.locator(".bc-msg-bot .bc-bubble").last
    expect(bubble).to_contain_text(
        "[klik](javascript:alert(1)), http://usikker.example og <a href='x'>a</a>."
    )
    links = bubble.get_by_role("link")
    expect(links).to_have_count(1)
    expect(links).to_have_attribute("href", "https://www.aalborg.dk/borgerraadgivning")
    expect(links).to_have_attribute("rel", "noopener noreferrer")


def test_rasa_down_shows_danish_error_and_keeps_the_text(page, down_web_url: str) -> None:
    page.goto(down_web_url)
    errors = page.locator(".bc-msg-error")
    expect(errors).to_have_count(1)  # the greeting failed
    expect(errors.first).to_contain_text("kan ikke svare lige nu")
    expect(errors.first).to_contain_text(PHONE)
    send_with_keyboard(page, "hej")
    expect(errors).to_have_count(2)
    expect(errors.last).to_contain_text(PHONE)
    expect(message_input(page)).to_have_value("hej")
    expect(page.locator(".bc-msg-user")).to_have_count(0)


def test_network_failure_shows_default_message(page, web_url: str, fake_rasa: FakeRasa) -> None:
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    page.route("**/api/chat", lambda route: route.abort())
    send_with_keyboard(page, "hej")
    error = page.locator(".bc-msg-error")
    expect(error).to_contain_text("Beskeden kunne ikke sendes")
    expect(error).to_contain_text(PHONE)
    expect(message_input(page)).to_have_value("hej")
    page.unroute("**/api/chat")
    page.keyboard.press("Enter")  # retry the kept text
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    expect(message_input(page)).to_have_value("")


def test_too_long_message_shows_the_servers_message(
    page, web_url: str, fake_rasa: FakeRasa
) -> None:
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    text = "a" * (MAX_CHARS + 1)
    message_input(page).fill(text)
    page.keyboard.press("Enter")
    expect(page.locator(".bc-msg-error")).to_contain_text(f"højst være på {MAX_CHARS} tegn")
    expect(message_input(page)).to_have_value(text)


def test_contact_box_shows_phone_numbers_and_address(page, web_url: str) -> None:
    page.goto(web_url)
    box = page.get_by_role("complementary", name="Tal med et menneske")
    expect(box).to_contain_text("Borgerrådgivningen: 99 31 16 18")
    expect(box).to_contain_text("99 31 19 67")
    expect(box).to_contain_text("Boulevarden 13")
    expect(box.get_by_role("link", name="99 31 19 67")).to_have_attribute("href", "tel:+4599311967")


@contextmanager
def widget_host(
    start_web: Callable[..., str],
    serve_app: Callable[..., Any],
    free_port_factory: Callable[[], int],
    allowed: bool,
) -> Iterator[str]:
    """A host page on its own origin embedding widget.js from the web app."""
    host_port = free_port_factory()
    host_origin = f"http://127.0.0.1:{host_port}"
    web = start_web(cors_origins=[host_origin] if allowed else ["https://www.aalborg.dk"])
    with serve_app(host_page_app(f"{web}/static/widget.js"), host_port) as host_url:
        yield host_url


def chat_frame(page):  # type: ignore[no-untyped-def]
    """The chat inside the widget's iframe (served by the web app, not the host)."""
    return page.frame_locator("iframe.bc-frame")


def test_widget_on_another_origin_opens_and_chats(
    new_page, start_web, serve_app, free_port_factory, fake_rasa: FakeRasa
) -> None:
    with widget_host(start_web, serve_app, free_port_factory, allowed=True) as host_url:
        page = new_page(360, 740)
        page.goto(host_url)
        launcher = page.get_by_role("button", name="Chat med os")
        expect(launcher).to_be_visible()
        # Nothing is sent before the citizen opens the chat.
        assert fake_rasa.received == []
        launcher.click()
        expect(page.get_by_role("dialog", name="Chat med Borgerrådgivningen")).to_be_visible()
        chat = chat_frame(page)
        expect(chat.get_by_role("log")).to_contain_text(GREETING)
        # Focus moved into the chat: type straight away.
        expect(chat.get_by_label("Skriv din besked")).to_be_focused()
        page.keyboard.type("hej")
        page.keyboard.press("Enter")
        expect(chat.get_by_role("log")).to_contain_text(HELLO_AGAIN)
        # Not in the host's document: in an iframe, and the host's red 10px text does not leak in.
        assert page.evaluate("document.querySelector('.bc-root')") is None
        bubble = chat.locator(".bc-msg-bot .bc-bubble").first
        assert bubble.evaluate("e => getComputedStyle(e).color") != "rgb(255, 0, 0)"
        assert bubble.evaluate("e => getComputedStyle(e).fontSize") == "16px"
        page.screenshot(path=str(SCREENSHOT_DIR / "borger-widget-360.png"))
        # Escape (typed inside the chat) closes the panel and gives focus back to the launcher.
        page.keyboard.press("Escape")
        expect(page.get_by_role("dialog")).to_be_hidden()
        expect(page.get_by_role("button", name="Chat med os")).to_be_focused()
        assert fake_rasa.messages() == ["/greet", "hej"]


def test_the_host_page_cannot_read_the_chat_or_its_storage(
    new_page, start_web, serve_app, free_port_factory, fake_rasa: FakeRasa
) -> None:
    """Issue 12, medium 5: the history (CPR numbers, health details) and the conversation id
    stay on the chat server's origin; scripts on www.aalborg.dk cannot read them."""
    with widget_host(start_web, serve_app, free_port_factory, allowed=True) as host_url:
        page = new_page()
        page.goto(host_url)
        page.get_by_role("button", name="Chat med os").click()
        chat = chat_frame(page)
        expect(chat.get_by_role("log")).to_contain_text(GREETING)
        chat.get_by_label("Skriv din besked").fill("min diagnose er HEMMELIG")
        chat.get_by_label("Skriv din besked").press("Enter")
        expect(chat.get_by_role("log")).to_contain_text("Du skrev: min diagnose er HEMMELIG")
        conversation_id = fake_rasa.senders()[-1]

        # What a script on the host page sees:
        host_storage = page.evaluate(
            "JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage),"
            " document.cookie])"
        )
        assert "HEMMELIG" not in host_storage and conversation_id not in host_storage
        blocked = page.evaluate(
            """() => {
                const root = document.getElementById('borger-chat-widget').shadowRoot;
                const frame = root.querySelector('iframe');
                const out = {src: frame.src, document: frame.contentDocument === null};
                try { frame.contentWindow.sessionStorage.length; out.storage = 'readable'; }
                catch (e) { out.storage = e.name; }
                try { frame.contentWindow.document.body; out.body = 'readable'; }
                catch (e) { out.body = e.name; }
                out.text = document.documentElement.outerHTML.includes('HEMMELIG')
                    || root.innerHTML.includes('HEMMELIG');
                return out;
            }"""
        )
        assert blocked["src"].endswith("/embed") and not blocked["src"].startswith(host_url)
        assert blocked == {**blocked, "document": True, "storage": "SecurityError",
                           "body": "SecurityError", "text": False}  # fmt: skip
        # The history is in the iframe's own storage, on the web app's origin.
        frame = next(f for f in page.frames if f.url.endswith("/embed"))
        inside = frame.evaluate("JSON.stringify(Object.entries(sessionStorage))")
        assert "HEMMELIG" in inside and conversation_id in inside


def test_widget_on_an_origin_not_allowed_is_not_framed(
    browser, start_web, serve_app, free_port_factory, fake_rasa: FakeRasa
) -> None:
    with widget_host(start_web, serve_app, free_port_factory, allowed=False) as host_url:
        # Its own context: Chromium reports the refused frame as a CSP error, on purpose.
        context = browser.new_context(locale="da-DK")
        try:
            page = context.new_page()
            page.goto(host_url)
            page.get_by_role("button", name="Chat med os").click()
            error = page.locator(".bc-load-error")
            expect(error).to_contain_text("Chatten kunne ikke indlæses", timeout=20_000)
            expect(error).to_contain_text(PHONE)
            assert fake_rasa.received == []  # the chat never ran on the host page
        finally:
            context.close()


def test_delete_my_conversation(page, web_url: str, fake_rasa: FakeRasa) -> None:
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    send_with_keyboard(page, "hej")
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    first_id = fake_rasa.senders()[-1]
    download = page.get_by_role("link", name="Hent samtalen")
    path = f"/api/conversations/{first_id}/samtale.txt"
    expect(download).to_have_attribute("href", re.compile(re.escape(path) + "$"))
    with page.expect_download() as fetched:
        download.click()
    assert fetched.value.suggested_filename == "samtale.txt"

    page.get_by_role("button", name="Slet min samtale").click()
    ask = page.get_by_role("group", name=re.compile("Vil du slette samtalen"))
    expect(ask).to_be_visible()
    expect(page.get_by_role("button", name="Fortryd")).to_be_focused()
    with page.expect_response(lambda r: r.request.method == "DELETE") as answer:
        page.get_by_role("button", name="Ja, slet samtalen").click()
    assert answer.value.status == 204
    assert answer.value.url.endswith(f"/api/conversations/{first_id}")
    notice = page.locator(".bc-deleted")
    expect(notice).to_contain_text("Samtalen er slettet")
    expect(notice).to_contain_text("mødet ikke slettet")
    expect(notice).to_contain_text("sagen ikke slettet")
    expect(page.locator(".bc-msg")).to_have_count(0)
    stored = page.evaluate("JSON.stringify(Object.entries(sessionStorage))")
    assert first_id not in stored and "hej" not in stored
    # Writing again starts a new conversation.
    send_with_keyboard(page, "hej")
    expect(log(page)).to_contain_text(HELLO_AGAIN)
    assert fake_rasa.senders()[-1] != first_id
    expect(notice).to_be_hidden()


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_fit_the_screen(
    new_page, web_url: str, fake_rasa: FakeRasa, width: int
) -> None:
    page = new_page(width, 800)
    page.goto(web_url)
    expect(log(page)).to_contain_text(GREETING)
    page.get_by_role("button", name="Klage over min sag").click()
    expect(page.get_by_role("link", name=re.compile("^kommunens side"))).to_be_visible()
    send_with_keyboard(page, "Kan I hjælpe med en klage over min bolig? 🏠")
    expect(page.locator(".bc-msg-bot")).to_have_count(3)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENSHOT_DIR / f"borger-chat-{width}.png"), full_page=True)
