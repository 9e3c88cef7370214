"""Yes or no in a letter (bot/features/explain/outcome.py)."""

from __future__ import annotations

import pytest

from bot.features.explain.outcome import asks_outcome, followup_response, letter_outcome

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


AGTERSKRIVELSE = (
    "Vi agter at træffe afgørelse om at nedsætte din hjemmehjælp fra ugentlig til hver 14. dag. "
    "Inden vi træffer afgørelse, har du mulighed for at komme med dine bemærkninger."
)  # QA round 2, c22


def test_a_hearing_is_not_a_decision() -> None:
    assert letter_outcome(AGTERSKRIVELSE) == "høring"
    # A decision that mentions the hearing held before it is still a decision.
    assert letter_outcome("Vi har foretaget partshøring den 14. oktober. Du får afslag.") == "nej"


@pytest.mark.parametrize(
    "text, outcome, expected",
    [
        ("ja men hvad skal vi saa goere, skal vi skrive til dem?", "høring",
         "utter_explain_outcome_hearing"),
        ("saa jeg har faaet nej?", "nej", "utter_explain_outcome_no"),
        ("hvad skal jeg gøre nu?", "nej", None),  # the next steps, not the outcome again
        ("saa jeg har faaet nej?", None, None),  # no letter in this conversation
    ],
)  # fmt: skip
def test_followup_response(text: str, outcome: str | None, expected: str | None) -> None:
    assert followup_response(text, outcome) == expected


def test_the_citizens_own_words_around_a_quote_are_not_the_letter() -> None:
    """QA round 3, c10: a grant read as "delvist ja" because the citizen wrote "afslag"."""
    text = ("min mor har faaet det her: 'Du er bevilget personlig pleje 2 gange dagligt samt "
            "rengøring hver 14. dag' hun troede hun fik afslag")  # fmt: skip
    assert letter_outcome(text) == "ja"
    assert asks_outcome("saa det er et nej?")  # QA round 3, c27
