"""Yes or no in a letter (bot/features/explain/outcome.py)."""

from __future__ import annotations

import pytest

from bot.features.explain.outcome import asks_outcome, letter_outcome

ENKELTYDELSE = (
    "Aalborg Kommune har behandlet din ansøgning om enkeltydelse til tandbehandling efter lov "
    "om aktiv socialpolitik § 81. Din ansøgning imødekommes ikke, idet det vurderes, at du ikke "
    "har været ude af stand til at afholde udgiften."
)


@pytest.mark.parametrize(
    "text, expected",
    [
        (ENKELTYDELSE, "nej"),  # QA round 2, c20: "er det ja eller nej?"
        ("Vi har desværre givet dig afslag på din ansøgning om boligstøtte.", "nej"),
        ("Du får bevilget 10 timers hjemmehjælp om ugen.", "ja"),
        ("Din ansøgning imødekommes.", "ja"),
        ("Du får bevilget 2 timer, men ikke de 5 timer, du søgte om.", "delvist"),
        ("Vi har modtaget din ansøgning og vender tilbage.", None),
    ],
)
def test_letter_outcome(text: str, expected: str | None) -> None:
    assert letter_outcome(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("saa jeg har faaet nej?", True),
        ("er det ja eller nej", True),
        ("har jeg fået afslag?", True),
        ("betyder det nej?", True),
        ("hvad betyder imødekommes ikke", False),
        ("jeg har fået nej fra kommunen og vil gerne klage over det", False),  # tells a matter
    ],
)
def test_asks_outcome(text: str, expected: bool) -> None:
    assert asks_outcome(text) is expected
