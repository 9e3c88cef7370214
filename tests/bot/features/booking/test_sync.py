"""content/booking.yml into the database (bot/features/booking/sync.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.features import booking as bk
from tests.bot.features.booking.helpers import (
    ANJA,
    DATA,
    KARINA,
    NOW,
    all_slots,
    local,
    one_advisor,
    request,
    seed,
    write_config,
)


def test_shipped_file_is_valid_and_seeds(session) -> None:  # type: ignore[no-untyped-def]
    report = bk.seed_from_file(session, DATA, now=NOW)  # cross-checked with contact.yml
    assert report.advisors == 2
    assert report.hours == 10  # Mon-Fri for two advisors
    cal = bk.load_calendar(session, today=NOW.date())
    assert cal.meeting == timedelta(minutes=45) and cal.buffer == timedelta(minutes=15)
    names = set(session.execute(select(bk.Advisor.name)).scalars())
    assert names == {KARINA, ANJA}
    # Idempotent.
    again = bk.seed_from_file(session, DATA, now=NOW)
    assert again.hours == 10
    assert session.execute(select(func.count(bk.OfficeHours.id))).scalar_one() == 10
    assert session.execute(select(func.count(bk.Advisor.id))).scalar_one() == 2


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"aabningstider": {"mandag": ["15:00-09:00"]}}, "sluttid"),
        ({"aabningstider": {"mondag": ["09:00-15:00"]}}, "ugedag"),
        ({"aabningstider": {"mandag": ["09:00-12:00", "11:00-13:00"]}}, "overlapper"),
        ({"moedelaengde_minutter": 47}, "gå op i 5"),
        ({"lukket_ogsaa_paa": ["Mortensaften"]}, "Mortensaften"),
        ({"raadgivere": []}, "mindst én"),
        ({"lukkedage": [{"fra": "2026-01-10", "grund": "x"}]}, "både fra og til"),
        ({"antal_forslag": 2}, "antal_forslag"),
    ],
)
def test_invalid_file_changes_nothing(session, tmp_path, changes, message) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    with pytest.raises(bk.BookingFileError, match=message):
        seed(session, one_advisor(tmp_path, **changes))
    assert session.execute(select(func.count(bk.OfficeHours.id))).scalar_one() == 5


def test_removed_advisor_is_deactivated_not_deleted(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    seed(session, one_advisor(tmp_path))
    active = dict(session.execute(select(bk.Advisor.name, bk.Advisor.active)).all())
    assert active == {KARINA: True, ANJA: False}
    slot = bk.find_offers(session, now=NOW).slots[0]
    assert len(slot.advisor_ids) == 1


def test_closed_days_from_file_and_office(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_config(
        tmp_path,
        varsel_minutter=0,
        lukkedage=[
            {"dato": "2025-12-02", "grund": "Kursus"},
            {"fra": "2025-12-08", "til": "2025-12-10", "grund": "Ferie", "raadgiver": ANJA},
        ],
    )
    seed(session, path)
    bk.add_closed_day(session, date(2025, 12, 4), "Personalemøde")
    now = local(2025, 11, 30, 12)
    got = all_slots(session, now, date(2025, 12, 1), date(2025, 12, 12))
    days = {s.start.date() for s in got}
    assert date(2025, 12, 2) not in days and date(2025, 12, 4) not in days
    karina, anja = (
        session.execute(select(bk.Advisor.id).where(bk.Advisor.name == n)).scalar_one()
        for n in (KARINA, ANJA)
    )
    for s in got:
        if date(2025, 12, 8) <= s.start.date() <= date(2025, 12, 10):
            assert s.advisor_ids == (karina,)
        else:
            assert set(s.advisor_ids) == {karina, anja}
    # A new sync from the file keeps the office's own closed day, replaces the file's.
    seed(session, write_config(tmp_path, varsel_minutter=0, lukkedage=[]))
    days = {s.start.date() for s in all_slots(session, now, date(2025, 12, 1), date(2025, 12, 5))}
    assert date(2025, 12, 2) in days and date(2025, 12, 4) not in days


def test_sync_reports_bookings_outside_new_hours(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    info = bk.book(session, request(local(2025, 12, 5, 11)), now=NOW)  # Friday 11:00
    report = bk.seed_from_file(
        session,
        one_advisor(tmp_path, varsel_minutter=0, aabningstider={"fredag": ["09:00-10:00"]}),
        now=NOW,
    )
    assert report.conflicts == [info.reference]
    # The booking itself is kept.
    assert bk.find_booking(session, info.reference, bk.ContactInfo(phone="12345678")).status == (
        bk.ACTIVE
    )
