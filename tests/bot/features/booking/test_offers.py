from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.features.booking.offers import offered_keys, pick_offered

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=TZ)  # a Tuesday
TUE_10 = datetime(2026, 12, 8, 10, 0, tzinfo=TZ)
TUE_14 = datetime(2026, 12, 8, 14, 0, tzinfo=TZ)
WED_10 = datetime(2026, 12, 9, 10, 0, tzinfo=TZ)
THREE = [TUE_10, TUE_14, WED_10]


@pytest.mark.parametrize(
    "answer, expected",
    [
        ("den første", TUE_10),
        ("den forste tak", TUE_10),
        ("jeg tager den anden", TUE_14),
        ("den sidste", WED_10),
        ("nr 3", WED_10),
        ("14 er bedst for mig", TUE_14),
        ("kl 14 passer mig fint", TUE_14),
        ("onsdag kl 10", WED_10),
        ("tirsdag kl 10 tak", TUE_10),
    ],
)
def test_an_offered_time_named_in_words(answer: str, expected: datetime) -> None:
    assert pick_offered(answer, THREE, NOW) == expected


@pytest.mark.parametrize(
    "answer",
    [
        "kl 10",  # two offered times at 10: which one is not said
        "ikke kl 14",
        "den femte",  # only three offered
        "ja den tager jeg",  # three offered: "den" is not clear
        "kan jeg få en anden dag",
        "fredag kl 14",  # no time offered on Friday
    ],
)
def test_no_pick_when_it_is_not_clear(answer: str) -> None:
    assert pick_offered(answer, THREE, NOW) is None


@pytest.mark.parametrize("answer", ["ja den tager jeg", "den passer fint", "ja tak", "det er fint"])
def test_one_offered_time_is_taken_by_a_yes(answer: str) -> None:
    assert pick_offered(answer, [TUE_14], NOW) == TUE_14


def test_nothing_offered_nothing_picked() -> None:
    assert pick_offered("den første", [], NOW) is None


def button(key: str) -> dict:
    return {"title": key, "payload": '/inform{"slot_start":"' + key + '"}'}


def test_offered_keys_are_read_from_the_last_offer() -> None:
    events = [
        {"event": "bot", "data": {"buttons": [button("2026-12-07T10:00+01:00")]}},
        {"event": "user", "text": "hellere tirsdag"},
        {"event": "bot", "data": {"buttons": [button("2026-12-08T10:00+01:00"), button("x")]}},
        {"event": "bot", "text": "Vælg en tid."},
        {"event": "user", "text": "den første"},
    ]
    assert offered_keys(events) == ["2026-12-08T10:00+01:00", "x"]


def test_no_offer_no_keys() -> None:
    events = [{"event": "bot", "data": {"buttons": [{"title": "Ja", "payload": "/affirm"}]}}]
    assert offered_keys(events) == []


def test_an_older_offer_is_not_used() -> None:
    events = [
        {"event": "bot", "data": {"buttons": [button("2026-12-07T10:00+01:00")]}},
        {"event": "user", "text": "Hans"},
        {"event": "bot", "text": "Hvad er dit telefonnummer?"},
        {"event": "user", "text": "den første"},
    ]
    assert offered_keys(events) == []
