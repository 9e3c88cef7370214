"""What the citizen answers in the hand-over (contact.py)."""

from __future__ import annotations

import pytest

from bot.features.handover.contact import (
    MAIL,
    PHONE,
    SELF,
    ContactWish,
    from_slot,
    read_contact,
    read_matter,
    read_when,
)


@pytest.mark.parametrize(
    "text, wish",
    [
        ("12 34 56 78", ContactWish(PHONE, "12345678")),
        ("ring på +45 12345678 tak", ContactWish(PHONE, "12345678")),
        ("min mail er Mette@Example.org", ContactWish(MAIL, "mette@example.org")),
        ("12345678 eller mette@example.org", ContactWish(PHONE, "12345678, mette@example.org")),
        ("jeg ringer selv", ContactWish()),
        ("Jeg ringer selv til jer i morgen", ContactWish()),
        ("/deny", ContactWish()),  # the button "Jeg ringer selv"
        ("nej tak", ContactWish()),
        ("det vil jeg helst ikke", ContactWish()),
        (SELF, ContactWish()),
    ],
)
def test_a_phone_an_address_or_calling_oneself(text: str, wish: ContactWish) -> None:
    assert read_contact(text) == wish


@pytest.mark.parametrize("text", ["hej", "1234", "mette@localhost", "/affirm", ""])
def test_anything_else_is_no_answer(text: str) -> None:
    assert read_contact(text) is None


def test_the_slot_value_reads_back_and_only_a_call_keeps_the_time() -> None:
    phone = read_contact("12345678")
    assert phone is not None and phone.needs_a_time and phone.slot_value == "12345678"
    assert from_slot(phone.slot_value, "om formiddagen") == ContactWish(
        PHONE, "12345678", "om formiddagen"
    )
    mail = read_contact("a@example.org")
    assert mail is not None and not mail.needs_a_time
    assert from_slot(mail.slot_value, "om formiddagen").when is None
    assert from_slot(SELF, "om formiddagen") == ContactWish()
    assert from_slot(None).calls_self


def test_when_it_suits_is_kept_as_written_and_short() -> None:
    assert read_when("  efter   kl 14 ") == "efter kl 14"
    assert read_when("/inform") is None and read_when("x") is None
    assert len(read_when("a" * 500) or "") == 200


def test_the_matter_needs_a_few_letters_and_is_cut_at_the_limit() -> None:
    assert read_matter("ok") is None and read_matter("/affirm") is None
    assert read_matter(" Jeg har ikke fået svar ") == "Jeg har ikke fået svar"
    long = read_matter("x" * 3000)
    assert long is not None and len(long) == 2000 and long.endswith("…")
