import shutil
from pathlib import Path

import pytest

from bot.app.datafiles import DataFileError, check_all
from bot.core.settings import ROOT


def test_every_data_file_in_the_repository_is_valid() -> None:
    assert set(check_all(ROOT / "content")) == {
        "contact.yml",
        "competence.yml",
        "complaint_deadline.yml",
        "fallback.yml",
        "glossary.yml",
        "laws.yml",
        "fuldmagt.yml",
        "booking.yml",
        "web.yml",
        "cases.yml",
        "handover.yml",
        "feedback.yml",
        "live.yml",
    }


def test_a_broken_file_is_named_in_danish(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "content", data)
    (data / "contact.yml").write_text("navn: bare et navn\n", encoding="utf-8")
    broken = (
        (data / "competence.yml")
        .read_text(encoding="utf-8")
        .replace("    body: skattestyrelsen\n", "    body: findes_ikke\n")
    )
    (data / "competence.yml").write_text(broken, encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        check_all(data)
    message = str(err.value)
    assert message.startswith("Der er fejl i disse datafiler:")
    assert "content/contact.yml" in message and "content/competence.yml" in message
    assert "content/glossary.yml" not in message
