"""The training inbox read from Rasa's tracker store (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.features.training import feedback, inbox
from bot.features.training.tables import InboxItem
from bot.infra.db import session_scope
from tests.bot.features.training.test_pii import names
from tests.bot.features.training.tracker import Tracker

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
SECRET = b"test-secret"
CONFIG = inbox.ScanConfig(secret=SECRET, names=names, confidence=0.6)


@pytest.fixture
def tracker(db_url: str, engine):  # type: ignore[no-untyped-def]
    store = Tracker(db_url)
    yield store
    store.engine.dispose()


def _conversations(t: Tracker) -> None:
    t.bot("a" * 20, "Hej, hvad drejer det sig om?")
    t.user("a" * 20, "jeg er sur på Lone Kjærgaard fra jobcentret", "klage_adfaerd", 0.41)
    t.action("a" * 20, "action_competence")
    t.user("a" * 20, "tak", "thanks", 0.97)  # sure: not in the inbox
    t.action("a" * 20, "utter_thanks")
    t.user("b" * 20, "min hund har spist min skat", "nlu_fallback", 0.3,
           ranking=[("nlu_fallback", 0.3), ("skat", 0.28)])
    t.action("b" * 20, "action_fallback")
    t.user("c" * 20, "kan jeg tale med en rigtig person", "request_human", 0.95)
    t.action("c" * 20, "utter_request_human")
    t.user("d" * 20, "/ask_contact", "ask_contact", 1.0)  # a button: never in the inbox
    t.user("e" * 20, "min hund har spist min skat", "skat", 0.5)


def test_scan_takes_in_unsure_fallback_and_handover_messages_masked(  # type: ignore[no-untyped-def]
    session_factory, tracker
) -> None:
    _conversations(tracker)
    with session_scope(session_factory) as s:
        assert inbox.scan(s, tracker.engine, CONFIG, NOW) == 4
    with session_scope(session_factory) as s:
        items = {(i.text, i.reason): i for i in s.query(InboxItem)}
    assert sorted(items) == [
        ("jeg er sur på [NAVN] fra jobcentret", "usikker"),
        ("kan jeg tale med en rigtig person", "overdragelse"),
        ("min hund har spist min skat", "fallback"),
        ("min hund har spist min skat", "usikker"),
    ]
    unsure = items[("jeg er sur på [NAVN] fra jobcentret", "usikker")]
    assert unsure.predicted_intent == "klage_adfaerd" and unsure.confidence == 0.41
    assert unsure.context == "Hej, hvad drejer det sig om?"
    # The best intent behind the fallback.
    assert items[("min hund har spist min skat", "fallback")].predicted_intent == "skat"
    assert len({i.conversation_key for i in items.values()}) == 4
    assert all(len(i.conversation_key) == 64 for i in items.values())


def test_scan_goes_on_where_it_stopped(session_factory, tracker) -> None:  # type: ignore[no-untyped-def]
    _conversations(tracker)
    with session_scope(session_factory) as s:
        inbox.scan(s, tracker.engine, CONFIG, NOW)
    with session_scope(session_factory) as s:
        assert inbox.scan(s, tracker.engine, CONFIG, NOW) == 0
    tracker.user("f" * 20, "hvad med min boligstøtte", "udbetaling_danmark", 0.2)
    with session_scope(session_factory) as s:
        assert inbox.scan(s, tracker.engine, CONFIG, NOW) == 1


def test_groups_by_predicted_intent_with_counts(session_factory, tracker) -> None:  # type: ignore[no-untyped-def]
    _conversations(tracker)
    with session_scope(session_factory) as s:
        inbox.scan(s, tracker.engine, CONFIG, NOW)
        groups = inbox.groups(s)
    assert [(g.intent, g.count) for g in groups] == [
        ("skat", 2), ("klage_adfaerd", 1), ("request_human", 1)
    ]
    skat = groups[0].messages
    assert len(skat) == 1 and skat[0].count == 2 and sorted(skat[0].reasons) == [
        "fallback", "usikker"
    ]


def test_a_no_to_hjalp_svaret_puts_the_message_answered_in_the_inbox(  # type: ignore[no-untyped-def]
    session_factory, tracker
) -> None:
    tracker.user("g" * 20, "hvornår har I åbent", "ask_opening_hours", 0.99)
    tracker.action("g" * 20, "utter_opening_hours")
    at = datetime.fromtimestamp(tracker.ts + 5, tz=timezone.utc)
    with session_scope(session_factory) as s:
        feedback.record(s, secret=SECRET, sender_id="g" * 20, helpful=False, now=at,
                        comment="I svarede ikke på lørdag, ring 12345678", names=names)
        feedback.record(s, secret=SECRET, sender_id="g" * 20, helpful=True, now=at)
    with session_scope(session_factory) as s:
        assert inbox.scan(s, tracker.engine, CONFIG, NOW) == 1
        item = s.query(InboxItem).one()
    assert item.reason == "feedback" and item.text == "hvornår har I åbent"
    assert item.comment == "I svarede ikke på lørdag, ring [TELEFON]"
    with session_scope(session_factory) as s:
        assert inbox.scan(s, tracker.engine, CONFIG, NOW) == 0


def test_a_flagged_message_from_a_case(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        assert inbox.flag(s, CONFIG, sender_id="h" * 20, message="min mail er a@b.dk",
                          at=NOW, predicted_intent="inform_email")
        assert not inbox.flag(s, CONFIG, sender_id="h" * 20, message="min mail er a@b.dk",
                              at=NOW)
    with session_scope(session_factory) as s:
        item = s.query(InboxItem).one()
    assert item.reason == "markeret" and item.text == "min mail er [EMAIL]"


def test_an_empty_tracker_store_is_no_error(session_factory, db_url) -> None:  # type: ignore[no-untyped-def]
    from bot.infra.db import make_engine

    other = make_engine(db_url)
    with session_scope(session_factory) as s:
        assert inbox.scan(s, other, CONFIG, NOW) == 0
    other.dispose()
