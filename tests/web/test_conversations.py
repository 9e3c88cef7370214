""""Slet min samtale" and "Hent samtalen" (bot/web/conversations.py) over real HTTP, with
the tracker store's ``events`` table and the app data on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, func, select

from bot.core.clock import FixedClock
from bot.core.settings import ROOT
from bot.features import booking as bk
from bot.features.booking.guard import BookingLink
from bot.features.cases.tables import Case
from bot.features.fuldmagt.service import FuldmagtRequest, request_fuldmagt
from bot.infra.db import session_scope
from bot.infra.outbox import OutboxMail
from bot.infra.recipients import MailSent
from bot.web.app import create_app
from bot.web.stores import Stores
from tests.web.conftest import FakeStack, serve, web_settings

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2025, 11, 26, 10, 0, tzinfo=TZ)
MINE = "c0ffee00-1111-4222-8333-444455556666"
OTHER = "beef0000-1111-4222-8333-444455556666"
SECRET = "a-test-secret-for-the-keyed-hashes-0123456789"

events_meta = MetaData()
EVENTS = Table(  # the columns of Rasa 3.6's SQLTrackerStore
    "events",
    events_meta,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


def add_events(engine, sender: str, *events: tuple) -> None:  # type: ignore[no-untyped-def]
    rows = []
    for n, (kind, payload) in enumerate(events):
        ts = NOW.timestamp() + n
        rows.append(
            {"sender_id": sender, "type_name": kind, "timestamp": ts,
             "data": json.dumps({"event": kind, "timestamp": ts, **payload})}
        )  # fmt: skip
    with engine.begin() as conn:
        conn.execute(EVENTS.insert(), rows)


def conversation(engine, sender: str) -> None:  # type: ignore[no-untyped-def]
    add_events(
        engine, sender,
        ("action", {"name": "action_session_start"}),
        ("user", {"text": "/greet"}),
        ("bot", {"text": "Hej! Hvad kan jeg hjælpe med?",
                 "data": {"buttons": [{"title": "Book et møde", "payload": "/book"}]}}),
        ("user", {"text": "Mit CPR er [CPR] og jeg vil klage over §"}),
        ("bot", {"text": "Borgerrådgiveren kan hjælpe – ring på 99 31 16 18."}),
    )  # fmt: skip


class Web:
    def __init__(self, url: str, stores: Stores) -> None:
        self.url, self.stores = url, stores

    def count(self, model: Any, **where: Any) -> int:
        with self.stores.app() as session:
            stmt = select(func.count()).select_from(model)
            for name, value in where.items():
                stmt = stmt.where(getattr(model, name) == value)
            return int(session.execute(stmt).scalar_one())

    def events(self, sender: str) -> int:
        with self.stores.tracker.connect() as conn:
            stmt = select(func.count()).select_from(EVENTS).where(EVENTS.c.sender_id == sender)
            return int(conn.execute(stmt).scalar_one())


@pytest.fixture
def web(fake_stack: FakeStack, tmp_path: Path, session_factory, engine) -> Iterator[Web]:  # type: ignore[no-untyped-def]
    """The web app with the test database as app data and as tracker store."""
    events_meta.create_all(engine)
    settings = web_settings(fake_stack, tmp_path, hash_secret=SECRET)
    app = create_app(settings)
    app.state.stores = Stores(app=session_factory, tracker=engine)
    app.state.clock = FixedClock(at=NOW)
    with serve(app) as url:
        yield Web(url, app.state.stores)


def tied_to(web: Web, sender: str) -> bk.BookingInfo:
    """A fuldmagt request, a booking (with its mail link) and a case of ``sender``."""
    from tests.fakes import services

    settings = services(content_dir=ROOT / "content", hash_secret=SECRET).settings
    with session_scope(web.stores.app) as session:
        request_fuldmagt(
            session, conversation_id=sender, address="karen@eksempel.dk", settings=settings, now=NOW
        )
        bk.seed_from_file(session, ROOT / "content" / "booking.yml", now=NOW)
        terms = bk.policy_terms(settings, conversation_id=sender)
        info = bk.book(
            session,
            bk.BookingRequest(
                start=datetime(2025, 12, 3, 10, tzinfo=TZ), meeting_type=bk.IN_PERSON,
                topic="Min sag", name="Mette Hansen", phone="12345678", email="mette@example.dk",
                request_key=bk.request_key(sender, "2025-12-03T10:00"),
            ),
            now=NOW, texts=bk.cached_texts(ROOT / "content" / "booking.yml"), **terms,
        )  # fmt: skip
        session.add(
            Case(
                number="BR-2025-0001", conversation_id=sender, created_at=NOW.replace(tzinfo=None),
                due_at=NOW.replace(tzinfo=None), transcript="Du: [CPR]", summary_json="{}",
                consent_version="1", consent_at=NOW.replace(tzinfo=None), consent_scope="sag",
            )
        )  # fmt: skip
    return info


def test_delete_removes_the_conversation_and_what_is_tied_to_it(web: Web) -> None:
    conversation(web.stores.tracker, MINE)
    conversation(web.stores.tracker, OTHER)
    booked = tied_to(web, MINE)
    assert web.count(MailSent) == 1 and web.count(FuldmagtRequest) == 1

    r = httpx.delete(f"{web.url}/api/conversations/{MINE}")
    assert (r.status_code, r.content) == (204, b"")
    assert web.events(MINE) == 0 and web.events(OTHER) == 5  # only this one
    assert web.count(FuldmagtRequest) == 0
    with web.stores.app() as session:
        mail = session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars().first()
        assert mail is not None and mail.to_addr is None and mail.message is None
        booking = session.execute(select(bk.Booking)).scalar_one()
        link = session.execute(select(BookingLink)).scalar_one()
        # The booking the citizen keeps stays, without its link to the conversation.
        assert (booking.reference, booking.status) == (booked.reference, bk.ACTIVE)
        assert booking.request_key is None and link.conversation_hash is None
        assert session.execute(select(MailSent.origin_hash)).scalar_one() is None
    assert web.count(Case, conversation_id=MINE) == 1  # consented hand-over stays
    # Again, or an id nothing was stored for: 204 as well.
    assert httpx.delete(f"{web.url}/api/conversations/{MINE}").status_code == 204


@pytest.mark.parametrize(
    "bad", ["kort", "a" * 65, "ikke/tilladt-0123456789", "æøå-0123456789abcdef"]
)
def test_delete_refuses_an_id_the_page_never_makes(web: Web, bad: str) -> None:
    conversation(web.stores.tracker, MINE)
    r = httpx.delete(f"{web.url}/api/conversations/{bad}")
    assert r.status_code in (400, 404)
    assert web.events(MINE) == 5


def test_download_as_text_is_masked_as_stored(web: Web) -> None:
    conversation(web.stores.tracker, MINE)
    conversation(web.stores.tracker, OTHER)
    add_events(web.stores.tracker, OTHER, ("user", {"text": "andens hemmelighed"}))
    r = httpx.get(f"{web.url}/api/conversations/{MINE}/samtale.txt")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.headers["content-disposition"] == 'attachment; filename="samtale.txt"'
    text = r.text
    assert text.startswith("Samtale med Borgerrådgiver-assistenten")
    assert "Hentet 26. november 2025 kl. 10.00" in text
    assert "Du: (trykkede på en knap)" in text and "/greet" not in text
    assert "Assistenten: Hej! Hvad kan jeg hjælpe med?\nSvarmuligheder: Book et møde" in text
    assert "Du: Mit CPR er [CPR] og jeg vil klage over §" in text
    assert "andens hemmelighed" not in text


def test_download_of_nothing_says_so(web: Web) -> None:
    r = httpx.get(f"{web.url}/api/conversations/{MINE}/samtale.txt")
    assert r.status_code == 200 and "Der er ingen beskeder i samtalen" in r.text


def test_download_as_pdf(web: Web) -> None:
    conversation(web.stores.tracker, MINE)
    r = httpx.get(f"{web.url}/api/conversations/{MINE}/samtale.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert "Du: Mit CPR er [CPR] og jeg vil klage over §" in text
    assert "Borgerrådgiveren kan hjælpe – ring på 99 31 16 18." in text


def test_delete_then_download_is_empty(web: Web) -> None:
    conversation(web.stores.tracker, MINE)
    assert httpx.delete(f"{web.url}/api/conversations/{MINE}").status_code == 204
    after = httpx.get(f"{web.url}/api/conversations/{MINE}/samtale.txt")
    assert "Der er ingen beskeder" in after.text


def test_a_broken_tracker_store_is_503_in_danish(fake_stack: FakeStack, tmp_path: Path) -> None:
    from bot.infra.db import make_engine, make_session_factory

    settings = web_settings(fake_stack, tmp_path, hash_secret=SECRET)
    app = create_app(settings)
    down = make_engine("postgresql://postgres@127.0.0.1:1/nothing")
    app.state.stores = Stores(app=make_session_factory(down), tracker=down)
    with serve(app) as url:
        r = httpx.delete(f"{url}/api/conversations/{MINE}")
        assert r.status_code == 503
        assert "99 31 16 18" in r.json()["message"]
    down.dispose()


def test_delete_forgets_the_training_copies(web: Web) -> None:
    from bot.features.training.tables import Feedback, InboxItem
    from bot.infra.recipients import conversation_key

    at = NOW.replace(tzinfo=None)
    with session_scope(web.stores.app) as session:
        for sender in (MINE, OTHER):
            key = conversation_key(SECRET.encode(), sender)
            session.add(InboxItem(source_key=f"{key}:1", sender_id=sender, conversation_key=key,
                                  message_at=at, reason="lav", text="hjælp med [CPR]"))  # fmt: skip
            session.add(Feedback(created_at=at, sender_id=sender, conversation_key=key,
                                 helpful=False, comment="dårligt svar"))  # fmt: skip
    assert httpx.delete(f"{web.url}/api/conversations/{MINE}").status_code == 204
    assert web.count(InboxItem) == 1 and web.count(Feedback) == 1
    assert web.count(InboxItem, sender_id=OTHER) == 1
