"""Live reply (bot/features/live/service.py): who may start and when, the pause before
the take-over and the resume before the give-back, where the citizen's messages go, a
quiet live chat ending by itself, what the citizen's page gets, audit and retention."""

from __future__ import annotations

from datetime import timedelta
from typing import List, Tuple

import pytest
from sqlalchemy import func, select

from bot.core.settings import ROOT
from bot.features.audit import log as audit
from bot.features.cases import casework
from bot.features.cases.casework import CaseError
from bot.features.cases.tables import CLOSED
from bot.features.live import service as live
from bot.features.live.content import load_live
from bot.features.live.tables import ChatPresence, LiveChat, LiveMessage
from bot.infra.db import session_scope
from tests.casedata import NOW, add_case, add_user

TEXTS = load_live(ROOT / "content" / "live.yml")
TZ = "Europe/Copenhagen"
CASE = "BR-2026-0001"
CONVERSATION = f"samtale-{CASE}-abcdefgh"  # add_case's conversation id


class FakeRasa:
    """Records the pause / resume events; ``down`` makes them fail."""

    def __init__(self) -> None:
        self.events: List[Tuple[str, bool]] = []
        self.down = False

    def __call__(self, conversation_id: str, paused: bool) -> None:
        if self.down:
            raise live.PauseFailed("unreachable")
        self.events.append((conversation_id, paused))


@pytest.fixture
def rie(session_factory) -> audit.Actor:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        user_id = add_user(s, "rie", "raadgiver")
        add_case(s, CASE)
    return audit.Actor(user_id, "rie")


def seen(session, at=NOW) -> None:  # type: ignore[no-untyped-def]
    live.poll(session, CONVERSATION, after=0, now=at, tz=TZ)


def start(session, actor, rasa, *, at=NOW, office_open=True) -> None:  # type: ignore[no-untyped-def]
    live.start(session, CASE, actor=actor, now=at, office_open=office_open, texts=TEXTS,
               pause=rasa, tz=TZ)  # fmt: skip


