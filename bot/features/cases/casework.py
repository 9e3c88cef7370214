"""Casework: what staff do with a handed-over case.

- ``queue``: the cases to work on, filtered by status, assignee, tag and a search in
  the number, summary and transcript; overdue open cases first, then the newest;
- ``view``: one case with its summary, masked transcript and history;
- ``assign``, ``set_status``, ``add_note``, ``set_tags``, ``close`` (with an outcome
  category from content/cases.yml), ``set_legal_hold``;
- ``report``: closed cases per outcome category and period (vedtægtens § 6);
- ``purge_closed``: the retention purge (closed cases ``case_retention_days`` after
  closing, unless on legal hold; ``bot.app.retention`` runs it).

Every function that reads a case for a person or changes one writes the audit log
(``bot.features.audit``) in the caller's unit of work; nothing here commits. What a
citizen wrote is passed through ``bot.core.privacy.redact`` again before it is shown.
Errors are ``CaseError`` with a Danish message.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Dict, List, Sequence, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, delete, func, or_, select
from sqlalchemy.orm import Session

from bot.core.privacy import redact
from bot.features.audit import log as audit
from bot.features.cases.content import CaseContent
from bot.features.cases.summary import SummaryItem, summary_items
from bot.features.cases.tables import (
    CLOSED,
    IN_PROGRESS,
    NEW,
    NOTE,
    STATUSES,
    Case,
    CaseEntry,
)
from bot.features.cases.tally import CaseClosing
from bot.features.staff.tables import RAADGIVER, StaffUser

log = logging.getLogger(__name__)

# Queue filters besides the statuses.
OPEN = "aabne"  # ny and i gang (the default)
ALL = "alle"
MINE = "mig"
NOBODY = "ingen"

MAX_NOTE_CHARS = 10_000
MAX_TAGS = 10
MAX_TAG_CHARS = 40
NUMBER = re.compile(r"^[A-Za-z0-9-]{1,20}\Z")


class CaseError(ValueError):
    """A refused request; ``str()`` is Danish."""


class CaseNotFound(CaseError):
    pass


@dataclass(frozen=True)
class QueueFilter:
    status: str = OPEN
    assignee: str = ""  # "" anyone, MINE, NOBODY or a user id
    tag: str = ""
    search: str = ""


@dataclass(frozen=True)
class QueueRow:
    number: str
    created_at: datetime  # aware, local
    due_at: datetime
    status: str
    assignee: str | None
    tags: Tuple[str, ...]
    overdue: bool
    topic: str


@dataclass(frozen=True)
class Entry:
    kind: str
    author: str | None
    text: str
    created_at: datetime


@dataclass(frozen=True)
class CaseDetail:
    number: str
    created_at: datetime
    due_at: datetime
    status: str
    overdue: bool
    assignee_id: int | None
    assignee: str | None
    tags: Tuple[str, ...]
    outcome: str | None
    closed_at: datetime | None
    legal_hold: bool
    summary: Tuple[SummaryItem, ...]
    transcript: str
    consent_version: str
    consent_at: datetime
    consent_scope: str
    contact_method: str | None
    contact_value: str | None
    contact_when: str | None
    entries: Tuple[Entry, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ReportRow:
    code: str
    name: str
    hjemmel: str | None
    count: int


@dataclass(frozen=True)
class Report:
    first: date
    last: date
    rows: List[ReportRow]
    total: int
    tags: List[Tuple[str, int]]


def _utc(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.replace(tzinfo=timezone.utc).astimezone(zone)


def split_tags(value: str | None) -> Tuple[str, ...]:
    return tuple(t for t in (value or "").split(",") if t)


def _topic(summary_json: str) -> str:
    try:
        data = json.loads(summary_json or "{}")
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    for key in ("emne", "topic", "overskrift", "rute", "route"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return redact(value.strip())[:120]
    return ""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def queue(
    session: Session,
    flt: QueueFilter,
    *,
    now: datetime,
    viewer_id: int | None,
    tz: str,
    limit: int = 200,
) -> List[QueueRow]:
    """The cases matching ``flt``: overdue open cases first, then the newest."""
    ts, zone = _utc(now), ZoneInfo(tz)
    overdue = and_(Case.status != CLOSED, Case.due_at < ts)
    stmt = select(Case, StaffUser.username).outerjoin(StaffUser, StaffUser.id == Case.assignee_id)
    if flt.status in STATUSES:
        stmt = stmt.where(Case.status == flt.status)
    elif flt.status != ALL:
        stmt = stmt.where(Case.status != CLOSED)
    if flt.assignee == MINE:
        stmt = stmt.where(Case.assignee_id == viewer_id)
    elif flt.assignee == NOBODY:
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif flt.assignee.isdigit():
        stmt = stmt.where(Case.assignee_id == int(flt.assignee))
    tag = flt.tag.strip()
    if tag:
        stmt = stmt.where(("," + Case.tags + ",").like(_like("," + tag + ","), escape="\\"))
    search = flt.search.strip()[:200]
    if search:
        # JSON may hold "ø" as "\u00f8": look for both spellings.
        patterns = {_like(search), _like(json.dumps(search)[1:-1])}
        stmt = stmt.where(
            or_(
                *[
                    col.ilike(p, escape="\\")
                    for p in patterns
                    for col in (Case.number, Case.summary_json, Case.transcript)
                ]
            )
        )
    stmt = stmt.order_by(case((overdue, 0), else_=1), Case.created_at.desc(), Case.id.desc())
    rows = session.execute(stmt.limit(limit)).all()
    return [
        QueueRow(
            number=c.number,
            created_at=_local(c.created_at, zone),
            due_at=_local(c.due_at, zone),
            status=c.status,
            assignee=username,
            tags=split_tags(c.tags),
            overdue=c.status != CLOSED and c.due_at < ts,
            topic=_topic(c.summary_json),
        )
        for c, username in rows
    ]


def all_tags(session: Session) -> List[str]:
    """Every tag in use (for the queue's filter)."""
    found: set[str] = set()
    for (value,) in session.execute(select(Case.tags).where(Case.tags != "")).all():
        found.update(split_tags(value))
    return sorted(found, key=str.lower)


def _case(session: Session, number: str) -> Case:
    if not isinstance(number, str) or not NUMBER.match(number):
        raise CaseNotFound("Sagen findes ikke.")
    found = session.execute(select(Case).where(Case.number == number)).scalar_one_or_none()
    if found is None:
        raise CaseNotFound("Sagen findes ikke.")
    return found


def find_case(session: Session, number: str) -> Case:
    """The case with this number; ``CaseNotFound`` when there is none."""
    return _case(session, number)


def _names(session: Session, ids: Sequence[int | None]) -> Dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.execute(select(StaffUser.id, StaffUser.username).where(StaffUser.id.in_(wanted)))
    return {i: n for i, n in rows.all()}


def detail(
    session: Session, number: str, *, now: datetime, tz: str, content: CaseContent
) -> CaseDetail:
    """One case as staff read it (not audited: ``view`` and the PDF export are)."""
    c = _case(session, number)
    zone = ZoneInfo(tz)
    entries = list(
        session.execute(
            select(CaseEntry)
            .where(CaseEntry.case_id == c.id)
            .order_by(CaseEntry.created_at, CaseEntry.id)
        ).scalars()
    )
    names = _names(session, [c.assignee_id, *[e.author_id for e in entries]])
    return CaseDetail(
        number=c.number,
        created_at=_local(c.created_at, zone),
        due_at=_local(c.due_at, zone),
        status=c.status,
        overdue=c.status != CLOSED and c.due_at < _utc(now),
        assignee_id=c.assignee_id,
        assignee=names.get(c.assignee_id) if c.assignee_id else None,
        tags=split_tags(c.tags),
        outcome=c.outcome,
        closed_at=_local(c.closed_at, zone) if c.closed_at else None,
        legal_hold=bool(c.legal_hold),
        summary=summary_items(c.summary_json, content),
        transcript=redact(c.transcript or ""),
        consent_version=c.consent_version,
        consent_at=_local(c.consent_at, zone),
        consent_scope=c.consent_scope,
        contact_method=c.contact_method,
        contact_value=c.contact_value,
        contact_when=redact(c.contact_when) if c.contact_when else None,
        entries=tuple(
            Entry(
                kind=e.kind,
                author=names.get(e.author_id) if e.author_id else None,
                text=redact(e.text),
                created_at=_local(e.created_at, zone),
            )
            for e in entries
        ),
    )


def view(
    session: Session,
    number: str,
    *,
    actor: audit.Actor,
    now: datetime,
    tz: str,
    content: CaseContent,
) -> CaseDetail:
    """``detail``, written to the audit log as a case view."""
    found = detail(session, number, now=now, tz=tz, content=content)
    audit.record(session, actor, audit.CASE_VIEW, now=now, case=found.number)
    return found


def assign(
    session: Session, number: str, assignee_id: int | None, *, actor: audit.Actor, now: datetime
) -> None:
    """Give the case to an active rådgiver (None: to nobody)."""
    c = _case(session, number)
    name = "ingen"
    if assignee_id is not None:
        user = session.get(StaffUser, assignee_id)
        if user is None or not user.active or RAADGIVER not in user.role_list:
            raise CaseError("Sagen kan kun gives til en aktiv rådgiver.")
        name = user.username
    c.assignee_id = assignee_id
    session.flush()
    audit.record(session, actor, audit.ASSIGN, now=now, case=c.number, target=name)


def set_status(
    session: Session, number: str, status: str, *, actor: audit.Actor, now: datetime
) -> None:
    """ "ny" or "i gang"; from "afsluttet" this reopens the case (outcome removed)."""
    if status not in (NEW, IN_PROGRESS):
        raise CaseError("Vælg status ny eller i gang. En sag afsluttes med et udfald.")
    c = _case(session, number)
    if c.status == CLOSED:
        c.outcome = None
        c.closed_at = None
        session.execute(delete(CaseClosing).where(CaseClosing.case_number == c.number))
    c.status = status
    session.flush()
    audit.record(session, actor, audit.STATUS, now=now, case=c.number, detail=status)


def add_note(
    session: Session, number: str, text: str, *, actor: audit.Actor, now: datetime
) -> None:
    """A staff note (CPR numbers masked, like everything else in the case)."""
    note = (text or "").replace("\r\n", "\n").strip()
    if not note:
        raise CaseError("Noten er tom.")
    if len(note) > MAX_NOTE_CHARS:
        raise CaseError(f"Noten må højst have {MAX_NOTE_CHARS} tegn.")
    c = _case(session, number)
    session.add(
        CaseEntry(
            case_id=c.id,
            kind=NOTE,
            author_id=actor.user_id,
            text=redact(note),
            created_at=_utc(now),
        )
    )
    session.flush()
    audit.record(session, actor, audit.NOTE, now=now, case=c.number)


def parse_tags(text: str) -> Tuple[str, ...]:
    tags: List[str] = []
    for raw in (text or "").split(","):
        tag = " ".join(raw.split())
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise CaseError(f"Et mærke må højst have {MAX_TAG_CHARS} tegn.")
        if tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise CaseError(f"En sag kan højst have {MAX_TAGS} mærker.")
    return tuple(tags)


def set_tags(
    session: Session, number: str, text: str, *, actor: audit.Actor, now: datetime
) -> None:
    """The case's tags from a comma-separated text."""
    tags = parse_tags(text)
    c = _case(session, number)
    c.tags = ",".join(tags)
    session.flush()
    audit.record(session, actor, audit.TAGS, now=now, case=c.number, detail=c.tags[:300])


def close(
    session: Session,
    number: str,
    outcome: str,
    *,
    content: CaseContent,
    actor: audit.Actor,
    now: datetime,
) -> None:
    """Close the case with an active outcome category; counted in the report."""
    chosen = content.outcome(outcome or "")
    if chosen is None or not chosen.aktiv:
        raise CaseError("Vælg et udfald for at afslutte sagen.")
    c = _case(session, number)
    ts = _utc(now)
    c.status, c.outcome, c.closed_at = CLOSED, chosen.kode, ts
    session.execute(delete(CaseClosing).where(CaseClosing.case_number == c.number))
    session.add(
        CaseClosing(case_number=c.number, outcome=chosen.kode, tags=c.tags or "", closed_at=ts)
    )
    session.flush()
    audit.record(session, actor, audit.CLOSE, now=now, case=c.number, detail=chosen.kode)


def set_legal_hold(
    session: Session, number: str, hold: bool, *, actor: audit.Actor, now: datetime
) -> None:
    """Keep the case past its retention time (or let it be deleted again)."""
    c = _case(session, number)
    c.legal_hold = bool(hold)
    session.flush()
    audit.record(
        session, actor, audit.LEGAL_HOLD, now=now, case=c.number, detail="ja" if hold else "nej"
    )


def report(session: Session, first: date, last: date, *, content: CaseContent, tz: str) -> Report:
    """Cases closed from ``first`` to ``last`` (both included) per outcome and tag."""
    if last < first:
        raise CaseError("Slutdatoen skal være efter startdatoen.")
    zone = ZoneInfo(tz)
    lo = _utc(datetime.combine(first, time(0), zone))
    hi = _utc(datetime.combine(last + timedelta(days=1), time(0), zone))
    closings = session.execute(
        select(CaseClosing.outcome, CaseClosing.tags).where(
            CaseClosing.closed_at >= lo, CaseClosing.closed_at < hi
        )
    ).all()
    counts: Dict[str, int] = {}
    tag_counts: Dict[str, int] = {}
    for code, tags in closings:
        counts[code] = counts.get(code, 0) + 1
        for tag in split_tags(tags):
            tag_counts[tag] = tag_counts.get(tag, 0) + 1
    rows = [ReportRow(o.kode, o.navn, o.hjemmel, counts.pop(o.kode, 0)) for o in content.udfald]
    rows += [ReportRow(code, code, None, n) for code, n in sorted(counts.items())]
    tags = sorted(tag_counts.items(), key=lambda kv: (-kv[1], kv[0].lower()))
    return Report(first=first, last=last, rows=rows, total=len(closings), tags=tags)


def purge_closed(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete cases closed more than ``retention_days`` ago, except those on legal hold.

    The case, its transcript, summary and history go; the audit log keeps that it
    happened (case number only) and the closing tally keeps the count for the report.
    """
    cutoff = _utc(now) - timedelta(days=retention_days)
    due = session.execute(
        select(Case.id, Case.number).where(
            Case.status == CLOSED,
            Case.closed_at.is_not(None),
            Case.closed_at < cutoff,
            Case.legal_hold.is_(False),
        )
    ).all()
    if not due:
        return 0
    ids = [i for i, _ in due]
    session.execute(delete(CaseEntry).where(CaseEntry.case_id.in_(ids)))
    session.execute(delete(Case).where(Case.id.in_(ids)))
    for _, number in due:
        audit.record(session, audit.Actor.system(), audit.CASE_DELETED, now=now, case=number)
    log.info("cases: deleted %d closed cases after their retention time", len(ids))
    return len(ids)


def count_by_status(session: Session) -> Dict[str, int]:
    rows = session.execute(select(Case.status, func.count(Case.id)).group_by(Case.status)).all()
    return {s: 0 for s in STATUSES} | {s: int(n) for s, n in rows}
