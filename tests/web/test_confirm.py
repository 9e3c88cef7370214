"""/bekraeft/{token} (bot/web/confirm.py) over real HTTP: the link in the first booking
mail to an address confirms it (by a button, not by opening the link) and the mail with
the meeting follows."""

from __future__ import annotations

from datetime import datetime
from email import message_from_bytes
from email import policy as email_policy
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from bot.core.clock import FixedClock
from bot.core.settings import ROOT
from bot.features import booking as bk
from bot.infra.db import session_scope
from bot.infra.outbox import OutboxMail
from bot.web.app import create_app
from bot.web.stores import Stores
from tests.web.conftest import FakeStack, serve, web_settings

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2025, 11, 26, 10, 0, tzinfo=TZ)
SECRET = "a-test-secret-for-the-keyed-hashes-0123456789"
PUBLIC = "https://chat.example.dk"


@pytest.fixture
def web(fake_stack: FakeStack, tmp_path: Path, session_factory, engine) -> Iterator[tuple]:  # type: ignore[no-untyped-def]
    settings = web_settings(fake_stack, tmp_path, hash_secret=SECRET, public_url=PUBLIC)
    app = create_app(settings)
    app.state.stores = Stores(app=session_factory, tracker=engine)
    app.state.clock = FixedClock(at=NOW)
    with session_scope(session_factory) as session:
        bk.seed_from_file(session, ROOT / "content" / "booking.yml", now=NOW)
        bk.book(
            session,
            bk.BookingRequest(
                start=datetime(2025, 12, 3, 10, tzinfo=TZ), meeting_type=bk.IN_PERSON,
                topic="Min sag", name="Mette Hansen", phone="12345678", email="mette@example.dk",
            ),
            now=NOW, texts=bk.cached_texts(ROOT / "content" / "booking.yml"),
            **bk.policy_terms(settings, conversation_id="samtale-1"),
        )  # fmt: skip
    with serve(app) as url:
        yield url, session_factory


def mails(factory) -> list:  # type: ignore[no-untyped-def]
    with factory() as session:
        return list(session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars())


def body(mail: OutboxMail) -> str:
    msg = message_from_bytes(mail.message, policy=email_policy.default)
    return str(msg.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def link_path(factory) -> str:  # type: ignore[no-untyped-def]
    text = body(mails(factory)[0])
    start = text.index(PUBLIC + "/bekraeft/")
    return text[start + len(PUBLIC) :].split()[0]


def test_opening_the_link_confirms_nothing_the_button_does(web) -> None:  # type: ignore[no-untyped-def]
    url, factory = web
    path = link_path(factory)
    page = httpx.get(url + path)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Bekræft min e-mailadresse" in page.text and "<form method='post'>" in page.text
    assert "Mette" not in page.text
    assert len(mails(factory)) == 1  # a mail scanner opening the link sends nothing

    done = httpx.post(url + path)
    assert done.status_code == 200
    assert "Din e-mailadresse er bekræftet" in done.text
    sent = mails(factory)
    assert len(sent) == 2 and sent[1].key.startswith("booking:") and sent[1].key.endswith(":0")
    assert "Kære Mette Hansen" in body(sent[1])
    again = httpx.post(url + path)
    assert "ikke noget kommende møde" in again.text and len(mails(factory)) == 2


@pytest.mark.parametrize("token", ["forkert-men-langt-nok-123", "kort", "x" * 101])
def test_a_wrong_link_gets_a_danish_page_with_the_phone(web, token: str) -> None:  # type: ignore[no-untyped-def]
    url, factory = web
    for response in (httpx.get(f"{url}/bekraeft/{token}"), httpx.post(f"{url}/bekraeft/{token}")):
        assert response.status_code == 404
        assert "Linket virker ikke" in response.text and "99 31 16 18" in response.text
    assert len(mails(factory)) == 1
