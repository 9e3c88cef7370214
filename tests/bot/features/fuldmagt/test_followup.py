"""Who gives the fuldmagt, and questions about signing it (bot/features/fuldmagt/followup.py)."""

from __future__ import annotations

import pytest

from bot.features.fuldmagt.followup import (
    BOTH_SIGN,
    CANNOT_SIGN,
    gives_fuldmagt,
    signing_answer,
    writes_as_helper,
)


@pytest.mark.parametrize(
    "text, gives, helper",
    [
        # QA round 2, c07: the citizen gives her son the fuldmagt
        ("hej kan i maile mig den der blanket saa min soen kan snakke med jer paa mine vegne",
         True, False),
        ("jeg vil give min datter fuldmagt", True, False),
        ("min bror har en hjerneskade og jeg hjaelper ham med hans sag", False, True),
        ("jeg vil hjælpe min mor med en klage", False, True),
        ("kan jeg få en fuldmagt", False, False),
    ],
)  # fmt: skip
def test_who_gives_the_fuldmagt(text: str, gives: bool, helper: bool) -> None:
    assert gives_fuldmagt(text) is gives
    assert writes_as_helper(text) is helper


@pytest.mark.parametrize(
    "text, about, expected",
    [
        ("skal min soen ogsaa skrive under?", True, BOTH_SIGN),  # c07
        ("hvad hvis han ikke selv kan skrive under? han har svaert ved at holde en kuglepen",
         True, CANNOT_SIGN),  # c09
        ("kan man lave en fuldmagt hvis han ikke kan skrive under", False, CANNOT_SIGN),
        ("skal min soen ogsaa skrive under?", False, None),  # not about the fuldmagt
        ("hvornår skal jeg sende den?", True, None),
    ],
)  # fmt: skip
def test_signing_answer(text: str, about: bool, expected: str | None) -> None:
    assert signing_answer(text, about_fuldmagt=about) == expected
