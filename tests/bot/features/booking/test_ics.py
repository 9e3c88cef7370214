"""The .ics writer (bot/features/booking/ics.py): RFC 5545 structure, folding, escaping."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.features.booking.ics import build_event, escape_text, fold

TZ = ZoneInfo("Europe/Copenhagen")


def _event(**overrides: object) -> bytes:
    args: dict = {
        "uid": "k7m4qx@aalborg.dk",
        "dtstamp": datetime(2025, 11, 26, 10, 0, tzinfo=TZ),
        "start": datetime(2025, 12, 3, 10, 0, tzinfo=TZ),
        "end": datetime(2025, 12, 3, 10, 45, tzinfo=TZ),
        "summary": "Møde med Borgerrådgivningen (Personligt møde på Boulevarden 13)",
        "location": "Boulevarden 13, 1. sal, 9000 Aalborg",
        "description": "Bookingnummer K7M4QX; aflys i chatten.\nRing på 99 31 16 18, "
        "hvis du har spørgsmål til mødet med Borgerrådgivningen i Aalborg Kommune.",
    }
    args.update(overrides)
    return build_event(**args)


def test_structure_and_line_endings() -> None:
    data = _event()
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # only CRLF line breaks
    lines = text.split("\r\n")[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    unfolded = text.replace("\r\n ", "")
    for needed in [
        "VERSION:2.0",
        "PRODID:",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        "UID:k7m4qx@aalborg.dk",
        "DTSTAMP:20251126T090000Z",
        "DTSTART:20251203T090000Z",  # 10:00 CET = 09:00 UTC
        "DTEND:20251203T094500Z",
        "SUMMARY:Møde med Borgerrådgivningen (Personligt møde på Boulevarden 13)",
        "LOCATION:Boulevarden 13\\, 1. sal\\, 9000 Aalborg",
        "SEQUENCE:0",
        "END:VEVENT",
    ]:
        assert needed in unfolded


def test_folding_never_exceeds_75_octets_nor_splits_utf8() -> None:
    data = _event(summary="æøå " * 60)
    for raw in data.split(b"\r\n"):
        assert len(raw) <= 75
        raw.decode("utf-8")  # no character cut in half
    assert "æøå " * 60 in data.decode().replace("\r\n ", "").split("SUMMARY:")[1]


def test_fold_and_escape_units() -> None:
    assert fold("a" * 75) == "a" * 75
    assert fold("a" * 76) == "a" * 75 + "\r\n a"
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_summer_time_in_utc_and_roundtrip_with_icalendar() -> None:
    data = _event(
        start=datetime(2026, 6, 4, 9, 0, tzinfo=TZ),
        end=datetime(2026, 6, 4, 9, 45, tzinfo=TZ),
        sequence=2,
    )
    assert b"DTSTART:20260604T070000Z" in data  # CEST = UTC+2
    cal = icalendar.Calendar.from_ical(data)
    events = [c for c in cal.walk("VEVENT")]
    assert len(events) == 1
    ev = events[0]
    assert ev.decoded("dtstart") == datetime(2026, 6, 4, 7, 0, tzinfo=timezone.utc)
    assert ev.decoded("dtend") == datetime(2026, 6, 4, 7, 45, tzinfo=timezone.utc)
    assert str(ev["location"]) == "Boulevarden 13, 1. sal, 9000 Aalborg"
    assert str(ev["uid"]) == "k7m4qx@aalborg.dk"
    assert int(ev["sequence"]) == 2
    assert "aflys i chatten.\nRing" in str(ev["description"])


def test_rejects_bad_times() -> None:
    with pytest.raises(ValueError):
        _event(end=datetime(2025, 12, 3, 9, 0, tzinfo=TZ))
    with pytest.raises(ValueError):
        _event(start=datetime(2025, 12, 3, 10, 0), end=datetime(2025, 12, 3, 11, 0))
