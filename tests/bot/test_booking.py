"""Slot search, booking, cancel, move, purge and concurrency (bot/booking.py).

Every test that touches the database runs on SQLite and PostgreSQL (``db_url``).
"""

from __future__ import annotations

import copy
import logging
import threading
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any, List

import pytest
import yaml
from sqlalchemy import create_engine, func, select

from bot import booking as bk
from bot.db import make_engine, make_session_factory
from bot.outbox import OutboxMail
from bot.timeparse import parse_wish

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "booking.yml"
TZ = bk.ZoneInfo("Europe/Copenhagen")
KARINA = "Karina Korsbæk Jensen"
ANJA = "Anja Kristensen"
# Wednesday 26 November 2025, 10:00 local time
NOW = datetime(2025, 11, 26, 10, 0, tzinfo=TZ)


def local(y: int, mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ, fold=fold)


def write_config(tmp_path: Path, **changes: Any) -> Path:
    with DATA.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    data = copy.deepcopy(data)
    data.update(changes)
    path = tmp_path / "booking.yml"  # no contact.yml beside it: names not cross-checked
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def one_advisor(tmp_path: Path, **changes: Any) -> Path:
    return write_config(tmp_path, **{"raadgivere": [{"navn": KARINA}], **changes})


@pytest.fixture
def session(session_factory):  # type: ignore[no-untyped-def]
    s = session_factory()
    yield s
    s.close()


def seed(session, path: Path) -> bk.SyncReport:  # type: ignore[no-untyped-def]
    return bk.seed_from_file(session, path, now=NOW)


def starts(slots: List[bk.Slot]) -> List[datetime]:
    return [s.start for s in slots]


def all_slots(session, now: datetime, first: date, last: date) -> List[bk.Slot]:  # type: ignore[no-untyped-def]
    return list(bk.iter_free_slots(session, now=now, first_day=first, last_day=last))


def request(start: datetime, **kw: Any) -> bk.BookingRequest:
    args: dict = {
        "start": start,
        "meeting_type": bk.IN_PERSON,
        "topic": "Afslag på boligstøtte [CPR]",
        "name": "Mette Hansen",
        "phone": "12345678",
        "email": None,
    }
    args.update(kw)
    return bk.BookingRequest(**args)


# --------------------------------------------------------------------------- the data file


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


def test_texts_load_with_contact_data() -> None:
    texts = bk.load_texts(DATA)
    assert texts.telefon == "99 31 16 18"
    assert texts.label(local(2025, 12, 3, 10)) == "onsdag den 3. december kl. 10.00"
    assert texts.location(bk.IN_PERSON).startswith("Boulevarden 13")


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


def test_advisor_must_be_in_contact_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_config(tmp_path, raadgivere=[{"navn": "Ukendt Person"}])
    (tmp_path / "contact.yml").write_text((ROOT / "data" / "contact.yml").read_text("utf-8"))
    with pytest.raises(bk.BookingFileError, match="Ukendt Person"):
        bk.load_booking_file(path)


