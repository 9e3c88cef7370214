"""The office's overview: counts per day and week, rates, routes, satisfaction, the most
frequent misunderstood messages (only when several conversations wrote them), CSV."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.features.training import feedback, inbox, overview
from bot.infra.db import session_scope
from tests.bot.features.training.tracker import Tracker

SECRET = b"s"
DAY = date(2026, 12, 1)


@pytest.fixture
def tracker(db_url: str, engine):  # type: ignore[no-untyped-def]
    store = Tracker(db_url)
    yield store
    store.engine.dispose()


def test_figures_for_a_day(session_factory, tracker) -> None:  # type: ignore[no-untyped-def]
    for sender in ("a" * 20, "b" * 20):
        tracker.user(sender, "hvad er en partshøring", "nlu_fallback", 0.2,
                     ranking=[("forstaa_afgoerelse", 0.2)])
        tracker.action(sender, "action_fallback")
    tracker.user("c" * 20, "jeg vil klage over skat", "skat", 0.9)
    tracker.action("c" * 20, "action_competence")
    tracker.slot("c" * 20, "route", "skat")
    tracker.user("c" * 20, "kan jeg tale med en person", "request_human", 0.9)
    tracker.user("d" * 20, "Jens Hansen har ikke svaret", "nlu_fallback", 0.1)
    now = datetime(2026, 12, 1, 14, 0, tzinfo=timezone.utc)
    with session_scope(session_factory) as s:
        inbox.scan(s, tracker.engine, inbox.ScanConfig(secret=SECRET), now)
        feedback.record(s, secret=SECRET, sender_id="c" * 20, helpful=True, now=now)
        feedback.record(s, secret=SECRET, sender_id="a" * 20, helpful=False, now=now)
        feedback.record(s, secret=SECRET, sender_id="b" * 20, helpful=True, now=now)
    with session_scope(session_factory) as s:
        o = overview.build(s, tracker.engine, start=DAY, end=DAY, tz="Europe/Copenhagen")
    assert (o.conversations, o.messages, o.fallbacks, o.handover_conversations) == (4, 5, 3, 1)
    assert o.fallback_rate == 0.6 and o.handover_rate == 0.25
    assert o.satisfaction == pytest.approx(2 / 3)
    assert o.routes == [("skat", 1)]
    assert o.weeks == [("2026-U49", 4)]
    # Two conversations wrote the same thing; the one-off message with a name is not shown.
    assert o.misunderstood == [("hvad er en partshøring", 2)]
    csv = overview.to_csv(o).splitlines()
    assert csv == [
        "dato;samtaler;beskeder;ikke_forstaaet;overdraget;hjalp_ja;hjalp_nej",
        "2026-12-01;4;5;3;1;2;1",
    ]


def test_no_traffic_is_no_error(session_factory, db_url) -> None:  # type: ignore[no-untyped-def]
    from bot.infra.db import make_engine

    empty = make_engine(db_url)
    with session_scope(session_factory) as s:
        o = overview.build(s, empty, start=DAY, end=date(2026, 12, 7), tz="Europe/Copenhagen")
    empty.dispose()
    assert len(o.days) == 7 and o.conversations == 0 and o.satisfaction is None
