"""Greetings and sign-offs around a matter (bot/language/courtesy.py)."""

from __future__ import annotations

import pytest

from bot.language.courtesy import between, only_courtesy, tells_a_matter, will_call

POUL_ERIK = (
    "Goddag. Jeg er 79 aar og ikke saa god til det her. Kan en af jeres medarbejdere kontakte "
    "mig, jeg har nogle spoergsmaal om min visitation til madservice som jeg ikke har faaet "
    "svar paa. Med venlig hilsen Poul Erik"
)  # QA round 2, c24: answered with the welcome again


@pytest.mark.parametrize(
    "text, matter, courtesy",
    [
        (POUL_ERIK, True, False),
        ("Med venlig hilsen Poul Erik", False, True),  # x1: treated as a pasted letter
        ("Venlig hilsen Inger", False, True),
        ("goddag", False, True),
        ("Hej med dig", False, False),
        ("hej jeg har et spørgsmål", False, False),
        ("/greet", False, False),
    ],
)
def test_greeting_sign_off_and_matter(text: str, matter: bool, courtesy: bool) -> None:
    assert tells_a_matter(text) is matter
    assert only_courtesy(text) is courtesy


def test_between_keeps_the_matter() -> None:
    assert "madservice" in between(POUL_ERIK)
    assert "poul erik" not in between(POUL_ERIK)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jeg ringer til jer i stedet", "os"),  # QA round 2, c09
        ("så ringer jeg i morgen", "os"),
        ("jeg ringer hellere", "os"),
        ("jeg ringer til dem i morgen", "dem"),  # after a redirect: not a booking
        ("ok jeg ringer til udbetaling danmark", "dem"),
        ("jeg har ringet til jobcentret tre gange uden svar", None),
    ],
)
def test_will_call(text: str, expected: str | None) -> None:
    assert will_call(text) == expected
