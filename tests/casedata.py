"""Test data for the staff portal: cases inserted as rows, staff users, a cheap hasher.

Cases are inserted directly (``Case`` rows), not through the hand-over, so the portal's
tests do not depend on the chat side.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any, Dict
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from bot.features.audit.log import Actor
from bot.features.cases.tables import NEW, Case, CaseEntry
from bot.features.staff import accounts

TZ = ZoneInfo("Europe/Copenhagen")
# Tuesday 1 December 2026, 10:00 local time.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
# argon2id with small parameters: the tests log in hundreds of times.
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
PASSWORD = "en-lang-hemmelig-kode-42"
SETUP = Actor.system("test")

HOSTILE = (
    '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
    '<b>fed</b> &amp; "citat" \' {{ 7*7 }}'
)
SECRET_MARK = "HEMMELIG-SAGSTEKST-7731"


def utc(at: datetime) -> datetime:
    return at.astimezone(timezone.utc).replace(tzinfo=None)


def summary(**values: Any) -> str:
    data: Dict[str, Any] = {
        "version": 1,
        "topic": "Jeg har ventet 5 måneder på svar om boligstøtte",
        "route": {
            "id": "borgerraadgiver_klage_sagsbehandling",
            "reason": "Klage over kommunens sagsbehandling",
            "statute": "vedtægtens § 7, stk. 2",
            "within_remit": True,
        },
        "contact": {"method": "telefon", "value": "12345678", "when": "om formiddagen"},
    }
    data.update(values)
    return json.dumps(data, ensure_ascii=False)


def add_case(
    session: Session,
    number: str = "BR-2026-0001",
    *,
    created: datetime = NOW - timedelta(hours=2),
    due: timedelta = timedelta(days=2),
    transcript: str = "Borger: Jeg har ventet længe på svar.\nAssistent: Det forstår jeg.",
    summary_json: str | None = None,
    status: str = NEW,
    tags: str = "",
    assignee_id: int | None = None,
    closed_at: datetime | None = None,
    outcome: str | None = None,
    legal_hold: bool = False,
    entries: tuple[str, ...] = (),
) -> Case:
    case = Case(
        number=number,
        conversation_id=f"samtale-{number}-abcdefgh",
        created_at=utc(created),
        due_at=utc(created + due),
        transcript=transcript,
        summary_json=summary_json if summary_json is not None else summary(),
        consent_version="2026-12-01#3f2a9c1b",
        consent_at=utc(created),
        consent_scope="samtale,resume,kontakt",
        contact_method="telefon",
        contact_value="12345678",
        contact_when="om formiddagen",
        status=status,
        assignee_id=assignee_id,
        tags=tags,
        outcome=outcome,
        closed_at=utc(closed_at) if closed_at else None,
        legal_hold=legal_hold,
    )
    session.add(case)
    session.flush()
    for text in entries:
        session.add(CaseEntry(case_id=case.id, kind="borger", text=text, created_at=utc(created)))
    session.flush()
    return case


def add_user(session: Session, name: str, roles: str, password: str = PASSWORD) -> int:
    user = accounts.add_user(
        session, name, password, roles, actor=SETUP, now=NOW - timedelta(days=1),
        hasher=CHEAP_HASHER,
    )  # fmt: skip
    return user.id
