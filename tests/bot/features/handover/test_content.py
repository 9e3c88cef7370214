"""content/handover.yml and the consent text (content.py, consent.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.core.content import ContentError
from bot.core.settings import ROOT
from bot.features.handover.consent import SCOPE, consent_text, consent_version, given
from bot.features.handover.content import load_handover

FILE = ROOT / "content" / "handover.yml"


def test_the_repository_file_says_what_is_shared_with_whom_and_for_how_long() -> None:
    content = load_handover(FILE)
    text = consent_text(content, 365)
    assert "365 dage" in text and "{dage}" not in text
    for words in (
        "det, du har skrevet",
        "resumé",
        "CPR-numre bliver fjernet",
        "medarbejdere",
        "tavshedspligt",
        "§ 19",
    ):
        assert words in text
    assert text.rstrip().endswith("?")
    assert content.svartid_arbejdsdage == 2


def test_the_version_id_changes_with_the_text_even_without_a_new_version(tmp_path: Path) -> None:
    original = FILE.read_text(encoding="utf-8")
    before = consent_version(load_handover(FILE))
    copy = tmp_path / "handover.yml"
    copy.write_text(original.replace("kort resumé", "kort sammendrag"), encoding="utf-8")
    after = consent_version(load_handover(copy))
    assert before.split("#")[0] == after.split("#")[0] == "2026-12-01"
    assert before != after and len(after) <= 40  # fits Case.consent_version


@pytest.mark.parametrize(
    "old, new, message",
    [
        ("{dage} dage", "et stykke tid", "hvor længe"),
        ("{dage}", "{navn}", "ukendt felt {navn}"),
    ],
)
def test_a_consent_text_without_the_retention_is_refused_in_danish(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    broken = FILE.read_text(encoding="utf-8").replace(old, new)
    path = tmp_path / "handover.yml"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_handover(path)
    assert err.value.file == "handover.yml" and err.value.line is not None
    assert message in str(err.value)


def test_consent_records_the_version_shown_the_time_and_the_scope() -> None:
    content = load_handover(FILE)
    when = datetime(2026, 12, 1, 9, 2, 11, tzinfo=timezone.utc)
    consent = given("2026-11-01#abcdef12", when, content)
    assert consent.as_json() == {
        "version": "2026-11-01#abcdef12",
        "at": "2026-12-01T09:02:11+00:00",
        "scope": SCOPE,
    }
    assert given(None, when, content).version == consent_version(content)
