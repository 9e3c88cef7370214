"""Opening a case and adding to it (intake.py), on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import List
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.features.cases.intake import (
    CaseNumberUnavailable,
    NewCase,
    add_to_case,
    case_of_conversation,
    next_number,
    open_case,
)
from bot.features.cases.tables import CITIZEN, CLOSED, NEW, Case, CaseEntry
from bot.infra.db import session_scope

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)
NEW_CASE = NewCase(
    conversation_id="samtale-1",
    transcript="Borger: mit cpr er 010190-1234",
    summary_json='{"topic": "cpr 0101901234"}',
    consent_version="2026-12-01#abcdef12",
    consent_at=NOW,
    consent_scope="samtale,resume,kontakt",
    due_at=NOW + timedelta(days=2),
    contact_method="telefon",
    contact_value="12345678",
    contact_when="om formiddagen",
)


def test_a_case_gets_the_years_next_number_and_everything_masked(session_factory) -> None:
    with session_scope(session_factory) as session:
        first = open_case(session, NEW_CASE, NOW)
        second = open_case(session, replace(NEW_CASE, conversation_id="samtale-2"), NOW)
        numbers = (first.number, second.number)
    assert numbers == ("BR-2026-0001", "BR-2026-0002")
    with session_scope(session_factory) as session:
        case = session.execute(select(Case).where(Case.number == "BR-2026-0001")).scalar_one()
        assert case.transcript == "Borger: mit cpr er [CPR]"
        assert case.summary_json == '{"topic": "cpr [CPR]"}'
        assert case.status == NEW and case.legal_hold is False and case.tags == ""
        assert case.created_at == datetime(2026, 12, 1, 9, 0)  # naive UTC
        assert case.due_at == datetime(2026, 12, 3, 9, 0)
        assert case.consent_at == datetime(2026, 12, 1, 9, 0)
        assert (case.contact_method, case.contact_value, case.contact_when) == (
            "telefon",
            "12345678",
            "om formiddagen",
        )


def test_numbers_start_again_each_year_and_never_repeat(session_factory) -> None:
    with session_scope(session_factory) as session:
        session.add(Case(**_row("BR-2026-0041")))
        session.add(Case(**_row("BR-2025-0900")))
        session.flush()
        assert next_number(session, 2026) == "BR-2026-0042"
        assert next_number(session, 2027) == "BR-2027-0001"
        assert open_case(session, NEW_CASE, datetime(2027, 1, 1, 0, 5, tzinfo=TZ)).number == (
            "BR-2027-0001"
        )


def test_simultaneous_handovers_get_different_numbers(session_factory) -> None:
    numbers: List[str] = []
    errors: List[BaseException] = []

    def hand_over(i: int) -> None:
        try:
            with session_scope(session_factory) as session:
                case = open_case(session, replace(NEW_CASE, conversation_id=f"s{i}"), NOW)
                numbers.append(str(case.number))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hand_over, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [f"BR-2026-{i:04d}" for i in range(1, 9)]


def test_a_row_refused_for_another_reason_is_not_retried_forever(session_factory) -> None:
    broken = replace(NEW_CASE, conversation_id=None)  # type: ignore[arg-type]
    with pytest.raises(CaseNumberUnavailable), session_scope(session_factory) as session:
        open_case(session, broken, NOW)
    with session_scope(session_factory) as session:
        assert session.execute(select(Case)).first() is None


def test_the_citizen_adds_to_the_open_case_of_the_same_conversation(session_factory) -> None:
    later = NOW + timedelta(minutes=5)
    with session_scope(session_factory) as session:
        old = open_case(session, NEW_CASE, NOW)
        old.status = CLOSED
        newest = open_case(session, NEW_CASE, NOW + timedelta(minutes=1))
        entry = add_to_case(session, "samtale-1", " Jeg glemte: cpr 010190-1234 ", later)
        assert entry is not None and entry.case_id == newest.id
        assert add_to_case(session, "en-anden-samtale", "hej", later) is None
        assert add_to_case(session, "samtale-1", "   ", later) is None
        assert case_of_conversation(session, "samtale-1") is newest
    with session_scope(session_factory) as session:
        rows = session.execute(select(CaseEntry)).scalars().all()
        assert [(r.kind, r.text, r.created_at) for r in rows] == [
            (CITIZEN, "Jeg glemte: cpr [CPR]", datetime(2026, 12, 1, 9, 5))
        ]


def test_a_closed_case_gets_nothing_more(session_factory) -> None:
    with session_scope(session_factory) as session:
        case = open_case(session, NEW_CASE, NOW)
        case.status = CLOSED
        case.closed_at = datetime(2026, 12, 2)
        assert add_to_case(session, "samtale-1", "mere", NOW) is None


def _row(number: str) -> dict:
    at = datetime(2026, 1, 1, tzinfo=timezone.utc).replace(tzinfo=None)
    return dict(
        number=number,
        conversation_id="x",
        created_at=at,
        due_at=at,
        transcript="",
        summary_json="{}",
        consent_version="v",
        consent_at=at,
        consent_scope="s",
    )
