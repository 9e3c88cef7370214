"""A case's summary for staff (bot/features/cases/summary.py)."""

from __future__ import annotations

import json

from bot.core.settings import ROOT
from bot.features.cases.content import load_cases
from bot.features.cases.summary import SummaryItem, summary_items
from tests.casedata import summary

CONTENT = load_cases(ROOT / "content" / "cases.yml")


def test_a_hand_over_summary_is_described_in_danish() -> None:
    items = summary_items(summary(), CONTENT)
    assert items[:3] == (
        SummaryItem("Emne", "Jeg har ventet 5 måneder på svar om boligstøtte"),
        SummaryItem(
            "Vurdering",
            "Klage over kommunens sagsbehandling (inden for Borgerrådgivningens område)",
        ),  # fmt: skip
        SummaryItem("Grundlag", "vedtægtens § 7, stk. 2"),
    )
    assert SummaryItem("Kontakt", "telefon: 12345678, om formiddagen") in items


def test_an_unexpected_shape_is_shown_key_by_key_masked_and_nested() -> None:
    data = {
        "topic": "CPR 010190-1234",
        "deadlines": [{"last": "2026-12-24", "ok": True}],  # no "text": describe cannot read it
        "ukendt_felt": ["a", 1, None],
    }
    items = summary_items(json.dumps(data), CONTENT)
    assert items == (
        SummaryItem("Emne", "CPR [CPR]"),
        SummaryItem(
            "Frister",
            None,
            (SummaryItem("1", None, (SummaryItem("last", "2026-12-24"), SummaryItem("ok", "Ja"))),),
        ),
        SummaryItem("Ukendt felt", "a, 1, –"),
    )


def test_broken_json_is_shown_as_text() -> None:
    assert summary_items("{ikke json 010190-1234", CONTENT) == (
        SummaryItem("Resume", "{ikke json [CPR]"),
    )
    assert summary_items('"bare tekst"', CONTENT) == (SummaryItem("Resume", "bare tekst"),)
