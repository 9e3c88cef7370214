"""The booking conversation's decisions (bot/features/booking/dialogue.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.features import booking as bk
from tests.bot.features.booking.helpers import DATA, NOW, local, one_advisor, request, seed


@pytest.mark.parametrize(
    "text, meeting_type, expected",
    [
        ("12 34 56 78", "fremmoede", ("12345678", None)),
        ("mette@example.dk", "telefon", (None, "utter_booking_phone_needed")),
        ("mette@localhost", "fremmoede", (None, "utter_booking_contact_invalid")),
    ],
)
def test_contact_answer(text, meeting_type, expected) -> None:  # type: ignore[no-untyped-def]
    assert bk.contact_answer(text, meeting_type) == expected


def test_booking_request_needs_every_answer() -> None:
    answers = {
        "slot_key": "2025-12-03T10:00+01:00",
        "contact": "12345678, mette@example.dk",
        "meeting_type": "fremmoede",
        "topic": "Min sag",
        "name": "Mette Hansen",
    }
    got = bk.booking_request(**answers, conversation_id="samtale-1")
    assert got is not None
    assert (got.start, got.phone, got.email) == (
        local(2025, 12, 3, 10),
        "12345678",
        "mette@example.dk",
    )
    assert got.request_key == bk.request_key("samtale-1", got.start.isoformat())
    for missing in ("slot_key", "contact", "meeting_type"):
        assert bk.booking_request(**{**answers, missing: ""}, conversation_id="x") is None


def test_confirmation_and_a_new_time() -> None:
    assert bk.confirmation(True) is True
    assert bk.confirmation("jep") is True
    assert bk.confirmation("nej") is False
    assert bk.confirmation("måske") is None
    assert bk.names_a_time("nej, hellere kl 13", NOW)
    assert not bk.names_a_time("nej", NOW)
    assert bk.kept_day("2025-12-03T10:00+01:00") == "den 3. december"
    assert bk.kept_day("") is None


def test_choose_time(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    exact = bk.choose_time(session, "kl 13", "den 3. december", now=NOW)
    assert exact.slot is not None and exact.slot.start == local(2025, 12, 3, 13)
    vague = bk.choose_time(session, "i næste uge", "", now=NOW)
    assert (vague.slot, vague.wish, vague.taken) == (None, "i næste uge", False)
    bk.book(session, request(local(2025, 12, 3, 10)), now=NOW)
    taken = bk.choose_time(session, "2025-12-03T10:00+01:00", "", now=NOW)
    assert (taken.slot, taken.taken) == (None, True)


@pytest.mark.parametrize(
    "wish, response",
    [
        ("", "utter_booking_offer"),
        ("på torsdag", "utter_booking_offer_wish"),
        ("den 24. december kl. 10", "utter_booking_offer_nearest"),
        ("når solen skinner", "utter_booking_wish_not_understood"),
        ("2025-12-03T10:00+01:00", "utter_booking_offer_wish"),
    ],
)
def test_offer_times_says_how(session, tmp_path, wish, response) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    plan = bk.offer_times(session, wish, now=NOW)
    assert plan.response == response and plan.slots


def test_no_free_times_at_all(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, aabningstider={}))
    assert bk.offer_times(session, "", now=NOW) == bk.OfferPlan([], "utter_booking_no_slots")


def test_replies_after_booking(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    texts = bk.load_texts(DATA)
    info = bk.book(session, request(local(2025, 12, 3, 10)), now=NOW, texts=texts)
    booked = bk.booked_replies(info, texts, "99 31 16 18")
    assert [r for r, _ in booked] == ["utter_booking_booked", "utter_booking_booked_chat"]
    assert booked[0][1]["reference"] == info.reference
    assert bk.slot_button(bk.find_offers(session, now=NOW).slots[0], texts) == {
        "title": "Onsdag den 26. november kl. 12.00",
        "payload": '/inform{"slot_start":"2025-11-26T12:00+01:00"}',
    }


@pytest.mark.parametrize(
    "text, kind, wish",
    [
        ("telefon, tirsdag den 8 kl 13", "telefon", "telefon, tirsdag den 8 kl 13"),
        ("Telefon", "telefon", None),
        (
            "møde på kontoret, helst om formiddagen",
            "fremmoede",
            "møde på kontoret, helst om formiddagen",
        ),
        ("tirsdag kl 13", None, None),  # no meeting type: asked again, the wish comes later
    ],
)
def test_meeting_type_answer_keeps_a_time_wish(
    text: str, kind: str | None, wish: str | None
) -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert bk.meeting_type_and_wish(text, now) == (kind, wish)


def test_an_email_given_at_the_phone_question_is_kept() -> None:
    earlier = ["Mette Hansen", "mette@example.dk"]
    assert bk.contact_answer("12 34 56 78", "telefon", earlier) == (
        "12345678, mette@example.dk",
        None,
    )


def test_skriv_ogsaa_min_mail_paa_adds_the_mail_to_the_phone() -> None:
    earlier = ["12345678", "nej, skriv også min mail på"]
    assert bk.contact_answer("mette@example.dk", "telefon", earlier) == (
        "12345678, mette@example.dk",
        None,
    )


def test_a_new_phone_number_replaces_the_earlier_one() -> None:
    earlier = ["12345678, mette@example.dk", "nej, nummeret er forkert"]
    assert bk.contact_answer("87654321", "telefon", earlier) == ("87654321, mette@example.dk", None)


def test_only_the_last_two_messages_count() -> None:
    earlier = ["ring til 11223344", "Mette", "kl 14"]
    assert bk.contact_answer("mette@example.dk", "fremmoede", earlier) == ("mette@example.dk", None)