def test_a_page_that_is_not_a_case_gets_nothing_and_leaves_nothing(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        found = live.poll(s, "some-other-conversation-id", after=0, now=NOW, tz=TZ)
        assert found == live.Poll(active=False, watch=False, lines=[])
        assert s.execute(select(func.count()).select_from(ChatPresence)).scalar_one() == 0
        seen(s)
        assert s.get(ChatPresence, CONVERSATION) is not None


def test_it_may_start_only_in_office_hours_with_the_citizen_there(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    with session_scope(session_factory) as s:
        view = live.view(s, CASE, now=NOW, office_open=True, texts=TEXTS, tz=TZ)
        assert not view.may_start and view.why_not == "Borgeren er ikke på chatsiden lige nu."
        with pytest.raises(CaseError, match="ikke på chatsiden"):
            start(s, rie, rasa)
        seen(s)
        closed = live.view(s, CASE, now=NOW, office_open=False, texts=TEXTS, tz=TZ)
        assert closed.why_not == "Det kan kun lade sig gøre i åbningstiden."
        with pytest.raises(CaseError, match="åbningstiden"):
            start(s, rie, rasa, office_open=False)
        # The page stopped asking a minute ago: gone.
        later = NOW + timedelta(seconds=TEXTS.tilstede_sekunder + 1)
        assert not live.view(s, CASE, now=later, office_open=True, texts=TEXTS, tz=TZ).present
        assert live.view(s, CASE, now=NOW, office_open=True, texts=TEXTS, tz=TZ).may_start
    assert rasa.events == []


def test_a_closed_case_cannot_be_taken_over(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        seen(s)
        casework.find_case(s, CASE).status = CLOSED
        view = live.view(s, CASE, now=NOW, office_open=True, texts=TEXTS, tz=TZ)
        assert view.why_not == "Sagen er afsluttet."
        # And a closed case's page is not asked about any more.
        assert live.poll(s, CONVERSATION, after=0, now=NOW, tz=TZ).watch is False


def test_the_whole_live_chat(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    with session_scope(session_factory) as s:
        seen(s)
        start(s, rie, rasa)
        start(s, rie, rasa)  # a second click: still one live chat, one pause
    assert rasa.events == [(CONVERSATION, True)]
    with session_scope(session_factory) as s:
        went = live.citizen_wrote(
            s, CONVERSATION, "Mit CPR er 010190-1234, hjælp", now=NOW + timedelta(minutes=1),
            texts=TEXTS,
        )
        assert went == "person"
        live.write(s, CASE, "Hej, jeg hedder Rie. Skriv ikke dit CPR-nummer (010190-1234).",
                   actor=rie, now=NOW + timedelta(minutes=2))  # fmt: skip
        page = live.poll(s, CONVERSATION, after=0, now=NOW + timedelta(minutes=2), tz=TZ)
        staff = live.view(s, CASE, now=NOW, office_open=True, texts=TEXTS, tz=TZ)
    assert page.active and page.watch
    # The citizen's page gets the notice and the caseworker's message, not its own back.
    assert [(m.sender, m.text) for m in page.lines] == [
        ("system", TEXTS.startet),
        ("personale", "Hej, jeg hedder Rie. Skriv ikke dit CPR-nummer ([CPR])."),
    ]
    assert [(m.sender, m.text) for m in staff.lines] == [
        ("system", TEXTS.startet),
        ("borger", "Mit CPR er [CPR], hjælp"),
        ("personale", "Hej, jeg hedder Rie. Skriv ikke dit CPR-nummer ([CPR])."),
    ]
    assert staff.active and not staff.may_start
    newest = page.lines[-1].id
    with session_scope(session_factory) as s:
        assert live.poll(s, CONVERSATION, after=newest, now=NOW, tz=TZ).lines == []
        live.give_back(s, CASE, actor=rie, now=NOW + timedelta(minutes=3), texts=TEXTS,
                       pause=rasa)  # fmt: skip
        live.give_back(s, CASE, actor=rie, now=NOW + timedelta(minutes=3), texts=TEXTS,
                       pause=rasa)  # fmt: skip
        after = live.poll(s, CONVERSATION, after=newest, now=NOW, tz=TZ)
        assert live.citizen_wrote(s, CONVERSATION, "tak", now=NOW, texts=TEXTS) == "assistant"
        with pytest.raises(CaseError, match="Start samtalen først"):
            live.write(s, CASE, "hallo?", actor=rie, now=NOW)
        steps = [e.action for e in audit.entries(s, case=CASE)]
    assert rasa.events == [(CONVERSATION, True), (CONVERSATION, False)]
    assert not after.active and [m.text for m in after.lines] == [TEXTS.afsluttet]
    assert steps == [audit.LIVE_START, audit.LIVE_MESSAGE, audit.LIVE_END]


def test_rasa_unreachable_changes_nothing(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    rasa.down = True
    with session_scope(session_factory) as s:
        seen(s)
        with pytest.raises(CaseError, match="kunne ikke sættes på pause"):
            start(s, rie, rasa)
        assert s.execute(select(func.count()).select_from(LiveChat)).scalar_one() == 0
        rasa.down = False
        start(s, rie, rasa)
        rasa.down = True
        with pytest.raises(CaseError, match="Samtalen er stadig din"):
            live.give_back(s, CASE, actor=rie, now=NOW, texts=TEXTS, pause=rasa)
        assert live.view(s, CASE, now=NOW, office_open=True, texts=TEXTS, tz=TZ).active


def test_a_quiet_live_chat_ends_at_the_citizens_next_message(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    with session_scope(session_factory) as s:
        seen(s)
        start(s, rie, rasa)
        quiet = NOW + timedelta(minutes=TEXTS.pause_minutter + 1)
        assert live.citizen_wrote(s, CONVERSATION, "hallo?", now=quiet, texts=TEXTS) == "resume"
        assert live.citizen_wrote(s, CONVERSATION, "hallo?", now=quiet, texts=TEXTS) == "assistant"
        page = live.poll(s, CONVERSATION, after=0, now=quiet, tz=TZ)
    assert not page.active and page.lines[-1].text == TEXTS.afsluttet


def test_the_live_chat_goes_with_its_case(session_factory, rie) -> None:  # type: ignore[no-untyped-def]
    rasa = FakeRasa()
    with session_scope(session_factory) as s:
        seen(s)
        start(s, rie, rasa)
        live.write(s, CASE, "Hej", actor=rie, now=NOW)
        live.give_back(s, CASE, actor=rie, now=NOW, texts=TEXTS, pause=rasa)
        case = casework.find_case(s, CASE)
        case.status, case.closed_at = CLOSED, (NOW - timedelta(days=400)).replace(tzinfo=None)
    with session_scope(session_factory) as s:
        assert casework.purge_closed(s, now=NOW, retention_days=365) == 1
    with session_scope(session_factory) as s:
        for table in (LiveChat, LiveMessage):
            assert s.execute(select(func.count()).select_from(table)).scalar_one() == 0
        assert live.purge_presence(s, now=NOW + timedelta(days=2)) == 1
