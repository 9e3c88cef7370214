"""What the citizen gives: phone/e-mail, name, topic (bot/features/booking/contact.py)."""

from __future__ import annotations

import pytest

from bot.features import booking as bk


@pytest.mark.parametrize(
    "text, phone, email",
    [
        ("12 34 56 78", "12345678", None),
        ("ring på +45 12 34 56 78", "12345678", None),
        ("0045-12345678", "12345678", None),
        ("mette@example.dk", None, "mette@example.dk"),
        ("Mail: Mette.H@Example.DK.", None, "mette.h@example.dk"),
        ("12345678 eller mette@example.dk", "12345678", "mette@example.dk"),
        ("1234567", None, None),
        ("123456789", None, None),
        ("ved ikke", None, None),
    ],
)
def test_parse_contact(text, phone, email) -> None:  # type: ignore[no-untyped-def]
    assert bk.parse_contact(text) == bk.ContactInfo(phone=phone, email=email)


@pytest.mark.parametrize(
    "text, expected",
    [("Mette Hansen", "Mette Hansen"), ("jeg hedder  Mette", "Mette"), ("42", None), ("/x", None)],
)
def test_clean_name(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert bk.clean_name(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("Afslag på  boligstøtte", "Afslag på boligstøtte"), ("ok", None), ("/inform", None)],
)
def test_topic_answer(text, expected) -> None:  # type: ignore[no-untyped-def]
    assert bk.topic_answer(text) == expected


def test_reachable_contact_drops_an_address_the_outbox_refuses() -> None:
    assert bk.reachable_contact("12345678 mette@localhost") == bk.ContactInfo(phone="12345678")
    info = bk.reachable_contact("+45 12345678 og mette@example.dk")
    assert info.text == "12345678, mette@example.dk"
