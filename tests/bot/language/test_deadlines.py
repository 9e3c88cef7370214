from datetime import date

import pytest

from bot.language.deadlines import (
    add_period,
    deadline_end,
    find_deadlines,
    find_letter_date,
    find_receipt_date,
    format_date_da,
    is_closed_day,
    next_working_day,
    parse_date,
    period_days,
    weekday_da,
)

TODAY = date(2026, 11, 26)
LETTER = date(2026, 11, 12)  # a Thursday


# --- counting -------------------------------------------------------------------------------


def test_days_are_counted_from_the_day_after() -> None:
    # Received Monday 2 March 2026: day 1 is 3 March, day 14 is Monday 16 March.
    assert deadline_end(date(2026, 3, 2), 14, "dage") == date(2026, 3, 16)


def test_weeks_end_on_the_same_weekday() -> None:
    end = deadline_end(date(2026, 11, 10), 4, "uger")
    assert end == date(2026, 12, 8)
    assert end.weekday() == date(2026, 11, 10).weekday() == 1  # Tuesday


def test_months_end_on_the_same_date() -> None:
    assert deadline_end(date(2026, 3, 17), 6, "måneder") == date(2026, 9, 17)


def test_month_without_that_date_ends_on_its_last_day() -> None:
    assert add_period(date(2028, 1, 31), 1, "måneder") == date(2028, 2, 29)  # leap year
    assert deadline_end(date(2028, 1, 31), 1, "måneder") == date(2028, 2, 29)  # a Tuesday
    assert add_period(date(2027, 3, 31), 1, "måneder") == date(2027, 4, 30)
    assert add_period(date(2027, 8, 31), 6, "måneder") == date(2028, 2, 29)


def test_month_end_on_a_saturday_moves_to_monday() -> None:
    # 31 January 2026 + 1 month = 28 February 2026, a Saturday -> Monday 2 March.
    assert add_period(date(2026, 1, 31), 1, "måneder") == date(2026, 2, 28)
    assert deadline_end(date(2026, 1, 31), 1, "måneder") == date(2026, 3, 2)


def test_years_from_29_february() -> None:
    assert add_period(date(2028, 2, 29), 1, "år") == date(2029, 2, 28)


def test_weekend_moves_to_next_working_day() -> None:
    # Saturday 14 November 2026 + 2 weeks = Saturday 28 November -> Monday 30 November.
    assert deadline_end(date(2026, 11, 14), 2, "uger") == date(2026, 11, 30)
    # Sunday -> Monday
    assert deadline_end(date(2026, 11, 15), 14, "dage") == date(2026, 11, 30)


def test_christmas_moves_past_all_closed_days() -> None:
    # 27 Nov 2026 + 4 weeks = Friday 25 December (juledag); 26 Dec is 2. juledag and a
    # Saturday, 27 Dec a Sunday -> Monday 28 December.
    assert deadline_end(date(2026, 11, 27), 4, "uger") == date(2026, 12, 28)


def test_easter_moves_past_all_closed_days() -> None:
    # 25 Feb 2027 + 4 weeks = skærtorsdag 25 March; then langfredag, Saturday, påskedag,
    # 2. påskedag -> Tuesday 30 March 2027.
    assert deadline_end(date(2027, 2, 25), 4, "uger") == date(2027, 3, 30)


def test_grundlovsdag_and_new_years_eve_are_closed() -> None:
    assert deadline_end(date(2026, 5, 22), 14, "dage") == date(2026, 6, 8)  # 5 June is Friday
    assert deadline_end(date(2026, 12, 3), 4, "uger") == date(2027, 1, 4)  # 31 Dec, 1 Jan


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (date(2026, 12, 24), True),  # juleaftensdag
        (date(2026, 12, 31), True),  # nytårsaftensdag
        (date(2026, 6, 5), True),  # grundlovsdag
        (date(2026, 5, 14), True),  # Kristi himmelfartsdag
        (date(2026, 5, 25), True),  # 2. pinsedag
        (date(2026, 5, 1), False),  # 1. maj is not a public holiday
        (date(2024, 4, 26), False),  # store bededag was abolished from 2024
        (date(2026, 11, 26), False),  # an ordinary Thursday
        (date(2026, 11, 28), True),  # Saturday
    ],
)
def test_closed_days(day: date, closed: bool) -> None:
    assert is_closed_day(day) is closed