def test_removed_advisor_is_deactivated_not_deleted(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    seed(session, one_advisor(tmp_path))
    active = dict(session.execute(select(bk.Advisor.name, bk.Advisor.active)).all())
    assert active == {KARINA: True, ANJA: False}
    slot = bk.find_offers(session, now=NOW).slots[0]
    assert len(slot.advisor_ids) == 1


# --------------------------------------------------------------------------- slot search


def test_office_hours_grid(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    now = local(2025, 11, 30, 12)  # Sunday
    week = all_slots(session, now, date(2025, 12, 1), date(2025, 12, 7))
    by_day: dict = {}
    for s in week:
        by_day.setdefault(s.start.date(), []).append(s.start.time())
        assert s.end - s.start == timedelta(minutes=45)
    hours = [time(h) for h in (9, 10, 11, 12, 13, 14)]
    assert by_day == {
        date(2025, 12, 1): hours,
        date(2025, 12, 2): hours,
        date(2025, 12, 3): hours,
        date(2025, 12, 4): hours,
        date(2025, 12, 5): [time(9), time(10), time(11)],  # Friday 9-12: last start 11:00
    }


def test_buffer_and_meeting_length_shape_the_grid(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(
        session,
        one_advisor(
            tmp_path,
            varsel_minutter=0,
            moedelaengde_minutter=30,
            pause_minutter=10,
            aabningstider={"mandag": ["09:00-11:00"]},
        ),
    )
    got = all_slots(session, local(2025, 11, 30, 12), date(2025, 12, 1), date(2025, 12, 1))
    # 09:00, 09:40, 10:20 (ends 10:50); 11:00 would end after closing.
    assert [s.start.time() for s in got] == [time(9), time(9, 40), time(10, 20)]


def test_buffer_blocks_neighbouring_off_grid_booking(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    advisor_id = session.execute(select(bk.Advisor.id)).scalar_one()
    # A legacy booking 10:30-11:15 (+15 min buffer -> 11:30), off the current grid.
    start = local(2025, 12, 1, 10, 30).astimezone(timezone.utc).replace(tzinfo=None)
    b = bk.Booking(
        reference="LEGACY",
        advisor_id=advisor_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=45),
        blocked_until=start + timedelta(minutes=60),
        meeting_type=bk.IN_PERSON,
        topic="",
        name="x",
        status=bk.ACTIVE,
        sequence=0,
        created_at=start,
    )
    session.add(b)
    session.flush()
    session.add_all(bk._blocks(advisor_id, b.id, start, start + timedelta(minutes=60)))
    session.commit()
    got = all_slots(session, local(2025, 11, 30, 12), date(2025, 12, 1), date(2025, 12, 1))
    # 10:00 (its buffer runs to 11:00 > 10:30) and 11:00 (< 11:30) are blocked.
    assert [s.start.time() for s in got] == [time(9), time(12), time(13), time(14)]
    # And the database refuses a booking that overlaps it.
    with pytest.raises(bk.SlotTaken):
        bk.book(session, request(local(2025, 12, 1, 11)), now=local(2025, 11, 30, 12))


def test_public_holidays_and_extra_closed_days(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    now = local(2025, 12, 20, 12)
    days = {s.start.date() for s in all_slots(session, now, date(2025, 12, 22), date(2026, 1, 2))}
    # 24 Dec (Juleaftensdag, closed by the file), 25+26 Dec, 31 Dec (Nytårsaften), 1 Jan.
    assert days == {
        date(2025, 12, 22),
        date(2025, 12, 23),
        date(2025, 12, 29),
        date(2025, 12, 30),
        date(2026, 1, 2),
    }
    # Without the optional ones only the public holidays close.
    seed(session, one_advisor(tmp_path, varsel_minutter=0, lukket_ogsaa_paa=[]))
    days = {s.start.date() for s in all_slots(session, now, date(2025, 12, 22), date(2026, 1, 2))}
    assert date(2025, 12, 24) in days and date(2025, 12, 31) in days
    assert date(2025, 12, 25) not in days and date(2026, 1, 1) not in days


def test_movable_holidays_2026(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0, bookbar_dage_frem=120))
    now = local(2026, 3, 25, 12)
    days = {s.start.date() for s in all_slots(session, now, date(2026, 3, 30), date(2026, 6, 8))}
    for closed in [
        date(2026, 4, 2),  # Skærtorsdag
        date(2026, 4, 3),  # Langfredag
        date(2026, 4, 6),  # 2. påskedag
        date(2026, 5, 14),  # Kristi himmelfartsdag
        date(2026, 5, 25),  # 2. pinsedag
        date(2026, 6, 5),  # Grundlovsdag (file: lukket_ogsaa_paa)
    ]:
        assert closed not in days
    assert date(2026, 5, 1) in days  # Arbejdernes kampdag: open unless the file says so
    assert date(2026, 5, 15) in days  # Store bededag was abolished from 2024


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


def test_dst_weekdays_keep_wall_clock_hours(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=0))
    # Spring: Sunday 29 March 2026. Autumn: Sunday 25 October 2026.
    for before, after in [
        (date(2026, 3, 27), date(2026, 3, 30)),
        (date(2026, 10, 23), date(2026, 10, 26)),
    ]:
        now = datetime.combine(before - timedelta(days=1), time(12), TZ)
        got = all_slots(session, now, before, after)
        first: dict = {}
        for s in got:
            first.setdefault(s.start.date(), s.start)
        assert first[before].time() == time(9) and first[after].time() == time(9)
        utc_hours = {d: first[d].astimezone(timezone.utc).hour for d in (before, after)}
        assert utc_hours[before] != utc_hours[after]
        assert all(s.end - s.start == timedelta(minutes=45) for s in got)


def test_dst_sunday_hours_use_real_time(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(
        session,
        one_advisor(tmp_path, varsel_minutter=0, aabningstider={"søndag": ["01:00-04:00"]}),
    )
    spring = all_slots(session, local(2026, 3, 28, 12), date(2026, 3, 29), date(2026, 3, 29))
    # 01:00-04:00 is only two real hours on the spring-forward night.
    assert [s.start.isoformat() for s in spring] == [
        "2026-03-29T01:00:00+01:00",
        "2026-03-29T03:00:00+02:00",
    ]
    autumn = all_slots(session, local(2026, 10, 24, 12), date(2026, 10, 25), date(2026, 10, 25))
    # ... and four on the fall-back night: 02:00 happens twice.
    assert [s.start.isoformat() for s in autumn] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T02:00:00+02:00",
        "2026-10-25T02:00:00+01:00",
        "2026-10-25T03:00:00+01:00",
    ]
    for s in spring + autumn:
        assert s.end.astimezone(timezone.utc) - s.start.astimezone(timezone.utc) == timedelta(
            minutes=45
        )
    # Both 02:00 slots are bookable separately, by their unambiguous keys.
    now = local(2026, 10, 24, 12)
    first, second = autumn[1], autumn[2]
    # (compared in UTC: Python compares same-zone datetimes by wall clock, ignoring fold)
    a, b = bk.parse_slot_key(first.key), bk.parse_slot_key(second.key)
    assert a is not None and b is not None
    assert a.astimezone(timezone.utc) == first.utc and b.astimezone(timezone.utc) == second.utc
    assert bk.book(session, request(a), now=now).start.utcoffset() == timedelta(hours=2)
    assert bk.book(session, request(b, phone="87654321"), now=now).start.utcoffset() == (
        timedelta(hours=1)
    )
    left = all_slots(session, now, date(2026, 10, 25), date(2026, 10, 25))
    assert [s.start.isoformat() for s in left] == [
        "2026-10-25T01:00:00+02:00",
        "2026-10-25T03:00:00+01:00",
    ]


@pytest.mark.parametrize(
    "now, notice, first_offer",
    [
        (local(2025, 12, 1, 13, 30), 120, local(2025, 12, 2, 9)),  # Mon 13:30: 2 h notice
        (local(2025, 12, 1, 12, 59), 0, local(2025, 12, 1, 13)),
        (local(2025, 12, 1, 13, 0), 0, local(2025, 12, 1, 13)),  # starting now is allowed
        (local(2025, 12, 1, 14, 1), 0, local(2025, 12, 2, 9)),  # just after the last start
        (local(2025, 12, 5, 11, 30), 0, local(2025, 12, 8, 9)),  # Friday -> Monday
        (local(2025, 12, 23, 14, 30), 120, local(2025, 12, 29, 9)),  # over Christmas
    ],
)
def test_now_near_closing_time(session, tmp_path, now, notice, first_offer) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path, varsel_minutter=notice))
    offers = bk.find_offers(session, now=now)
    assert offers.matched
    assert offers.slots[0].start == first_offer


