"""content/cases.yml (bot/features/cases/content.py): validated with the line of a mistake."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.content import ContentError
from bot.core.settings import ROOT
from bot.features.cases.content import load_cases

FILE = ROOT / "content" / "cases.yml"


def test_the_shipped_file_has_outcomes_for_the_annual_report() -> None:
    content = load_cases(FILE)
    codes = [o.kode for o in content.udfald]
    assert len(codes) == len(set(codes)) >= 5
    assert content.outcome("dialogmoede").hjemmel == "§ 8, nr. 4"
    assert content.active_outcomes == content.udfald
    assert content.label("topic") == "Emne" and content.label("et_felt") == "Et felt"
    assert content.pdf.titel.format(nummer="BR-2026-0001") == "Sag BR-2026-0001"


@pytest.mark.parametrize(
    "old, new, message",
    [
        (
            "  - kode: dialogmoede\n",
            "  - kode: klage-behandlet\n",
            "klage-behandlet står der flere",
        ),
        ("  - kode: dialogmoede\n", "  - kode: Dialog Møde\n", "kode skal være små bogstaver"),
        ('  titel: "Sag {nummer}"\n', '  titel: "Sag {sag}"\n', "ukendt pladsholder"),
        ('    ingen: "–"\n', "", "felter mangler ingen"),
        ("  - haster\n", "  - haster, straks\n", "intet komma"),
    ],
)
def test_mistakes_are_refused_in_danish(tmp_path: Path, old: str, new: str, message: str) -> None:
    text = FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "cases.yml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_cases(path)
    assert message in str(err.value) and "cases.yml" in str(err.value)


def test_a_file_with_every_outcome_retired_is_refused(tmp_path: Path) -> None:
    text = re.sub(
        r"(?m)^    navn: ", "    aktiv: false\n    navn: ", FILE.read_text(encoding="utf-8")
    )
    path = tmp_path / "cases.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError, match="mindst ét aktivt udfald"):
        load_cases(path)
