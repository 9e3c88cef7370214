"""The hand-over against the running stack: the case row exists after the conversation.

A citizen hands a conversation over in the chat; the stack's app database then holds the
case with the masked transcript, the summary, the consent and the contact wish, and what
the citizen adds afterwards. Outside office hours (made so by closing the office today in
the stack's own copy of content/booking.yml) the receipt says when the office opens; the
conversations with ``needs: kontor_lukket`` in tests/transcripts/handover.yml are held then.
"""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Iterator
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from bot.features.booking.sync import ensure_seeded
from bot.features.cases.tables import CITIZEN, Case, CaseEntry
from bot.features.handover.content import load_handover
from bot.infra.db import make_engine, make_session_factory, session_scope
from tests.integration.conftest import Stack
from tests.transcripts.runner import Chat, hold, load_conversations

pytestmark = pytest.mark.stack

CLOSED = [c for c in load_conversations() if c.needs == "kontor_lukket"]


def the_case(stack: Stack, sender: str) -> tuple:
    """The conversation's case in the stack's app database (None) and its entries."""
    engine = make_engine(stack.settings.app_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            found = select(Case).where(Case.conversation_id == sender)
            case = session.execute(found).scalar_one_or_none()
            if case is None:
                return None, []
            rows = select(CaseEntry).where(CaseEntry.case_id == case.id)
            return case, [(e.kind, e.text) for e in session.execute(rows).scalars()]
    finally:
        engine.dispose()


def test_a_handed_over_conversation_is_a_case_with_a_masked_transcript(stack: Stack) -> None:
    chat = Chat(stack.web)
    chat.send(
        "Min sagsbehandler på jobcentret har ikke svaret på mine mails i 5 måneder. "
        "Mit cpr er 010190-1234"
    )
    chat.click("^Ja$")  # "Har du prøvet at løse det med kommunen først?" (§ 14)
    chat.click("Send min sag til en medarbejder")
    chat.click("^Ja, send det videre")
    chat.send("12 34 56 78")
    receipt = chat.send("om formiddagen")
    number = next(t for t in receipt.texts if "sagsnummer" in t).split("sagsnummer er ")[1][:12]
    chat.click("Tilføj mere til sagen")
    added = chat.send("Jeg har også ringet to gange. cpr 0101901234")
    assert any(number in t for t in added.texts), chat.transcript()

    case, entries = the_case(stack, chat.sender)
    assert case is not None, chat.transcript()
    assert case.number == number and case.status == "ny"
    assert "Borger: Min sagsbehandler på jobcentret" in case.transcript
    assert "[CPR]" in case.transcript and "010190" not in case.transcript
    assert "[Knap] Send min sag til en medarbejder" in case.transcript
    assert "Assistent: Det kan Borgerrådgivningen hjælpe med" in case.transcript
    summary = json.loads(case.summary_json)
    assert summary["route"]["within_remit"] is True
    assert summary["route"]["statute"].startswith("Borgerrådgivningens vedtægt §")
    assert summary["paragraph_14"] == {"asked": True, "tried_the_administration": True}
    assert summary["contact"] == {
        "method": "telefon",
        "value": "12345678",
        "when": "om formiddagen",
    }
    content = load_handover(stack.settings.content_dir / "handover.yml")
    assert case.consent_version == content.samtykke.version_id
    assert case.consent_scope == "samtale,resume,kontakt"
    assert (case.contact_method, case.contact_value) == ("telefon", "12345678")
    assert case.due_at > case.created_at
    assert entries == [(CITIZEN, "Jeg har også ringet to gange. cpr [CPR]")]


def test_no_keeps_no_case(stack: Stack) -> None:
    chat = Chat(stack.web)
    chat.send("kan jeg tale med en rigtig person")
    chat.click("^Nej$")
    assert the_case(stack, chat.sender) == (None, [])


@pytest.fixture
def office_closed_today(stack: Stack) -> Iterator[None]:
    """Today is a closed day in the stack's content/booking.yml (restored afterwards)."""
    path = stack.settings.content_dir / "booking.yml"
    engine = make_engine(stack.settings.app_database_url)
    with session_scope(make_session_factory(engine)) as session:
        # Booking keeps its hours in the database: seed it from the unchanged file first.
        ensure_seeded(session, path, tz=stack.settings.timezone)
    engine.dispose()
    original = path.read_text(encoding="utf-8")
    today = datetime.now(ZoneInfo(stack.settings.timezone)).date()
    closed = f"lukkedage:\n  - dato: {today.isoformat()}\n    grund: Test af lukketid\n"
    assert original.count("lukkedage: []\n") == 1
    path.write_text(original.replace("lukkedage: []\n", closed), encoding="utf-8")
    time.sleep(2.5)  # content files are checked at most once a second
    try:
        yield
    finally:
        path.write_text(original, encoding="utf-8")
        time.sleep(2.5)


@pytest.mark.parametrize("conv", CLOSED, ids=[c.id for c in CLOSED])
def test_outside_office_hours(stack: Stack, office_closed_today: None, conv) -> None:  # type: ignore[no-untyped-def]
    today = datetime.now(ZoneInfo(stack.settings.timezone)).date()
    chat = hold(stack.web, conv, today)
    case, _ = the_case(stack, chat.sender)
    assert case is not None and case.due_at.date() > today


def test_there_is_a_conversation_outside_office_hours() -> None:
    assert CLOSED


def test_a_caseworker_pauses_the_real_assistant_and_gives_it_back(stack: Stack) -> None:
    """Live reply against the real Rasa: the portal's pause (Rasa's HTTP API, through the
    request guard, with the token) silences the assistant in that conversation only; the
    web app sends the citizen's messages to the caseworker; resume brings it back."""
    from bot.features.audit import log as audit
    from bot.features.live import service as live
    from bot.features.live.content import load_live
    from bot.infra.rasa_client import pause_conversation

    chat = Chat(stack.web)
    chat.send("kan jeg snakke med en medarbejder, jeg har fået afslag på hjemmehjælp og "
              "forstår ikke hvorfor")  # fmt: skip
    chat.send("ja tak")
    chat.send("ring på 87654321")
    receipt = chat.send("efter kl 14")
    assert any("sagsnummer" in t for t in receipt.texts), chat.transcript()
    case, _ = the_case(stack, chat.sender)
    assert case is not None, chat.transcript()
    settings = stack.settings

    def pause(conversation_id: str, paused: bool) -> None:
        pause_conversation(settings.rasa_url, settings.rasa_token, conversation_id, paused)

    engine = make_engine(settings.app_database_url)
    sessions = make_session_factory(engine)
    texts = load_live(settings.content_dir / "live.yml")
    tz = settings.timezone
    now = datetime.now(ZoneInfo(tz))
    actor = audit.Actor(1, "rie")
    try:
        with session_scope(sessions) as s:
            live.poll(s, chat.sender, after=0, now=now, tz=tz)  # the page is open
            live.start(s, case.number, actor=actor, now=now, office_open=True, texts=texts,
                       pause=pause, tz=tz)  # fmt: skip
        quiet = chat.send("hallo, er der nogen?")
        assert quiet.texts == [], quiet.texts  # the caseworker got it, not the assistant
        direct = httpx.post(f"{stack.rasa}/webhooks/rest/webhook",
                            json={"sender": chat.sender, "message": "hej"}, timeout=60)  # fmt: skip
        assert direct.status_code == 200 and direct.json() == []  # Rasa itself is paused
        with session_scope(sessions) as s:
            lines = live.view(s, case.number, now=now, office_open=True, texts=texts, tz=tz).lines
            assert ("borger", "hallo, er der nogen?") in [(m.sender, m.text) for m in lines]
            live.give_back(s, case.number, actor=actor, now=now, texts=texts, pause=pause)
        back = chat.send("hej")
        assert back.texts, "the assistant answers again after the give-back"
    finally:
        engine.dispose()