def test_working_days_skip_weekends() -> None:
    # Friday 27 November 2026 + 7 arbejdsdage = Tuesday 8 December.
    assert deadline_end(date(2026, 11, 27), 7, "arbejdsdage") == date(2026, 12, 8)


def test_next_working_day_keeps_a_working_day() -> None:
    assert next_working_day(date(2026, 11, 26)) == date(2026, 11, 26)


def test_period_days() -> None:
    assert period_days(4, "uger") == 28
    assert period_days(14, "dage") == 14
    assert period_days(6, "måneder") is None
    assert period_days(7, "arbejdsdage") is None


def test_danish_formatting() -> None:
    assert format_date_da(date(2026, 12, 3)) == "3. december 2026"
    assert weekday_da(date(2026, 12, 3)) == "torsdag"


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "3. december 2026",
        "3. dec. 2026",
        "3.12.2026",
        "03-12-2026",
        "3/12-2026",
        "3/12 2026",
        "2026-12-03",
        "03.12.26",
        "den 3. december",
    ],
)
def test_date_formats(text: str) -> None:
    assert parse_date(text, reference=TODAY) == date(2026, 12, 3)


def test_date_without_year_is_the_next_one() -> None:
    assert parse_date("15. januar", reference=TODAY) == date(2027, 1, 15)
    assert parse_date("3/12", reference=TODAY) == date(2026, 12, 3)


def test_impossible_date_is_ignored() -> None:
    assert parse_date("31. februar 2026", reference=TODAY) is None


def test_letter_date_from_the_header() -> None:
    text = "Aalborg Kommune\nMyndighedsafdelingen\n\nAalborg, den 12. november 2026\n\nKære Jens"
    assert find_letter_date(text, TODAY) == LETTER
    assert find_letter_date("Sagsnr. 123\nDato: 12.11.2026\n", TODAY) == LETTER
    assert find_letter_date("Kære Jens\n12. november\nVi har ...", TODAY) == LETTER


def test_deadline_date_is_not_the_letter_date() -> None:
    assert find_letter_date("Du skal svare senest den 3. december 2026.", TODAY) is None


def test_receipt_date() -> None:
    assert find_receipt_date("Jeg fik brevet den 14/11.", TODAY) == date(2026, 11, 14)
    assert find_receipt_date("jeg modtog afgørelsen i går", TODAY) == date(2026, 11, 25)
    assert find_receipt_date("Modtaget: 13.11.2026\nKære ...", TODAY) == date(2026, 11, 13)
    # The kommune receiving an application is not the citizen receiving the letter.
    assert find_receipt_date("Vi har modtaget din ansøgning den 1. oktober 2026.", TODAY) is None


# --- deadlines in text ----------------------------------------------------------------------


def _found(text: str, **kwargs: object) -> list:
    return [(d.text, d.days, d.date) for d in find_deadlines(text, today=TODAY, **kwargs)]


def test_four_weeks_from_the_letter_date() -> None:
    text = "Du kan klage inden 4 uger efter, at du har modtaget afgørelsen."
    assert _found(text, letter_date=LETTER) == [("inden 4 uger", 28, date(2026, 12, 10))]


def test_receipt_date_wins_over_letter_date() -> None:
    text = "Klagefristen er 4 uger fra den dag, du har modtaget afgørelsen."
    found = find_deadlines(text, letter_date=LETTER, receipt_date=date(2026, 11, 14), today=TODAY)
    assert [(d.text, d.days, d.date, d.base) for d in found] == [
        ("4 uger", 28, date(2026, 12, 14), "modtagelse")
    ]