def test_default_offers_are_three_different_days(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    offers = bk.find_offers(session, now=NOW)
    assert starts(offers.slots) == [
        local(2025, 11, 26, 12),
        local(2025, 11, 27, 9),
        local(2025, 11, 28, 9),
    ]


@pytest.mark.parametrize(
    "text, expected, matched",
    [
        ("på torsdag", [local(2025, 11, 27, h) for h in (9, 10, 11)], True),
        (
            "i næste uge om formiddagen",
            [local(2025, 12, d, 9) for d in (1, 2, 3)],
            True,
        ),
        ("den 3. december kl. 10", [local(2025, 12, 3, 10)], True),
        (
            "efter kl. 14",
            [local(2025, 11, 26, 14), local(2025, 11, 27, 14), local(2025, 12, 1, 14)],
            True,
        ),
        (
            "ikke mandag",
            [local(2025, 11, 26, 12), local(2025, 11, 27, 9), local(2025, 11, 28, 9)],
            True,
        ),
        (
            "næste uge, ikke mandag, efter kl. 13",
            [local(2025, 12, d, 13) for d in (2, 3, 4)],
            True,
        ),
        # Not free (Christmas Eve closed): the nearest free times instead.
        (
            "den 24. december kl. 10",
            [local(2025, 12, 19, 11), local(2025, 12, 22, 14), local(2025, 12, 23, 14)],
            False,
        ),
    ],
)
def test_offers_follow_the_wish(session, tmp_path, text, expected, matched) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    offers = bk.find_offers(session, now=NOW, wish=parse_wish(text, NOW))
    assert (starts(offers.slots), offers.matched) == (expected, matched)


def test_taken_wish_gives_nearest_and_keeps_exclusions(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    bk.book(session, request(local(2025, 12, 3, 10)), now=NOW)
    offers = bk.find_offers(session, now=NOW, wish=parse_wish("den 3. december kl. 10", NOW))
    assert not offers.matched
    assert local(2025, 12, 3, 10) not in starts(offers.slots)
    assert len(offers.slots) == 3
    assert len({s.start.date() for s in offers.slots}) == 3
    assert local(2025, 12, 3, 9) in starts(offers.slots) or local(2025, 12, 3, 11) in starts(
        offers.slots
    )
    # Thursday fully booked: alternatives near it, never on the excluded Monday.
    for h in (9, 10, 11, 12, 13, 14):
        bk.book(session, request(local(2025, 11, 27, h)), now=NOW)
    offers = bk.find_offers(session, now=NOW, wish=parse_wish("torsdag, ikke mandag", NOW))
    assert not offers.matched
    assert all(s.start.weekday() not in (0, 3) for s in offers.slots)


# --------------------------------------------------------------------------- booking


def test_book_confirms_and_queues_mail_with_ics(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, write_config(tmp_path))
    texts = bk.load_texts(DATA)
    start = local(2025, 12, 3, 10)
    info = bk.book(session, request(start, email="Mette@Example.DK"), now=NOW, texts=texts)
    assert len(info.reference) == bk.REFERENCE_LENGTH
    assert set(info.reference) <= set(bk.REFERENCE_ALPHABET)
    assert info.start == start and info.end == local(2025, 12, 3, 10, 45)
    assert info.mail_queued and info.status == bk.ACTIVE
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


# --------------------------------------------------------------------------- cancel / move


def test_cancel(session, tmp_path) -> None:  # type: ignore[no-untyped-def]
    seed(session, one_advisor(tmp_path))
    start = local(2025, 12, 3, 10)
    texts = bk.load_texts(DATA)
    info = bk.book(session, request(start, email="mette@example.dk"), now=NOW, texts=texts)
    with pytest.raises(bk.BookingNotFound):
        bk.cancel(session, info.reference, bk.ContactInfo(phone="99999999"), now=NOW)
    with pytest.raises(bk.BookingNotFound):
        bk.cancel(session, "AAAAAA", bk.ContactInfo(phone="12345678"), now=NOW)
    with pytest.raises(bk.BookingNotFound):
        bk.cancel(session, info.reference, bk.ContactInfo(), now=NOW)
    assert bk.find_slot(session, start, now=NOW) is None
    # Reference typed in lower case with a space, contact by e-mail in other case.
    ref = info.reference.lower()[:3] + " " + info.reference.lower()[3:]
    cancelled = bk.cancel(session, ref, bk.parse_contact("MeTTe@example.dk"), now=NOW, texts=texts)
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
    info = bk.book(session, request(old, email="mette@example.dk"), now=NOW, texts=texts)
    contact = bk.ContactInfo(phone="12345678")
    moved = bk.move(session, info.reference, contact, new, now=NOW, texts=texts)
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


# --------------------------------------------------------------------------- concurrency


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
    with factory() as s:
        seed(s, path)
    race_engine, race_factory = _racing_factory(db_url)
    start = local(2025, 12, 3, 10)
    n = 20
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def attempt(i: int) -> None:
        with race_factory() as s:
            barrier.wait()
            try:
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
