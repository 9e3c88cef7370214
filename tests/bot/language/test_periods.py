from datetime import date

import pytest

from bot.language.periods import find_periods, latest_end, more_than_a_year_ago

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("min sag blev afsluttet i 2022", date(2022, 12, 31)),
        ("det skete i 2019", date(2019, 12, 31)),
        ("for to år siden", date(2024, 11, 26)),
        ("for halvandet år siden", date(2025, 5, 27)),
        ("for 18 måneder siden", date(2025, 5, 27)),
        ("sidste forår", date(2026, 5, 31)),
        ("i foråret 2023", date(2023, 5, 31)),
        ("sidste vinter", date(2026, 2, 28)),
        ("i marts", date(2026, 3, 31)),
        ("i december", date(2025, 12, 31)),  # the most recent December
        ("afsluttet i januar sidste år", date(2025, 1, 31)),
        ("i maj 2023", date(2023, 5, 31)),
        ("den 3. marts 2021", date(2021, 3, 3)),
        ("brevet er dateret 03.04.2021", date(2021, 4, 3)),
        ("sidste år", date(2025, 12, 31)),
        ("forrige år", date(2024, 12, 31)),
        ("sidste måned", date(2026, 10, 31)),
    ],
)
def test_period_end(text: str, end: date) -> None:
    assert latest_end(text, TODAY) == end


@pytest.mark.parametrize(
    "text",
    [
        "jeg har ventet siden 2020",
        "min mor er født i 1950",
        "jeg har ventet i 2 år",
        "ring på 99 31 16 18",
        "klagen skal sendes inden 4 uger",
    ],
)
def test_no_ended_period(text: str) -> None:
    assert find_periods(text, TODAY) == []


def test_the_latest_reference_counts() -> None:
    text = "jeg fik afslag i 2020 men klagede igen i sidste måned"
    assert latest_end(text, TODAY) == date(2026, 10, 31)


def test_one_year_boundary() -> None:
    assert not more_than_a_year_ago(date(2025, 11, 26), TODAY)
    assert more_than_a_year_ago(date(2025, 11, 25), TODAY)
    # 29 February: one year before is 28 February
    assert not more_than_a_year_ago(date(2023, 2, 28), date(2024, 2, 29))


def test_future_years_are_ignored() -> None:
    assert find_periods("planen gælder til 2030", TODAY) == []
