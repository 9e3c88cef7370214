"""'Kan jeg nå at klage?' worked out (bot/features/competence/deadline.py)."""

from datetime import date

import pytest

from bot.core.settings import ROOT
from bot.features.competence.deadline import answer, letter_rule, load_rule, slot_value
from bot.language.deadlines import find_deadlines

RULE = load_rule(ROOT / "content" / "complaint_deadline.yml")
TODAY = date(2026, 12, 1)  # a Tuesday


def test_the_rule_has_sources() -> None:
    assert RULE.sources and all(s.startswith("https://") for s in RULE.sources)
    assert (RULE.amount, RULE.unit) == (4, "uger")


@pytest.mark.parametrize(
    "text, last_day, days_left",
    [
        ("fik afslag for 3 uger siden, kan jeg nå at klage?", date(2026, 12, 8), 7),
        ("afslag den 3. november 2026, hvornår er fristen?", date(2026, 12, 1), 0),
        ("kan jeg stadig klage, det er 2 måneder siden?", date(2026, 10, 29), -33),
        ("fik afslag i mandags, hvor lang tid har jeg til at klage", date(2026, 12, 28), 27),
        ("afslag paa hjaelp den 3. november 2026, hvornaar er fristen", date(2026, 12, 1), 0),
    ],
)
def test_answers(text: str, last_day: date, days_left: int) -> None:
    a = answer(text, TODAY, RULE)
    assert a is not None
    assert (a.last_day, a.days_left) == (last_day, days_left)


def test_passed_says_what_is_still_possible() -> None:
    a = answer("det er 2 måneder siden, er det for sent at klage?", TODAY, RULE)
    assert a is not None and a.passed
    assert [name for name, _ in a.messages()] == [
        "utter_deadline_passed",
        "utter_deadline_passed_options",
    ]


def test_no_answer_without_a_question_or_a_day() -> None:
    assert answer("jeg fik afslag for 3 uger siden", TODAY, RULE) is None
    assert answer("hvor lang tid har jeg til at klage?", TODAY, RULE) is None


def test_a_letter_s_own_deadline_is_used_after_the_letter() -> None:
    own = letter_rule(find_deadlines("Du har 14 dage fra brevets dato til at svare."), RULE)
    assert slot_value(own) == "14 dage"
    a = answer("brevet kom den 26. november, hvornår er fristen?", TODAY, RULE, "14 dage")
    assert a is not None and a.from_letter
    assert a.last_day == date(2026, 12, 10)
    assert a.response() == "utter_deadline_letter_left"


def test_a_complaint_to_the_advisor_has_no_decision_deadline() -> None:
    text = "sagen blev lukket for 60 uger siden, kan jeg nå at klage til borgerrådgiveren?"
    assert answer(text, TODAY, RULE) is None  # the vedtægt's § 13 decides, not 4 weeks
