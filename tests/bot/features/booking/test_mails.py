"""The booking mails are no open relay (bot/features/booking/mails.py): a mailbox that
has not confirmed gets a short link and nothing the citizen wrote; the limits per
mailbox and day, per conversation and per hour hold across bookings and moves."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes
from email import policy as email_policy

from sqlalchemy import func, select

from bot.features import booking as bk
from bot.infra.outbox import OutboxMail
from bot.infra.recipients import MailSent
from tests.bot.features.booking.helpers import (
    CONFIRM_URL,
    DATA,
    NOW,
    SECRET,
    confirm_mailbox,
    local,
    one_advisor,
    request,
    seed,
)

STRANGER = "hans@example.org"
EVIL_NAME = "Hans. VIGTIGT: din sag lukkes, log ind på https://evil.example/mitid"


def policy(**mail: int) -> bk.BookingPolicy:
    from bot.features.booking.guard import BookingLimits
    from bot.infra.recipients import MailLimits

    limits = {"per_recipient_per_day": 3, "per_origin": 4, "per_hour": 60, **mail}
    return bk.BookingPolicy(
        secret=SECRET, confirm_url=CONFIRM_URL, limits=BookingLimits(max_moves=100),
        mail=MailLimits(**limits),
    )  # fmt: skip


def mails(session) -> list:  # type: ignore[no-untyped-def]
    return list(session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars())


def body(mail: OutboxMail) -> str:
    msg = message_from_bytes(mail.message, policy=email_policy.default)
    return str(msg.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def terms(conversation: str = "samtale-1", **mail: int) -> dict:
    return {
        "now": NOW, "texts": bk.load_texts(DATA), "policy": policy(**mail),
        "conversation_id": conversation,
    }  # fmt: skip


def test_the_issues_relay_is_closed(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """One booking and ten moves to a stranger's address: today eleven mails with
    "Kære Hans. VIGTIGT ... https://evil.example/mitid"."""
    seed(session, one_advisor(tmp_path))
    assert bk.clean_name(EVIL_NAME) is None  # the form refuses the name
    # Even a name that got past the form is never mailed to an unconfirmed mailbox.
    info = bk.book(
        session, request(local(2025, 12, 3, 9), name=EVIL_NAME, email=STRANGER), **terms()
    )
    assert (info.mail_queued, info.mail_link) == (False, True)
    contact = bk.ContactInfo(email=STRANGER)
    for n in range(10):
        start = local(2025, 12, 4, 9) + timedelta(days=7 * (n // 6), hours=n % 6)
        moved = bk.move(session, info.reference, contact, start, **terms(f"flyt-{n}"))
        assert not moved.mail_queued
    cancelled = bk.cancel(session, info.reference, contact, **terms("aflys"))
    assert not cancelled.mail_queued
    (only,) = mails(session)
    text = body(only)
    assert only.to_addr == STRANGER and len(text) < 700
    for written in ("Hans", "VIGTIGT", "evil", "boligstøtte", "Afslag"):
        assert written not in text and written not in only.subject
    links = re.findall(r"https?://\S+", text)
    assert len(links) == 1 and links[0].startswith(CONFIRM_URL)
    assert "ics" not in only.message.decode("ascii").lower()


def test_a_second_booking_the_same_day_sends_no_second_link(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    first = bk.book(session, request(local(2025, 12, 3, 9), email=STRANGER), **terms("a"))
    second = bk.book(
        session, request(local(2025, 12, 3, 10), phone="87654321", email=STRANGER), **terms("b")
    )
    assert first.mail_link and second.mail_link
    assert len(mails(session)) == 1


def test_the_link_confirms_and_then_the_details_are_mailed(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    info = bk.book(session, request(local(2025, 12, 3, 9), email="Mette@Example.dk"), **terms())
    token = body(mails(session)[0]).split(CONFIRM_URL, 1)[1].split()[0]
    assert bk.confirm_address(
        session, "forkert-token-0123456789", now=NOW, texts=bk.load_texts(DATA),
        policy=policy(), tz="Europe/Copenhagen", mail_domain="aalborg.dk",
    ).ok is False  # fmt: skip
    done = bk.confirm_address(
        session, token, now=NOW + timedelta(minutes=5), texts=bk.load_texts(DATA),
        policy=policy(), tz="Europe/Copenhagen", mail_domain="aalborg.dk",
    )  # fmt: skip
    assert (done.ok, done.bookings) == (True, 1)
    full = mails(session)[1]
    assert full.key == f"booking:{info.reference}:bekraeftelse:0"
    assert "Kære Mette Hansen" in body(full) and "text/calendar" in full.message.decode("ascii")
    # Clicking again mails nothing new; later changes are mailed as usual.
    again = bk.confirm_address(
        session, token, now=NOW, texts=bk.load_texts(DATA), policy=policy(),
        tz="Europe/Copenhagen", mail_domain="aalborg.dk",
    )  # fmt: skip
    assert (again.ok, again.bookings) == (True, 0)
    contact = bk.ContactInfo(email="mette@example.dk")
    moved = bk.move(session, info.reference, contact, local(2025, 12, 4, 9), **terms())
    assert moved.mail_queued and len(mails(session)) == 3


def test_an_expired_link_confirms_nothing(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    bk.book(session, request(local(2025, 12, 3, 9), email=STRANGER), **terms())
    token = body(mails(session)[0]).split(CONFIRM_URL, 1)[1].split()[0]
    late = bk.confirm_address(
        session, token, now=NOW + timedelta(days=8), texts=bk.load_texts(DATA),
        policy=policy(), tz="Europe/Copenhagen", mail_domain="aalborg.dk",
    )  # fmt: skip
    assert not late.ok and len(mails(session)) == 1


def test_a_confirmed_mailbox_gets_at_most_so_many_mails_a_day(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    confirm_mailbox(session, "mette@example.dk")
    info = bk.book(session, request(local(2025, 12, 3, 9), email="mette@example.dk"), **terms())
    contact = bk.ContactInfo(email="mette@example.dk")
    queued = [info.mail_queued]
    for n in range(4):  # each move from another conversation
        moved = bk.move(
            session, info.reference, contact, local(2025, 12, 4, 9 + n), **terms(f"c{n}")
        )
        queued.append(moved.mail_queued)
    assert queued == [True, True, True, False, False]
    assert len(mails(session)) == 3
    # The next day the mailbox can be written to again.
    tomorrow = {**terms("c9"), "now": NOW + timedelta(days=1, minutes=1)}
    assert bk.move(session, info.reference, contact, local(2025, 12, 8, 9), **tomorrow).mail_queued


def test_mails_per_conversation(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    for n in range(3):
        confirm_mailbox(session, f"m{n}@example.dk")
    limits = {"per_origin": 2}
    a = bk.book(
        session,
        request(local(2025, 12, 3, 9), phone="11111111", email="m0@example.dk"),
        **terms("x", **limits),
    )
    b = bk.book(
        session,
        request(local(2025, 12, 3, 10), phone="22222222", email="m1@example.dk"),
        **terms("y", **limits),
    )
    c = bk.move(
        session,
        b.reference,
        bk.ContactInfo(phone="22222222"),
        local(2025, 12, 4, 9),
        **terms("x", **limits),
    )
    d = bk.move(
        session,
        a.reference,
        bk.ContactInfo(phone="11111111"),
        local(2025, 12, 4, 10),
        **terms("x", **limits),
    )
    assert [i.mail_queued for i in (a, b, c, d)] == [True, True, True, False]


def test_mails_per_hour_altogether(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    results = []
    for n in range(3):
        wanted = request(local(2025, 12, 3, 9 + n), phone=f"1111111{n}", email=f"p{n}@example.dk")
        info = bk.book(session, wanted, **terms(f"c{n}", per_hour=2))
        results.append(info.mail_link)
    assert results == [True, True, False]
    assert session.execute(select(func.count(MailSent.id))).scalar_one() == 2
