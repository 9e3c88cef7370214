"""The chat side of cases: open a case from a hand-over, and add to it later.

- ``open_case`` gives the case the next number of the year, "BR-2026-0042". Two
  hand-overs at the same moment may compute the same number: the unique index refuses
  the second, which then takes the next one (in a savepoint, so the caller's unit of
  work goes on). Numbers come from the cases that exist: were the year's newest case
  deleted by retention within the same year (only with ``case_retention_days`` under a
  year), its number could be given again.
- ``add_to_case`` adds what the citizen writes afterwards, from the same conversation,
  to that conversation's newest case that is not closed (a ``borger`` entry).

Texts are masked again here (``bot.core.privacy``) whatever the caller did. Services
never commit: the caller's ``session_scope`` does.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.core.privacy import redact
from bot.features.cases.tables import CITIZEN, CLOSED, NEW, Case, CaseEntry

log = logging.getLogger(__name__)

PREFIX = "BR"
MAX_ATTEMPTS = 10
MAX_ADDITION_CHARS = 20_000


class CaseNumberUnavailable(RuntimeError):
    """The case could not be stored under a free number (contention, or a refused row)."""


@dataclass(frozen=True)
class NewCase:
    """What a hand-over puts into a case (texts already masked; times aware)."""

    conversation_id: str
    transcript: str
    summary_json: str
    consent_version: str
    consent_at: datetime
    consent_scope: str
    due_at: datetime
    contact_method: str | None = None
    contact_value: str | None = None
    contact_when: str | None = None


def utc_naive(at: datetime) -> datetime:
    """Aware -> naive UTC, as the case tables keep times (naive = already UTC)."""
    return at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at


def number_of(year: int, sequence: int) -> str:
    return f"{PREFIX}-{year}-{sequence:04d}"


def _sequences(numbers: Iterable[str], prefix: str) -> Iterable[int]:
    for number in numbers:
        tail = number[len(prefix) :]
        if tail.isdigit():
            yield int(tail)


def next_number(session: Session, year: int) -> str:
    """The year's next case number (the highest so far plus one)."""
    prefix = f"{PREFIX}-{year}-"
    taken = session.execute(select(Case.number).where(Case.number.like(prefix + "%"))).scalars()
    return number_of(year, max(_sequences(taken, prefix), default=0) + 1)


def open_case(session: Session, new: NewCase, now: datetime) -> Case:
    """A new case with the next free number of ``now``'s year (``now`` aware, local)."""
    failed: str | None = None
    for _ in range(MAX_ATTEMPTS):
        number = next_number(session, now.year)
        if number == failed:  # the number is free, so something else was refused
            raise CaseNumberUnavailable(f"case {number} could not be stored")
        case = Case(
            number=number,
            conversation_id=new.conversation_id,
            created_at=utc_naive(now),
            due_at=utc_naive(new.due_at),
            transcript=redact(new.transcript),
            summary_json=redact(new.summary_json),
            consent_version=new.consent_version,
            consent_at=utc_naive(new.consent_at),
            consent_scope=new.consent_scope,
            contact_method=new.contact_method,
            contact_value=new.contact_value,
            contact_when=redact(new.contact_when) if new.contact_when else None,
            status=NEW,
            tags="",
            legal_hold=False,
        )
        try:
            with session.begin_nested():
                session.add(case)
                session.flush()
        except IntegrityError:
            log.info("cases: number %s was taken meanwhile, trying the next", number)
            failed = number
            continue
        return case
    raise CaseNumberUnavailable(f"no free case number for {now.year}")


def case_of_conversation(session: Session, conversation_id: str) -> Case | None:
    """The conversation's newest case that is not closed."""
    return session.execute(
        select(Case)
        .where(Case.conversation_id == conversation_id, Case.status != CLOSED)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(1)
    ).scalar_one_or_none()


def add_to_case(
    session: Session, conversation_id: str, text: str, now: datetime
) -> CaseEntry | None:
    """Add the citizen's text to the conversation's open case; None when there is none."""
    case = case_of_conversation(session, conversation_id)
    cleaned = redact(str(text or "")).strip()[:MAX_ADDITION_CHARS]
    if case is None or not cleaned:
        return None
    entry = CaseEntry(case_id=case.id, kind=CITIZEN, text=cleaned, created_at=utc_naive(now))
    session.add(entry)
    session.flush()
    return entry
