"""content/booking.yml read and validated (bot/features/booking/office.py)."""

from __future__ import annotations

import pytest

from bot.features import booking as bk
from tests.bot.features.booking.helpers import (
    DATA,
    ROOT,
    local,
    write_config,
)


def test_texts_load_with_contact_data() -> None:
    texts = bk.load_texts(DATA)
    assert texts.telefon == "99 31 16 18"
    assert texts.label(local(2025, 12, 3, 10)) == "onsdag den 3. december kl. 10.00"
    assert texts.location(bk.IN_PERSON).startswith("Boulevarden 13")


def test_advisor_must_be_in_contact_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_config(tmp_path, raadgivere=[{"navn": "Ukendt Person"}])
    (tmp_path / "contact.yml").write_text((ROOT / "content" / "contact.yml").read_text("utf-8"))
    with pytest.raises(bk.BookingFileError, match="Ukendt Person"):
        bk.load_booking_file(path)
