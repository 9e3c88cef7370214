"""The content loader (bot/core/content.py): validated, reloaded, last good version kept."""

from pathlib import Path
from typing import List

import pytest
from pydantic import BaseModel

from bot.core.content import ContentError, ContentFile, load, model_parser, problems


class Contact(BaseModel):
    phone: str
    staff: List[str]


GOOD = "phone: 99 31 16 18\nstaff:\n  - Karina\n  - Anja\n"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def test_a_valid_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "contact.yml"
    write(path, GOOD)
    assert load(path, model_parser(Contact)).phone == "99 31 16 18"


def test_an_invalid_value_names_the_file_and_the_line(tmp_path: Path) -> None:
    path = tmp_path / "contact.yml"
    write(path, "phone: 99 31 16 18\nstaff:\n  - Karina\n  - {navn: Anja}\n")
    with pytest.raises(ContentError) as caught:
        load(path, model_parser(Contact))
    assert caught.value.file == "contact.yml"
    assert caught.value.line == 4
    assert "Fejl i contact.yml, linje 4" in str(caught.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "contact.yml"
    write(path, "phone: [99 31 16 18\nstaff: []\n")
    with pytest.raises(ContentError) as caught:
        load(path, model_parser(Contact))
    assert caught.value.line is not None
    assert "YAML" in caught.value.message


def test_an_edit_is_seen_and_an_invalid_edit_keeps_the_last_good(tmp_path: Path) -> None:
    path = tmp_path / "contact.yml"
    write(path, GOOD)
    clock = Clock()
    content = ContentFile(path, model_parser(Contact), check_every=1.0, monotonic=clock)
    assert content.get().phone == "99 31 16 18"

    write(path, GOOD.replace("99 31 16 18", "99 31 00 00 "))
    assert content.get().phone == "99 31 16 18"  # checked at most once a second
    clock.t = 2
    assert content.get().phone == "99 31 00 00"

    write(path, "phone: 99 31 11 11\n")  # staff missing
    clock.t = 4
    assert content.get().phone == "99 31 00 00"  # the last good version stays
    assert content.error is not None and content.error.file == "contact.yml"
    assert problems([content]) == [content.error]

    write(path, GOOD)
    clock.t = 6
    assert content.get().phone == "99 31 16 18"
    assert content.error is None


def test_the_first_load_must_succeed(tmp_path: Path) -> None:
    path = tmp_path / "contact.yml"
    write(path, "staff: []\n")
    with pytest.raises(ContentError):
        ContentFile(path, model_parser(Contact)).get()
