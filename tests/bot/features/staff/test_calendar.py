"""The meetings as staff see them (bot/features/staff/calendar.py): the booking
feature's own cancel and move, with the citizen's mail and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.features import booking as bk
from bot.features.audit import log as audit
from bot.features.booking.tables import to_db
from bot.features.staff import calendar
from bot.features.staff.calendar import CalendarError
from bot.infra.outbox import OutboxMail
from tests.bot.features.booking.helpers import (
    DATA,
    NOW,
    confirm_mailbox,
    local,
    policy,
    request,
    seed,
    write_config,
)

METTE = audit.Actor(1, "mette")
TZ = "Europe/Copenhagen"


@pytest.fixture
def session(session_factory):  # type: ignore[no-untyped-def]
    s = session_factory()
    yield s
    s.close()


def booked(session, tmp_path, *, email="mette@example.dk", confirmed=True):  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    if confirmed:
        confirm_mailbox(session, email)
    texts = bk.load_texts(DATA)
    first = bk.book(session, request(local(2025, 12, 3, 10), email=email), now=NOW, texts=texts,
                    policy=policy())  # fmt: skip
    second = bk.book(session, request(local(2025, 12, 2, 13), name="Ole Olsen"), now=NOW,
                     texts=texts, policy=policy())  # fmt: skip
    return first, second, texts


def change(fn, session, booking_id, *args, texts):  # type: ignore[no-untyped-def]
    return fn(
        session, booking_id, *args, actor=METTE, now=NOW, texts=texts, tz=TZ,
        mail_domain="aalborg.dk", policy=policy(),
    )  # fmt: skip


def mail_keys(session) -> list:  # type: ignore[no-untyped-def]
    return [m.key for m in session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars()]


def test_the_calendar_lists_active_meetings_in_time_order(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first, second, texts = booked(session, tmp_path)
    rows = calendar.meetings(session, now=NOW, tz=TZ, first=NOW.date())
    assert [(m.reference, m.name, m.start) for m in rows] == [
        (second.reference, "Ole Olsen", local(2025, 12, 2, 13)),
        (first.reference, "Mette Hansen", local(2025, 12, 3, 10)),
    ]
    assert rows[0].changeable and rows[0].topic == "Afslag på boligstøtte [CPR]"
    change(calendar.cancel, session, second.id, texts=texts)
    later = calendar.meetings(session, now=NOW, tz=TZ, first=local(2025, 12, 3).date(), days=1)
    assert [m.reference for m in later] == [first.reference]


def test_cancel_frees_the_slot_mails_the_citizen_and_is_audited(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first, _, texts = booked(session, tmp_path)
    done = change(calendar.cancel, session, first.id, texts=texts)
    assert done == calendar.Changed(first.reference, True)
    assert session.get(bk.Booking, first.id).status == bk.CANCELLED
    assert f"booking:{first.reference}:aflyst:0" in mail_keys(session)
    assert bk.find_slot(session, local(2025, 12, 3, 10), now=NOW) is not None
    assert [(x.action, x.target, x.detail) for x in audit.entries(session)] == [
        ("moede-aflyst", first.reference, "mail sendt")
    ]
    with pytest.raises(CalendarError, match="allerede aflyst"):
        change(calendar.cancel, session, first.id, texts=texts)
    with pytest.raises(CalendarError, match="findes ikke"):
        change(calendar.cancel, session, 999_999, texts=texts)


def test_move_mails_the_new_time_and_staff_are_not_held_to_the_citizens_move_limit(
    session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    first, _, texts = booked(session, tmp_path)
    targets = [local(2025, 12, 4, h) for h in (9, 10, 11, 12, 13)]  # more than max_moves (3)
    for target in targets:
        done = change(calendar.move, session, first.id, target, texts=texts)
        assert done.reference == first.reference
    stored = session.get(bk.Booking, first.id)
    assert bk.BookingInfo.of(session, stored, local(2025, 1, 1).tzinfo).start == targets[-1]
    assert f"booking:{first.reference}:flyttet:1" in mail_keys(session)
    details = [x.detail for x in audit.entries(session)]
    assert details[0] == "til 2025-12-04 09:00"
    # The mail limits still protect the mailbox (3 a day): the later moves are not mailed.
    assert details[-1] == "til 2025-12-04 13:00, ingen mail"


def test_an_unconfirmed_address_gets_no_mail_and_the_page_can_say_so(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first, _, texts = booked(session, tmp_path, confirmed=False)
    before = mail_keys(session)
    done = change(calendar.move, session, first.id, local(2025, 12, 4, 9), texts=texts)
    assert done.mailed is False and mail_keys(session) == before
    assert audit.entries(session)[-1].detail == "til 2025-12-04 09:00, ingen mail"


def test_a_time_that_cannot_be_booked_leaves_the_meeting_and_offers_others(
    session, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    first, second, texts = booked(session, tmp_path)
    for bad in (local(2025, 12, 6, 10), local(2025, 12, 3, 20), NOW - timedelta(days=1)):
        with pytest.raises(CalendarError, match="ikke ledigt") as err:
            change(calendar.move, session, first.id, bad, texts=texts)
        assert err.value.alternatives and all(a > NOW for a in err.value.alternatives)
    assert session.get(bk.Booking, first.id).starts_at == to_db(local(2025, 12, 3, 10))
    assert audit.entries(session) == []


def test_the_office_file_is_shown_with_its_hours_or_its_mistake(tmp_path) -> None:
    good = calendar.office_file(DATA)
    assert good.error is None
    assert good.hours[0] == ("mandag", "09:00-15:00") and ("fredag", "09:00-12:00") in good.hours
    assert "Grundlovsdag" in good.also_closed_on
    broken = tmp_path / "booking.yml"
    broken.write_text(DATA.read_text(encoding="utf-8").replace('["09:00-15:00"]', '["9-15"]', 1),
                      encoding="utf-8")  # fmt: skip
    bad = calendar.office_file(broken)
    assert bad.error is not None and "09:00" in bad.error and bad.hours == []
