"""The receipt's promise from office hours, weekends and holidays (promise.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.core.settings import ROOT
from bot.features.booking.office import BookingFile, load_booking_file
from bot.features.handover.promise import (
    OfficeCalendar,
    day_label,
    promise,
    time_label,
)

TZ = ZoneInfo("Europe/Copenhagen")
BOOKING = load_booking_file(ROOT / "content" / "booking.yml")  # Mon-Thu 9-15, Fri 9-12


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def office(booking: BookingFile = BOOKING, extra=()) -> OfficeCalendar:  # type: ignore[no-untyped-def]
    return OfficeCalendar.from_booking(booking, "Europe/Copenhagen", extra)


def edited(**changes: object) -> BookingFile:
    return BookingFile.parse_obj({**BOOKING.dict(), **changes})


def test_within_office_hours_two_working_days_is_the_closing_time_two_days_later() -> None:
    p = promise(at(2026, 12, 1, 10), office(), 2)  # Tuesday 10:00
    assert p.due == at(2026, 12, 3, 15)  # Thursday at closing time
    assert not p.off_hours and p.opens is None
    assert p.due_label == "torsdag den 3. december"


def test_zero_working_days_is_the_same_day() -> None:
    assert promise(at(2026, 12, 1, 14, 45), office(), 0).due == at(2026, 12, 1, 15)


def test_friday_afternoon_after_closing_counts_from_monday() -> None:
    p = promise(at(2026, 12, 4, 13), office(), 2)  # Friday 13:00, closed since 12:00
    assert p.off_hours
    assert p.opens == at(2026, 12, 7, 9)  # Monday 9:00
    assert p.opens_label == "mandag den 7. december kl. 9.00"
    assert p.due == at(2026, 12, 9, 15)  # received Monday, answered by Wednesday


def test_the_weekend_is_off_hours_and_counts_from_monday() -> None:
    p = promise(at(2026, 12, 5, 11), office(), 1)  # Saturday
    assert p.off_hours and p.opens == at(2026, 12, 7, 9)
    assert p.due == at(2026, 12, 8, 15)  # Tuesday


def test_before_opening_the_day_of_receipt_is_today() -> None:
    p = promise(at(2026, 12, 1, 7, 30), office(), 1)  # Tuesday 7:30
    assert p.off_hours and p.opens == at(2026, 12, 1, 9)
    assert p.due == at(2026, 12, 2, 15)  # Wednesday


def test_after_closing_on_a_weekday_counts_from_the_next_day() -> None:
    p = promise(at(2026, 12, 1, 15, 0), office(), 1)  # Tuesday at closing time
    assert p.off_hours and p.opens == at(2026, 12, 2, 9)
    assert p.due == at(2026, 12, 3, 15)


def test_christmas_and_new_year_are_skipped() -> None:
    # Wednesday 23 December 14:00; 24 (juleaftensdag), 25, 26 and the weekend are closed.
    assert promise(at(2026, 12, 23, 14), office(), 2).due == at(2026, 12, 29, 15)
    # 31 December (nytårsaften) and 1 January are closed; 30 December is open.
    assert promise(at(2026, 12, 30, 10), office(), 1).due == at(2027, 1, 4, 15)


def test_easter_is_skipped() -> None:
    # Wednesday 24 March 2027: skærtorsdag, langfredag, the weekend and 2. påskedag closed.
    p = promise(at(2027, 3, 24, 10), office(), 1)
    assert p.due == at(2027, 3, 30, 15)


@pytest.mark.parametrize(
    "also_closed, due",
    [([], at(2026, 5, 1, 12)), (["Arbejdernes kampdag"], at(2026, 5, 4, 15))],
)
def test_optional_holidays_count_only_when_the_office_closes_on_them(
    also_closed: list, due: datetime
) -> None:
    cal = office(edited(lukket_ogsaa_paa=also_closed))
    assert promise(at(2026, 4, 30, 10), cal, 1).due == due  # Thursday; 1 May is a Friday


def test_closed_days_from_the_file_and_the_database_are_skipped() -> None:
    spec = {"fra": date(2026, 12, 2), "til": date(2026, 12, 3), "grund": "Kursus"}
    one_advisor = {"dato": date(2026, 12, 7), "grund": "Ferie", "raadgiver": "Anja Kristensen"}
    cal = office(edited(lukkedage=[spec, one_advisor]), extra=[date(2026, 12, 4)])
    # Tuesday: Wed-Fri are closed for the whole office; one advisor's day off is not.
    assert promise(at(2026, 12, 1, 10), cal, 1).due == at(2026, 12, 7, 15)


def test_an_office_closed_on_a_whole_day_of_the_week_skips_it() -> None:
    hours = {**BOOKING.aabningstider, "onsdag": []}
    assert promise(at(2026, 12, 1, 10), office(edited(aabningstider=hours)), 1).due == at(
        2026, 12, 3, 15
    )


def test_without_any_opening_ahead_the_public_working_days_are_counted() -> None:
    p = promise(at(2026, 12, 4, 10), office(edited(aabningstider={})), 2)  # Friday
    assert p.off_hours and p.opens is None
    assert p.due.date() == date(2026, 12, 8)  # Monday is day 1, Tuesday day 2


def test_summer_and_winter_time_keep_the_wall_clock() -> None:
    assert promise(at(2026, 3, 27, 10), office(), 1).due == at(2026, 3, 30, 15)  # DST in between
    assert promise(at(2026, 3, 27, 10), office(), 1).due.utcoffset().total_seconds() == 7200


def test_labels_are_danish() -> None:
    assert day_label(date(2026, 12, 24)) == "torsdag den 24. december"
    assert time_label(at(2027, 1, 4, 9, 30)) == "mandag den 4. januar kl. 9.30"
