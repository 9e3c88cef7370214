"""Personal data found and masked before anything becomes training data."""

from __future__ import annotations

from typing import List, Tuple

from bot.features.training import pii


def names(text: str) -> List[Tuple[int, int]]:
    """A stand-in recogniser: "Lone Kjærgaard" is a person wherever it stands."""
    at = text.find("Lone Kjærgaard")
    return [(at, at + len("Lone Kjærgaard"))] if at >= 0 else []


def test_every_kind_is_masked() -> None:
    text = ("Jeg hedder Mette Hansen, cpr 010190-1234, ring på +45 22 33 44 55 "
            "eller skriv til mette.h@example.dk")
    assert pii.mask(text) == (
        "Jeg hedder [NAVN], cpr [CPR], ring på [TELEFON] eller skriv til [EMAIL]"
    )
    assert pii.kinds(text) == ["navn", "cpr", "telefon", "email"]


def test_names_from_the_recogniser_and_from_introductions() -> None:
    assert pii.mask("Min sagsbehandler Lone Kjærgaard svarer ikke", names) == (
        "Min sagsbehandler [NAVN] svarer ikke"
    )
    assert pii.mask("min søn Peter fik afslag") == "min søn [NAVN] fik afslag"
    assert pii.mask("jeg hedder ole") == "jeg hedder [NAVN]"


def test_ordinary_messages_and_masks_are_left_alone() -> None:
    for text in ("kan jeg klage over kommunen", "jeg har ventet 3 måneder på svar",
                 "[NAVN] fik afslag på [CPR]", "klagefristen er 4 uger fra 1. december"):
        assert pii.mask(text, names) == text
        assert pii.kinds(text, names) == []


def test_the_refusal_says_what_was_found() -> None:
    assert pii.refusal(["navn", "telefon"]).startswith(
        "Eksemplet indeholder et navn og et telefonnummer."
    )