def test_fourteen_days_to_answer() -> None:
    assert _found("Du har 14 dage til at komme med bemærkninger.", letter_date=LETTER) == [
        ("14 dage", 14, date(2026, 11, 26))
    ]


def test_fixed_date_is_reported_as_written() -> None:
    assert _found("Vi skal have dit svar senest den 3. december.", letter_date=LETTER) == [
        ("senest den 3. december", None, date(2026, 12, 3))
    ]


def test_six_months_for_a_lawsuit() -> None:
    text = "Søgsmål skal være anlagt inden 6 måneder efter, at afgørelsen er meddelt."
    assert _found(text, letter_date=LETTER) == [("inden 6 måneder", None, date(2027, 5, 12))]


def test_without_a_known_date_there_is_no_last_day() -> None:
    assert _found("Klagen skal være modtaget inden 4 uger.") == [("inden 4 uger", 28, None)]


def test_labelled_deadlines() -> None:
    assert _found("Klagefrist: 4 uger. Svarfrist 14 dage.") == [
        ("4 uger", 28, None),
        ("14 dage", 14, None),
    ]


def test_number_words_and_genitive_forms() -> None:
    text = "Der er en frist på fjorten dage. Svar inden for to uger. Du har en 14 dages frist."
    assert _found(text) == [
        ("fjorten dage", 14, None),
        ("inden for to uger", 14, None),
        ("14 dages frist", 14, None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Du får hjælpen i 6 måneder.",
        "Du søgte for 3 uger siden.",
        "Du har været sygemeldt i 8 uger.",
        "Du får rengøring 2 dage om ugen.",
        "Bevillingen gælder i 12 måneder fra 1. januar 2027.",
        "Vi har modtaget din ansøgning den 1. oktober 2026.",
    ],
)
def test_periods_and_dates_that_are_not_deadlines(text: str) -> None:
    assert find_deadlines(text, letter_date=LETTER, today=TODAY) == []


def test_numeric_and_weekday_fixed_dates() -> None:
    text = "Frist: 03-12-2026. Senest fredag d. 4/12. Inden 15.01.2027."
    assert _found(text, letter_date=LETTER) == [
        ("Frist: 03-12-2026", None, date(2026, 12, 3)),
        ("Senest fredag d. 4/12", None, date(2026, 12, 4)),
        ("Inden 15.01.2027", None, date(2027, 1, 15)),
    ]


def test_authority_deadline_has_no_date() -> None:
    text = (
        "Klagen skal være modtaget inden 4 uger efter, at du har modtaget afgørelsen. "
        "Vi genvurderer afgørelsen inden 4 uger."
    )
    found = find_deadlines(text, letter_date=LETTER, today=TODAY)
    assert [(d.text, d.date, d.authority) for d in found] == [
        ("inden 4 uger", date(2026, 12, 10), False),
        ("inden 4 uger", None, True),
    ]


def test_answer_time_counted_from_the_request_is_unknown() -> None:
    text = "Kommunen svarer inden 7 arbejdsdage efter modtagelsen af din anmodning."
    found = find_deadlines(text, letter_date=LETTER, today=TODAY)
    assert [(d.text, d.days, d.date, d.authority) for d in found] == [
        ("inden 7 arbejdsdage", None, None, True)
    ]


def test_letter_deadline_ending_on_a_holiday_is_extended() -> None:
    # Letter of Friday 27 November 2026 + 4 weeks = juledag -> Monday 28 December.
    assert _found("Du kan klage inden 4 uger.", letter_date=date(2026, 11, 27)) == [
        ("inden 4 uger", 28, date(2026, 12, 28))
    ]


def test_same_deadline_twice_is_reported_once() -> None:
    text = "Klagefristen er 4 uger. Husk: klagefristen er 4 uger."
    assert len(find_deadlines(text, letter_date=LETTER, today=TODAY)) == 1
