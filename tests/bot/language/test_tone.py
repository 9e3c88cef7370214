"""Anger and distress (bot/language/tone.py)."""

import pytest

from bot.language.tone import is_upset


@pytest.mark.parametrize(
    "text",
    [
        "I er nogle fucking idioter allesammen",
        "kommunen har ødelagt mit liv",
        "jeg er SÅ træt af jer!!!",
        "JEG HAR IKKE FÅET SVAR I TRE MÅNEDER",
        "jeg kan ikke mere, ingen hjælper mig",
    ],
)
def test_upset(text: str) -> None:
    assert is_upset(text)


@pytest.mark.parametrize(
    "text",
    [
        "min sagsbehandler svarer ikke på mine mails",
        "Hvad betyder partshøring?",
        "Jeg vil gerne booke et møde",
        "OK",
    ],
)
def test_calm(text: str) -> None:
    assert not is_upset(text)
