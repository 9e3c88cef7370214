"""The abuse limits of booking (bot/features/booking/guard.py): per contact, per
conversation, moves per booking, and the reserve of each day's times."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.features import booking as bk
from bot.features.booking.guard import (
    CONTACT_DAY,
    CONTACT_OPEN,
    CONVERSATION,
    MOVES,
    RESERVED,
    BookingLink,
    day_capacity,
    forget_conversation,
)
from bot.features.booking.slots import load_calendar
from tests.bot.features.booking.helpers import (
    NOW,
    all_slots,
    confirm_mailbox,
    local,
    one_advisor,
    policy,
    request,
    seed,
)

WEDNESDAY = date(2025, 12, 3)  # 09:00-15:00: six meetings of 45 + 15 minutes


def book(session, start, *, phone="12345678", email=None, conversation="samtale-1", **limits):  # type: ignore[no-untyped-def]
    return bk.book(
        session, request(start, phone=phone, email=email), now=NOW,
        policy=policy(**limits), conversation_id=conversation,
    )  # fmt: skip


def test_day_capacity_counts_every_meeting_that_fits(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    cal = load_calendar(session, today=NOW.date())
    assert day_capacity(cal, WEDNESDAY) == 6
    assert day_capacity(cal, date(2025, 12, 5)) == 3  # Friday 09:00-12:00
    assert day_capacity(cal, date(2025, 12, 6)) == 0  # Saturday
    assert day_capacity(cal, date(2025, 12, 25)) == 0  # juledag


def test_made_up_phone_numbers_cannot_take_the_reserved_share(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The issue's 425 fake bookings: every one with another phone and conversation."""
    seed(session, one_advisor(tmp_path))
    booked, refused = 0, 0
    for n, slot in enumerate(all_slots(session, NOW, WEDNESDAY, WEDNESDAY)):
        try:
            book(session, slot.start, phone=f"2{n:07d}", conversation=f"falsk-{n}")
            booked += 1
        except bk.BookingLimit as exc:
            assert exc.reason == RESERVED
            refused += 1
    assert (booked, refused) == (4, 2)  # floor(6 * 0.7) = 4; 2 of 6 stay free
    free = all_slots(session, NOW, WEDNESDAY, WEDNESDAY)
    assert len(free) == 2
    # A citizen whose e-mail address has confirmed still gets one of them.
    confirm_mailbox(session, "mette@example.dk")
    info = book(session, free[0].start, phone="87654321", email="mette@example.dk")
    assert info.status == bk.ACTIVE


def test_without_a_reserve_the_day_fills_up(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    for n, slot in enumerate(all_slots(session, NOW, WEDNESDAY, WEDNESDAY)):
        book(session, slot.start, phone=f"2{n:07d}", conversation=f"c{n}", reserved_share=0.0)
    assert all_slots(session, NOW, WEDNESDAY, WEDNESDAY) == []


def test_open_bookings_per_phone_number(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    book(session, local(2025, 12, 3, 9), conversation="a")
    book(session, local(2025, 12, 4, 9), conversation="b")
    with pytest.raises(bk.BookingLimit) as err:
        book(session, local(2025, 12, 8, 9), conversation="c")
    assert err.value.reason == CONTACT_OPEN
    book(session, local(2025, 12, 8, 9), phone="87654321", conversation="c")  # someone else


def test_open_bookings_per_email_address_whatever_its_spelling(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    book(session, local(2025, 12, 3, 9), phone=None, email="victim+1@gmail.com", conversation="a")
    book(session, local(2025, 12, 4, 9), phone=None, email="v.ictim@gmail.com", conversation="b")
    with pytest.raises(bk.BookingLimit) as err:
        book(session, local(2025, 12, 8, 9), phone=None, email="VICTIM@gmail.com", conversation="c")
    assert err.value.reason == CONTACT_OPEN


def test_book_cancel_book_is_limited_per_day(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    contact = bk.ContactInfo(phone="12345678")
    for n in range(3):
        info = book(session, local(2025, 12, 3, 9 + n), conversation=f"c{n}")
        bk.cancel(session, info.reference, contact, now=NOW)
    with pytest.raises(bk.BookingLimit) as err:
        book(session, local(2025, 12, 3, 13), conversation="c9")
    assert err.value.reason == CONTACT_DAY


def test_bookings_per_conversation(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    book(session, local(2025, 12, 3, 9), phone="11111111")
    book(session, local(2025, 12, 3, 10), phone="22222222")
    with pytest.raises(bk.BookingLimit) as err:
        book(session, local(2025, 12, 3, 11), phone="33333333")
    assert err.value.reason == CONVERSATION


def test_moves_are_limited_per_booking_across_conversations(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    info = book(session, local(2025, 12, 3, 9))
    contact = bk.ContactInfo(phone="12345678")
    for n in range(3):
        bk.move(
            session, info.reference, contact, local(2025, 12, 4, 9 + n), now=NOW,
            policy=policy(), conversation_id=f"anden-{n}",
        )  # fmt: skip
    with pytest.raises(bk.BookingLimit) as err:
        bk.move(
            session, info.reference, contact, local(2025, 12, 8, 9), now=NOW,
            policy=policy(), conversation_id="en-helt-ny",
        )  # fmt: skip
    assert err.value.reason == MOVES
    still = bk.find_booking(session, info.reference, contact)
    assert still.start == local(2025, 12, 4, 11)


def test_the_limits_keep_hashes_only(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    book(session, local(2025, 12, 3, 9), email="mette@example.dk", conversation="samtale-1")
    link = session.execute(select(BookingLink)).scalar_one()
    stored = " ".join(str(v) for v in (link.email_hash, link.phone_hash, link.conversation_hash))
    for secret in ("mette", "12345678", "samtale-1"):
        assert secret not in stored
    assert link.confirmed_at is None


def test_forgetting_a_conversation_keeps_the_booking(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    key = bk.request_key("samtale-1", local(2025, 12, 3, 9).isoformat())
    info = bk.book(
        session, request(local(2025, 12, 3, 9), request_key=key), now=NOW, policy=policy(),
        conversation_id="samtale-1",
    )  # fmt: skip
    hashed = policy().conversation_hash("samtale-1")
    assert hashed is not None and forget_conversation(session, hashed) == 1
    booking = session.execute(select(bk.Booking)).scalar_one()
    link = session.execute(select(BookingLink)).scalar_one()
    assert (booking.reference, booking.status) == (info.reference, bk.ACTIVE)
    assert booking.request_key is None and link.conversation_hash is None
    assert link.phone_hash is not None  # the limits per contact still hold
    assert forget_conversation(session, hashed) == 0


def test_a_past_booking_does_not_count_as_open(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    book(session, local(2025, 12, 3, 9), conversation="a")
    book(session, local(2025, 12, 4, 9), conversation="b")
    later = NOW + timedelta(days=9)  # both meetings are over
    info = bk.book(
        session, request(local(2025, 12, 10, 9)), now=later, policy=policy(),
        conversation_id="c",
    )  # fmt: skip
    assert info.status == bk.ACTIVE
