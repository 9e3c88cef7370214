"""Telling "it is urgent" after a hand-over from a new matter (bot/features/handover/urgency.py)."""

from __future__ import annotations

import pytest

from bot.features.handover.urgency import is_urgent


@pytest.mark.parametrize(
    "text",
    [
        "fredag?? det er alt for lang tid det her haster",
        "det haster altsaa",
        "kan i ikke ringe foer?",
        "det tager for lang tid, jeg skal bruge hjælp i dag",
    ],
)
def test_urgent(text: str) -> None:
    assert is_urgent(text)


@pytest.mark.parametrize(
    "text",
    [
        "tak for hjælpen",
        "jeg har også en sag om min søns skole",
        "min sagsbehandler er ikke til at få fat i " * 10 + "det haster",  # a new long story
    ],
)
def test_not_urgent(text: str) -> None:
    assert not is_urgent(text)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("det er alt for lang tid, det her haster", True),  # QA round 2, x1
        ("det haster", True),
        ("det haster med min kontanthjælp", False),  # a matter: routed
        ("fredag?? det er alt for lang tid det her haster", False),
        ("tak for hjælpen", False),
    ],
)
def test_only_urgency(text: str, expected: bool) -> None:
    from bot.features.handover.urgency import only_urgency

    assert only_urgency(text) is expected
