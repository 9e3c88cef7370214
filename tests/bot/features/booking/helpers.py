"""Shared by the booking tests: the shipped content/booking.yml, variants of it, requests."""

from __future__ import annotations

import copy
from datetime import date, datetime
from pathlib import Path
from typing import Any, List
from zoneinfo import ZoneInfo

import yaml

from bot.features import booking as bk

ROOT = Path(__file__).resolve().parents[4]
DATA = ROOT / "content" / "booking.yml"
TZ = ZoneInfo("Europe/Copenhagen")
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


SECRET = b"test-secret-of-the-keyed-hashes-0123456789"
CONFIRM_URL = "https://chat.example.dk/bekraeft/"


def policy(**limits: Any) -> bk.BookingPolicy:
    """The limits the actions use (defaults of the settings), with a fixed secret."""
    from bot.features.booking.guard import BookingLimits

    return bk.BookingPolicy(secret=SECRET, confirm_url=CONFIRM_URL, limits=BookingLimits(**limits))


def confirm_mailbox(session, address: str, now: datetime = NOW) -> None:  # type: ignore[no-untyped-def]
    """The mailbox has clicked a confirmation link before."""
    from bot.infra.recipients import address_key, confirm_token, new_confirmation_token

    token = new_confirmation_token(session, address_key(SECRET, address), now)
    assert token is not None and confirm_token(session, token, now) is not None
