"""Opening hours and holidays as free times, and the offers (bot/features/booking/slots.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.features import booking as bk
from bot.language.timewish import parse_wish
from tests.bot.features.booking.helpers import (
    NOW,
    TZ,
    all_slots,
    local,
    one_advisor,
    request,
    seed,
    starts,
    write_config,
)


def test_office_hours_grid(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    now = local(2025, 11, 30, 12)  # Sunday
    week = all_slots(session, now, date(2025, 12, 1), date(2025, 12, 7))
    by_day: dict = {}
    for s in week:
        by_day.setdefault(s.start.date(), []).append(s.start.time())
        assert s.end - s.start == timedelta(minutes=45)
    hours = [time(h) for h in (9, 10, 11, 12, 13, 14)]
    assert by_day == {
        date(2025, 12, 1): hours,
        date(2025, 12, 2): hours,
        date(2025, 12, 3): hours,
        date(2025, 12, 4): hours,
        date(2025, 12, 5): [time(9), time(10), time(11)],  # Friday 9-12: last start 11:00
    }


def test_buffer_and_meeting_length_shape_the_grid(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(
        session,
        one_advisor(
            tmp_path,
            varsel_minutter=0,
            moedelaengde_minutter=30,
            pause_minutter=10,
            aabningstider={"mandag": ["09:00-11:00"]},
        ),
    )
    got = all_slots(session, local(2025, 11, 30, 12), date(2025, 12, 1), date(2025, 12, 1))
    # 09:00, 09:40, 10:20 (ends 10:50); 11:00 would end after closing.
    assert [s.start.time() for s in got] == [time(9), time(9, 40), time(10, 20)]


def test_buffer_blocks_neighbouring_off_grid_booking(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    advisor_id = session.execute(select(bk.Advisor.id)).scalar_one()
    # A legacy booking 10:30-11:15 (+15 min buffer -> 11:30), off the current grid.
    start = local(2025, 12, 1, 10, 30).astimezone(timezone.utc).replace(tzinfo=None)
    b = bk.Booking(
        reference="LEGACY",
        advisor_id=advisor_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        blocked_until=start + timedelta(minutes=60),
        meeting_type=bk.IN_PERSON,
        topic="",
        name="x",
        status=bk.ACTIVE,
        sequence=0,
        created_at=start,
    )
    session.add(b)
    session.flush()
    session.add_all(bk.blocks(advisor_id, b.id, start, start + timedelta(minutes=60)))
    session.commit()
    got = all_slots(session, local(2025, 11, 30, 12), date(2025, 12, 1), date(2025, 12, 1))
    # 10:00 (its buffer runs to 11:00 > 10:30) and 11:00 (< 11:30) are blocked.
    assert [s.start.time() for s in got] == [time(9), time(12), time(13), time(14)]
    # And the database refuses a booking that overlaps it.
    with pytest.raises(bk.SlotTaken):
        bk.book(session, request(local(2025, 12, 1, 11)), now=local(2025, 11, 30, 12))


def test_public_holidays_and_extra_closed_days(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    now = local(2025, 12, 20, 12)
    days = {s.start.date() for s in all_slots(session, now, date(2025, 12, 22), date(2026, 1, 2))}
    # 24 Dec (Juleaftensdag, closed by the file), 25+26 Dec, 31 Dec (Nytårsaften), 1 Jan.
    assert days == {
        date(2025, 12, 22),
        date(2025, 12, 23),
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2026, 1, 2),
    }
    # Without the optional ones only the public holidays close.
    seed(session, one_advisor(tmp_path, varsel_minutter=0, lukket_ogsaa_paa=[]))
    days = {s.start.date() for s in all_slots(session, now, date(2025, 12, 22), date(2026, 1, 2))}
    assert date(2025, 12, 24) in days and date(2025, 12, 31) in days
    assert date(2025, 12, 25) not in days and date(2026, 1, 1) not in days


def test_movable_holidays_2026(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0, bookbar_dage_frem=120))
    now = local(2026, 3, 25, 12)
    days = {s.start.date() for s in all_slots(session, now, date(2026, 3, 30), date(2026, 6, 8))}
    for closed in [
        date(2026, 4, 2),  # Skærtorsdag
        date(2026, 4, 3),  # Langfredag
        date(2026, 4, 6),  # 2. påskedag
        date(2026, 5, 14),  # Kristi himmelfartsdag
        date(2026, 5, 25),  # 2. pinsedag
        date(2026, 6, 5),  # Grundlovsdag (file: lukket_ogsaa_paa)
    ]:
        assert closed not in days
    assert date(2026, 5, 1) in days  # Arbejdernes kampdag: open unless the file says so
    assert date(2026, 5, 15) in days  # Store bededag was abolished from 2024


def test_dst_weekdays_keep_wall_clock_hours(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    # Spring: Sunday 29 March 2026. Autumn: Sunday 25 October 2026.
    for before, after in [
        (date(2026, 3, 27), date(2026, 3, 30)),
        (date(2026, 10, 23), date(2026, 10, 26)),
    ]:
        now = datetime.combine(before - timedelta(days=1), time(12), TZ)
        got = all_slots(session, now, before, after)
        first: dict = {}
        for s in got:
            first.setdefault(s.start.date(), s.start)
        assert first[before].time() == time(9) and first[after].time() == time(9)
        utc_hours = {d: first[d].astimezone(timezone.utc).hour for d in (before, after)}
        assert utc_hours[before] != utc_hours[after]
        assert all(s.end - s.start == timedelta(minutes=45) for s in got)


def test_dst_sunday_hours_use_real_time(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(
        session,
        one_advisor(tmp_path, varsel_minutter=0, aabningstider={"søndag": ["01:00-04:00"]}),
    )
    spring = all_slots(session, local(2026, 3, 28, 12), date(2026, 3, 29), date(2026, 3, 29))
    # 01:00-04:00 is only two real hours on the spring-forward night.
    assert [s.start.isoformat() for s in spring] == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]
    autumn = all_slots(session, local(2026, 10, 24, 12), date(2026, 10, 25), date(2026, 10, 25))
    # ... and four on the fall-back night: 02:00 happens twice.
    assert [s.start.isoformat() for s in autumn] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]
    for s in spring + autumn:
        assert s.end.astimezone(timezone.utc) - s.start.astimezone(timezone.utc) == timedelta(
            minutes=45
        )
    # Both 02:00 slots are bookable separately, by their unambiguous keys.
    now = local(2026, 10, 24, 12)
    first, second = autumn[1], autumn[2]
    # (compared in UTC: Python compares same-zone datetimes by wall clock, ignoring fold)
    a, b = bk.parse_slot_key(first.key), bk.parse_slot_key(second.key)
    assert a is not None and b is not None
    assert a.astimezone(timezone.utc) == first.utc and b.astimezone(timezone.utc) == second.utc
    assert bk.book(session, request(a), now=now).start.utcoffset() == timedelta(hours=2)
    assert bk.book(session, request(b, phone="87654321"), now=now).start.utcoffset() == (
        timedelta(hours=1)
    )
    left = all_slots(session, now, date(2026, 10, 25), date(2026, 10, 25))
    assert [s.start.isoformat() for s in left] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T03:00:00+01:00",
    ]


@pytest.mark.parametrize(
    "now, notice, first_offer",
    [
        (local(2025, 12, 1, 13, 30), 120, local(2025, 12, 2, 9)),  # Mon 13:30: 2 h notice
        (local(2025, 12, 1, 12, 59), 0, local(2025, 12, 1, 13)),
        (local(2025, 12, 1, 13, 0), 0, local(2025, 12, 1, 13)),  # starting now is allowed
        (local(2025, 12, 1, 14, 1), 0, local(2025, 12, 2, 9)),  # just after the last start
        (local(2025, 12, 5, 11, 30), 0, local(2025, 12, 8, 9)),  # Friday -> Monday
        (local(2025, 12, 23, 14, 30), 120, local(2025, 12, 29, 9)),  # over Christmas
    ],
)
def test_now_near_closing_time(session, tmp_path, now, notice, first_offer) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=notice))
    offers = bk.find_offers(session, now=now)
    assert offers.matched
    assert offers.slots[0].start == first_offer


def test_default_offers_are_three_different_days(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    offers = bk.find_offers(session, now=NOW)
    assert starts(offers.slots) == [
        local(2025, 11, 26, 12),
        local(2025, 11, 27, 9),
        local(2025, 11, 28, 9),
    ]


@pytest.mark.parametrize(
    "text, expected, matched",
    [
        ("på torsdag", [local(2025, 11, 27, h) for h in (9, 10, 11)], True),
        (
            "i næste uge om formiddagen",
            [local(2025, 12, d, 9) for d in (1, 2, 3)],
            True,
        ),
        ("den 3. december kl. 10", [local(2025, 12, 3, 10)], True),
        (
            "efter kl. 14",
            [local(2025, 11, 26, 14), local(2025, 11, 27, 14), local(2025, 12, 1, 14)],
            True,
        ),
        (
            "ikke mandag",
            [local(2025, 11, 26, 12), local(2025, 11, 27, 9), local(2025, 11, 28, 9)],
            True,
        ),
        (
            "næste uge, ikke mandag, efter kl. 13",
            [local(2025, 12, d, 13) for d in (2, 3, 4)],
            True,
        ),
        # Not free (Christmas Eve closed): the nearest free times instead.
        (
            "den 24. december kl. 10",
            [local(2025, 12, 19, 11), local(2025, 12, 22, 14), local(2025, 12, 23, 14)],
            False,
        ),
    ],
)
def test_offers_follow_the_wish(session, tmp_path, text, expected, matched) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    offers = bk.find_offers(session, now=NOW, wish=parse_wish(text, NOW))
    assert (starts(offers.slots), offers.matched) == (expected, matched)


def test_taken_wish_gives_nearest_and_keeps_exclusions(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    bk.book(session, request(local(2025, 12, 3, 10)), now=NOW)
    offers = bk.find_offers(session, now=NOW, wish=parse_wish("den 3. december kl. 10", NOW))
    assert not offers.matched
    assert local(2025, 12, 3, 10) not in starts(offers.slots)
    assert len(offers.slots) == 3
    assert len({s.start.date() for s in offers.slots}) == 3
    assert local(2025, 12, 3, 9) in starts(offers.slots) or local(2025, 12, 3, 11) in starts(
        offers.slots
    )
    # Thursday fully booked: alternatives near it, never on the excluded Monday.
    for h in (9, 10, 11, 12, 13, 14):
        bk.book(session, request(local(2025, 11, 27, h)), now=NOW)
    offers = bk.find_offers(session, now=NOW, wish=parse_wish("torsdag, ikke mandag", NOW))
    assert not offers.matched
    assert all(s.start.weekday() not in (0, 3) for s in offers.slots)
