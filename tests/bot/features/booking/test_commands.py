"""Book, cancel, move, purge and concurrency (bot/features/booking/commands.py).

The services never commit: a test's ``session`` is its one unit of work, and the race
uses ``session_scope`` per attempt, as the actions do.
"""

from __future__ import annotations

import logging
import threading

import pytest
from sqlalchemy import create_engine, func, select

from bot.features import booking as bk
from bot.infra.db import make_engine, make_session_factory, session_scope
from bot.infra.outbox import OutboxMail
from tests.bot.features.booking.helpers import (
    ANJA,
    DATA,
    KARINA,
    NOW,
    confirm_mailbox,
    local,
    one_advisor,
    policy,
    request,
    seed,
    starts,
    write_config,
)


def test_book_confirms_and_queues_mail_with_ics(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    texts = bk.load_texts(DATA)
    start = local(2025, 12, 3, 10)
    confirm_mailbox(session, "mette@example.dk")
    info = bk.book(
        session, request(start, email="Mette@Example.DK"), now=NOW, texts=texts, policy=policy()
    )
    assert len(info.reference) == bk.REFERENCE_LENGTH
    assert set(info.reference) <= set(bk.REFERENCE_ALPHABET)
    assert info.start == start and info.end == local(2025, 12, 3, 10, 45)
    assert info.mail_queued and not info.mail_link and info.status == bk.ACTIVE
    mail = session.execute(select(OutboxMail)).scalar_one()
    assert mail.key == f"booking:{info.reference}:bekraeftelse:0"
    assert mail.subject == "Dit møde med Borgerrådgivningen onsdag den 3. december kl. 10.00"
    raw = mail.message.decode("ascii")
    assert "text/calendar" in raw and 'filename="moede.ics"' in raw
    assert "boligst" not in raw  # the purpose is never e-mailed
    # 12 blocks of 5 minutes: 45 min meeting + 15 min buffer.
    assert session.execute(select(func.count()).select_from(bk.BookedBlock)).scalar_one() == 12
    stored = session.execute(select(bk.Booking)).scalar_one()
    assert stored.topic == "Afslag på boligstøtte [CPR]"
    assert stored.email == "Mette@Example.DK"


def test_book_without_a_policy_mails_nothing(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    info = bk.book(
        session, request(local(2025, 12, 3, 10), email="mette@example.dk"), now=NOW,
        texts=bk.load_texts(DATA),
    )  # fmt: skip
    assert not info.mail_queued and not info.mail_link
    assert session.execute(select(func.count()).select_from(OutboxMail)).scalar_one() == 0


def test_book_without_email_queues_nothing(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    info = bk.book(session, request(local(2025, 12, 3, 10)), now=NOW, texts=bk.load_texts(DATA))
    assert not info.mail_queued
    assert session.execute(select(func.count()).select_from(OutboxMail)).scalar_one() == 0


def test_booked_slot_disappears_and_second_advisor_is_used(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    start = local(2025, 12, 3, 10)
    a = bk.book(session, request(start), now=NOW)
    slot = bk.find_slot(session, start, now=NOW)
    assert slot is not None and len(slot.advisor_ids) == 1
    b = bk.book(session, request(start, phone="87654321"), now=NOW)
    assert {a.advisor_name, b.advisor_name} == {KARINA, ANJA}
    assert bk.find_slot(session, start, now=NOW) is None
    with pytest.raises(bk.SlotTaken) as err:
        bk.book(session, request(start, phone="11223344"), now=NOW)
    alternatives = starts(err.value.alternatives)
    assert alternatives and start not in alternatives
    assert bk.count_active(session) == 2


@pytest.mark.parametrize(
    "start",
    [
        local(2025, 12, 3, 10, 30),  # off the grid
        local(2025, 12, 6, 10),  # Saturday
        local(2025, 12, 25, 10),  # Christmas Day
        local(2025, 11, 26, 11),  # inside the notice period
        local(2025, 11, 20, 10),  # the past
        local(2026, 6, 1, 10),  # beyond the horizon
    ],
)
def test_book_refuses_unbookable_times(session, tmp_path, start) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    with pytest.raises(bk.SlotTaken) as err:
        bk.book(session, request(start), now=NOW)
    assert len(err.value.alternatives) == 3
    assert bk.count_active(session) == 0


def test_repeated_request_is_idempotent(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    start = local(2025, 12, 3, 10)
    key = bk.request_key("conversation-1", start.isoformat())
    a = bk.book(session, request(start, request_key=key), now=NOW)
    b = bk.book(session, request(start, request_key=key), now=NOW)
    assert a.reference == b.reference
    assert bk.count_active(session) == 1


def test_personal_data_is_not_logged_at_info(session, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    caplog.set_level(logging.DEBUG)
    info = bk.book(
        session,
        request(local(2025, 12, 3, 10), email="mette@example.dk"),
        now=NOW,
        texts=bk.load_texts(DATA),
    )
    bk.cancel(session, info.reference, bk.ContactInfo(email="mette@example.dk"), now=NOW)
    for record in caplog.records:
        if record.levelno >= logging.INFO:
            message = record.getMessage()
            for secret in ("Mette", "12345678", "mette@example.dk", "boligstøtte"):
                assert secret not in message


def test_cancel(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    start = local(2025, 12, 3, 10)
    texts = bk.load_texts(DATA)
    confirm_mailbox(session, "mette@example.dk")
    terms = {"now": NOW, "texts": texts, "policy": policy()}
    info = bk.book(session, request(start, email="mette@example.dk"), **terms)
    with pytest.raises(bk.BookingNotFound):
        bk.cancel(session, info.reference, bk.ContactInfo(phone="99999999"), now=NOW)
    with pytest.raises(bk.BookingNotFound):
        bk.cancel(session, "AAAAAA", bk.ContactInfo(phone="12345678"), now=NOW)
    with pytest.raises(bk.BookingNotFound):
        bk.cancel(session, info.reference, bk.ContactInfo(), now=NOW)
    assert bk.find_slot(session, start, now=NOW) is None
    # Reference typed in lower case with a space, contact by e-mail in other case.
    ref = info.reference.lower()[:3] + " " + info.reference.lower()[3:]
    cancelled = bk.cancel(session, ref, bk.parse_contact("MeTTe@example.dk"), **terms)
    assert cancelled.status == bk.CANCELLED and cancelled.mail_queued
    assert bk.find_slot(session, start, now=NOW) is not None  # free again
    stored = session.execute(select(bk.Booking)).scalar_one()
    assert stored.topic == "" and stored.cancelled_at is not None
    assert session.execute(select(func.count()).select_from(bk.BookedBlock)).scalar_one() == 0
    keys = set(session.execute(select(OutboxMail.key)).scalars())
    assert keys == {
        f"booking:{info.reference}:bekraeftelse:0",
        f"booking:{info.reference}:aflyst:0",
    }
    with pytest.raises(bk.BookingNotChangeable):
        bk.cancel(session, info.reference, bk.ContactInfo(phone="12345678"), now=NOW)
    # The freed slot can be booked by someone else.
    other = bk.book(session, request(start, phone="87654321"), now=NOW)
    assert other.reference != info.reference


def test_cannot_change_a_past_meeting(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    info = bk.book(session, request(local(2025, 12, 3, 10)), now=NOW)
    later = local(2025, 12, 3, 10, 5)
    contact = bk.ContactInfo(phone="12345678")
    with pytest.raises(bk.BookingNotChangeable):
        bk.cancel(session, info.reference, contact, now=later)
    with pytest.raises(bk.BookingNotChangeable):
        bk.move(session, info.reference, contact, local(2025, 12, 4, 10), now=later)


def test_move(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    texts = bk.load_texts(DATA)
    old, new = local(2025, 12, 3, 10), local(2025, 12, 4, 13)
    confirm_mailbox(session, "mette@example.dk")
    terms = {"now": NOW, "texts": texts, "policy": policy()}
    info = bk.book(session, request(old, email="mette@example.dk"), **terms)
    contact = bk.ContactInfo(phone="12345678")
    moved = bk.move(session, info.reference, contact, new, **terms)
    assert moved.reference == info.reference
    assert (moved.start, moved.sequence, moved.mail_queued) == (new, 1, True)
    assert bk.find_slot(session, old, now=NOW) is not None
    assert bk.find_slot(session, new, now=NOW) is None
    assert session.execute(select(func.count()).select_from(bk.BookedBlock)).scalar_one() == 12
    assert f"booking:{info.reference}:flyttet:1" in set(
        session.execute(select(OutboxMail.key)).scalars()
    )


def test_move_to_a_taken_slot_keeps_the_old_time(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    mine = bk.book(session, request(local(2025, 12, 3, 10)), now=NOW)
    bk.book(session, request(local(2025, 12, 3, 11), phone="87654321"), now=NOW)
    contact = bk.ContactInfo(phone="12345678")
    with pytest.raises(bk.SlotTaken) as err:
        bk.move(session, mine.reference, contact, local(2025, 12, 3, 11), now=NOW)
    assert local(2025, 12, 3, 11) not in starts(err.value.alternatives)
    # Its own current time is offered as free for a move.
    assert local(2025, 12, 3, 10) in starts(err.value.alternatives)
    still = bk.find_booking(session, mine.reference, contact)
    assert (still.start, still.status, still.sequence) == (local(2025, 12, 3, 10), bk.ACTIVE, 0)
    assert session.execute(select(func.count()).select_from(bk.BookedBlock)).scalar_one() == 24


def test_purge_after_retention(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    past = bk.book(session, request(local(2025, 12, 1, 9)), now=NOW)
    future = bk.book(session, request(local(2026, 1, 5, 9), phone="87654321"), now=NOW)
    cancelled = bk.book(session, request(local(2026, 1, 6, 9), phone="11223344"), now=NOW)
    bk.cancel(session, cancelled.reference, bk.ContactInfo(phone="11223344"), now=NOW)
    # 30 days after 1 Dec 09:45 but before 30 days after the cancellation (26 Nov)...
    assert bk.purge_expired(session, now=local(2025, 12, 26, 12), retention_days=30) == 1
    remaining = set(session.execute(select(bk.Booking.reference)).scalars())
    assert remaining == {past.reference, future.reference}
    assert bk.purge_expired(session, now=local(2026, 1, 1, 12), retention_days=30) == 1
    remaining = set(session.execute(select(bk.Booking.reference)).scalars())
    assert remaining == {future.reference}
    assert session.execute(select(func.count()).select_from(bk.BookedBlock)).scalar_one() == 12


def _racing_factory(db_url: str):  # type: ignore[no-untyped-def]
    if db_url.startswith("postgresql"):
        # A connection per thread, so all attempts really run at once.
        engine = create_engine(db_url, future=True, pool_size=25, max_overflow=0)
    else:
        engine = make_engine(db_url)
    return engine, make_session_factory(engine)


@pytest.mark.parametrize("advisors", [1, 2])
def test_concurrent_attempts_on_one_slot(engine, db_url, tmp_path, advisors) -> None:  # type: ignore[no-untyped-def]
    path = one_advisor(tmp_path) if advisors == 1 else write_config(tmp_path)
    factory = make_session_factory(engine)
    with session_scope(factory) as s:
        seed(s, path)
    race_engine, race_factory = _racing_factory(db_url)
    start = local(2025, 12, 3, 10)
    n = 20
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def attempt(i: int) -> None:
        barrier.wait()
        try:
            # One unit of work per attempt, as in the actions: it commits the winner.
            with session_scope(race_factory) as s:
                results[i] = bk.book(s, request(start, phone=f"1000{i:04d}"), now=NOW)
        except bk.SlotTaken as exc:
            results[i] = exc
        except Exception as exc:  # noqa: BLE001 - reported below
            results[i] = exc

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    race_engine.dispose()
    winners = [r for r in results if isinstance(r, bk.BookingInfo)]
    losers = [r for r in results if isinstance(r, bk.SlotTaken)]
    others = [r for r in results if not isinstance(r, (bk.BookingInfo, bk.SlotTaken))]
    assert others == []
    assert len(winners) == advisors
    assert len(losers) == n - advisors
    assert len({w.advisor_name for w in winners}) == advisors
    for loser in losers:
        assert loser.alternatives and start not in starts(loser.alternatives)
    with factory() as s:
        assert bk.count_active(s) == advisors
        assert s.execute(select(func.count()).select_from(bk.BookedBlock)).scalar_one() == (
            12 * advisors
        )


def test_the_caller_commits(session_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Services never commit: others see a booking only after the caller's unit of work."""
    with session_scope(session_factory) as s:
        seed(s, one_advisor(tmp_path))
    start = local(2025, 12, 3, 10)
    uncommitted = session_factory()
    bk.book(uncommitted, request(start), now=NOW)
    with session_factory() as other:
        assert bk.count_active(other) == 0
    uncommitted.rollback()
    uncommitted.close()
    with session_factory() as other:
        assert bk.count_active(other) == 0
    with session_scope(session_factory) as s:
        bk.book(s, request(start), now=NOW)
    with session_factory() as other:
        assert bk.count_active(other) == 1


def test_is_changeable() -> None:
    start = local(2025, 12, 3, 10)
    assert bk.is_changeable(bk.ACTIVE, start, NOW)
    assert not bk.is_changeable(bk.ACTIVE, start, start)
    assert not bk.is_changeable(bk.CANCELLED, start, NOW)
