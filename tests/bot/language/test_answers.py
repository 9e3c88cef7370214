"""Short answers in a form: yes, no and an explicit stop (bot/language/answers.py)."""

import pytest

from bot.language.answers import is_stop, yes_no


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ja", True),
        ("Ja, aflys mødet", True),
        ("ja aflys", True),
        ("jep", True),
        ("ja tak!", True),
        ("det er fint", True),
        ("/affirm", True),
        ("nej", False),
        ("Ret adressen", False),
        ("/deny", False),
        ("nej! den 10. december kl 13", False),
        ("Bent Larsen", None),
        ("måske", None),
        ("jamen hvad med i morgen", None),
    ],
)
def test_yes_no(text: str, expected: bool | None) -> None:
    assert yes_no(text) is expected


@pytest.mark.parametrize(
    "text", ["stop", "Stop.", "glem det", "afbryd", "annuller", "jeg fortryder", "stpo"]
)
def test_explicit_stop(text: str) -> None:
    if text == "stpo":
        assert not is_stop(text)  # a typo is not an explicit stop; the form asks again
    else:
        assert is_stop(text)


@pytest.mark.parametrize(
    "text",
    [
        "Bent Larsen",
        "Stop Hansen er mit navn",
        "jeg vil ikke stoppe, jeg vil booke et møde om min sag",
        "min sag om stop af kontanthjælp",
    ],
)
def test_names_and_answers_are_no_stop(text: str) -> None:
    assert not is_stop(text)
