"""Danish time wishes -> TimeWish (bot/language/timewish.py)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from bot.language.timewish import TimeWish, parse_wish

TZ = ZoneInfo("Europe/Copenhagen")
# Wednesday 26 November 2025, 10:00
NOW = datetime(2025, 11, 26, 10, 0, tzinfo=TZ)


def d(month: int, day: int, year: int = 2025) -> date:
    return date(year, month, day)


@pytest.mark.parametrize(
    "text, expected",
    [
        # The expressions from the issue.
        ("på torsdag", TimeWish(d(11, 27), d(11, 27), frozenset({3}))),
        (
            "i næste uge om formiddagen",
            TimeWish(d(12, 1), d(12, 7), time_from=time(8), time_to=time(12)),
        ),
        ("den 3. december kl. 10", TimeWish(d(12, 3), d(12, 3), at=time(10))),
        ("efter kl. 14", TimeWish(time_from=time(14))),
        ("ikke mandag", TimeWish(excluded_weekdays=frozenset({0}))),
        # More everyday phrasings.
        ("Jeg kan godt på torsdag", TimeWish(d(11, 27), d(11, 27), frozenset({3}))),
        ("torsdag", TimeWish(d(11, 27), d(11, 27), frozenset({3}))),
        ("næste tirsdag", TimeWish(d(12, 2), d(12, 2), frozenset({1}))),
        ("onsdag", TimeWish(d(12, 3), d(12, 3), frozenset({2}))),  # today is Wednesday
        ("i dag", TimeWish(d(11, 26), d(11, 26))),
        ("i morgen", TimeWish(d(11, 27), d(11, 27))),
        ("i overmorgen", TimeWish(d(11, 28), d(11, 28))),
        ("i morgen tidlig", TimeWish(d(11, 27), d(11, 27), time_from=time(7), time_to=time(10))),
        ("om eftermiddagen", TimeWish(time_from=time(12), time_to=time(17))),
        ("fredag kl. 9", TimeWish(d(11, 28), d(11, 28), frozenset({4}), at=time(9))),
        ("tirsdag d. 2/12", TimeWish(d(12, 2), d(12, 2), frozenset({1}))),
        ("3/12 kl 10", TimeWish(d(12, 3), d(12, 3), at=time(10))),
        ("den 3.12 klokken 10.30", TimeWish(d(12, 3), d(12, 3), at=time(10, 30))),
        ("3.12.2026", TimeWish(d(12, 3, 2026), d(12, 3, 2026))),
        ("den 3. januar", TimeWish(d(1, 3, 2026), d(1, 3, 2026))),  # next year
        ("den 3.", TimeWish(d(12, 3), d(12, 3))),  # next 3rd
        ("den 28.", TimeWish(d(11, 28), d(11, 28))),
        ("kl. 10:30", TimeWish(at=time(10, 30))),
        ("kl. 2", TimeWish(at=time(14))),  # an hour 1-6 means the afternoon
        ("halv elleve i morgen", TimeWish(d(11, 27), d(11, 27), at=time(10, 30))),
        ("kvart over ti", TimeWish(at=time(10, 15))),
        ("kvart i ti", TimeWish(at=time(9, 45))),
        ("klokken ti på fredag", TimeWish(d(11, 28), d(11, 28), frozenset({4}), at=time(10))),
        ("torsdag eller fredag", TimeWish(weekdays=frozenset({3, 4}))),
        ("om torsdagen", TimeWish(weekdays=frozenset({3}))),
        (
            "en onsdag eftermiddag",
            TimeWish(weekdays=frozenset({2}), time_from=time(12), time_to=time(17)),
        ),
        ("ikke om mandagen eller fredagen", TimeWish(excluded_weekdays=frozenset({0, 4}))),
        ("jeg kan ikke mandag og tirsdag", TimeWish(excluded_weekdays=frozenset({0, 1}))),
        ("undtagen fredag", TimeWish(excluded_weekdays=frozenset({4}))),
        (
            "næste uge, men ikke mandag",
            TimeWish(d(12, 1), d(12, 7), excluded_weekdays=frozenset({0})),
        ),
        ("næste uge torsdag", TimeWish(d(12, 1), d(12, 7), frozenset({3}))),
        ("denne uge", TimeWish(d(11, 26), d(11, 30))),
        ("om to uger", TimeWish(d(12, 8), d(12, 14))),
        ("uge 49", TimeWish(d(12, 1), d(12, 7))),
        ("i uge 2", TimeWish(d(1, 5, 2026), d(1, 11, 2026))),
        ("i december", TimeWish(d(12, 1), d(12, 31))),
        ("i november", TimeWish(d(11, 26), d(11, 30))),
        ("næste måned", TimeWish(d(12, 1), d(12, 31))),
        ("efter den 10. december", TimeWish(date_from=d(12, 11))),
        ("fra den 10. december", TimeWish(date_from=d(12, 10))),
        ("før den 5/12", TimeWish(date_to=d(12, 4))),
        ("senest den 5. december", TimeWish(date_to=d(12, 5))),
        ("før kl. 12", TimeWish(time_to=time(12))),
        ("inden kl. 11", TimeWish(time_to=time(11))),
        ("senest kl. 12", TimeWish(time_to=time(12, 1))),
        ("efter 14", TimeWish(time_from=time(14))),
        ("fra kl. 13", TimeWish(time_from=time(13))),
        ("mellem kl. 10 og 12", TimeWish(time_from=time(10), time_to=time(12))),
        ("kl. 10-12", TimeWish(time_from=time(10), time_to=time(12))),
        ("ved 10-tiden", TimeWish(time_from=time(9), time_to=time(11, 1))),
        ("i januar efter kl. 13", TimeWish(d(1, 1, 2026), d(1, 31, 2026), time_from=time(13))),
        (
            "torsdag den 4. december om formiddagen",
            TimeWish(d(12, 4), d(12, 4), frozenset({3}), time_from=time(8), time_to=time(12)),
        ),
        ("weekend", TimeWish(weekdays=frozenset({5, 6}))),
    ],
)
def test_expressions(text: str, expected: TimeWish) -> None:
    wish = parse_wish(text, NOW)
    assert wish == TimeWish(**{**expected.__dict__, "recognized": True})


@pytest.mark.parametrize("text", ["hurtigst muligt", "første ledige tid", "det er lige meget"])
def test_no_constraint_but_understood(text: str) -> None:
    wish = parse_wish(text, NOW)
    assert wish.recognized and wish.is_empty


@pytest.mark.parametrize(
    "text", ["", "det handler om min søn", "jeg ved det ikke", "man kan sige at", "hej"]
)
def test_nothing_understood(text: str) -> None:
    wish = parse_wish(text, NOW)
    assert not wish.recognized and wish.is_empty


def test_invalid_dates_are_ignored() -> None:
    assert parse_wish("den 31/2", NOW) == TimeWish()
    assert parse_wish("kl. 25", NOW) == TimeWish()


def test_exact_and_allows() -> None:
    wish = parse_wish("den 3. december kl. 10", NOW)
    assert wish.is_exact
    assert wish.allows(datetime(2025, 12, 3, 10, 0, tzinfo=TZ))
    assert not wish.allows(datetime(2025, 12, 3, 11, 0, tzinfo=TZ))
    assert not wish.allows(datetime(2025, 12, 4, 10, 0, tzinfo=TZ))

    morning = parse_wish("i næste uge om formiddagen", NOW)
    assert not morning.is_exact
    assert morning.allows(datetime(2025, 12, 2, 11, 0, tzinfo=TZ))
    assert not morning.allows(datetime(2025, 12, 2, 12, 0, tzinfo=TZ))  # window end exclusive
    assert not morning.allows(datetime(2025, 11, 28, 9, 0, tzinfo=TZ))

    not_monday = parse_wish("ikke mandag", NOW)
    assert not not_monday.allows(datetime(2025, 12, 1, 9, 0, tzinfo=TZ))
    assert not_monday.allows(datetime(2025, 12, 2, 9, 0, tzinfo=TZ))


def test_anchor() -> None:
    assert parse_wish("den 3. december kl. 10", NOW).anchor(NOW) == datetime(
        2025, 12, 3, 10, 0, tzinfo=TZ
    )
    assert parse_wish("efter kl. 14", NOW).anchor(NOW) == datetime(2025, 11, 26, 14, 0, tzinfo=TZ)
    assert parse_wish("", NOW).anchor(NOW) == NOW
    assert parse_wish("på torsdag", NOW).anchor(NOW) == datetime(2025, 11, 27, 0, 0, tzinfo=TZ)


def test_year_rollover_and_dst_reference() -> None:
    late = datetime(2025, 12, 30, 14, 0, tzinfo=TZ)
    assert parse_wish("den 2. januar", late).date_from == date(2026, 1, 2)
    assert parse_wish("næste uge", late).date_from == date(2026, 1, 5)
    assert parse_wish("uge 1", late).date_from == date(2025, 12, 29)  # ISO week 1 of 2026
    # "i morgen" on the day before the spring DST change is the calendar day.
    saturday = datetime(2026, 3, 28, 23, 30, tzinfo=TZ)
    assert parse_wish("i morgen", saturday).date_from == date(2026, 3, 29)


@pytest.mark.parametrize(
    "text, hour", [("11 passer bedst", 11), ("12 er ok", 12), ("kl 13 tak", 13)]
)
def test_an_hour_alone_answers_the_offered_times(text: str, hour: int) -> None:
    from datetime import time as clock

    assert parse_wish(text, NOW).at == clock(hour)


def test_an_hour_that_does_not_suit_is_no_wish_for_it() -> None:
    assert parse_wish("11 passer ikke", NOW).at is None


def test_a_day_of_the_month_without_a_period() -> None:
    wish = parse_wish("tirsdag d 15 kl 11", datetime(2026, 12, 1, 14, 0, tzinfo=TZ))
    assert (wish.date_from, wish.at) == (date(2026, 12, 15), time(11))


def test_negated_bounds_and_a_day_that_need_not_be() -> None:
    """Citizen round 2: "ikke foer kl 10" was read as before 10 (c33), and "det behoever
    ikke vaere torsdag, mandag eller tirsdag formiddag er bedre" offered Thursday (c06)."""
    not_before = parse_wish("ikke foer kl 10", NOW)
    assert (not_before.time_from, not_before.time_to) == (time(10), None)
    not_after = parse_wish("ikke efter kl. 14", NOW)
    assert (not_after.time_from, not_after.time_to) == (None, time(14))
    other_day = parse_wish(
        "det behoever ikke vaere torsdag, mandag eller tirsdag formiddag er bedre", NOW
    )
    assert other_day.weekdays == frozenset({0, 1})
    assert other_day.excluded_weekdays == frozenset({3})
    assert (other_day.time_from, other_day.time_to) == (time(8), time(12))
    # A plain list after "ikke" still leaves every day in it out.
    assert parse_wish("ikke mandag eller fredag", NOW).excluded_weekdays == frozenset({0, 4})
