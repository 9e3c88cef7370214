"""Casework (bot/features/cases/casework.py): queue, changes, report, retention, audit."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bot.core.settings import ROOT
from bot.features.audit import log as audit
from bot.features.cases import casework
from bot.features.cases.casework import CaseError, CaseNotFound, QueueFilter
from bot.features.cases.content import load_cases
from bot.features.cases.tables import CLOSED, IN_PROGRESS, NEW, Case, CaseEntry
from bot.features.cases.tally import CaseClosing
from bot.infra.db import session_scope
from tests.casedata import NOW, add_case, add_user, summary

CONTENT = load_cases(ROOT / "content" / "cases.yml")
TZ = "Europe/Copenhagen"


def numbers(rows) -> list:  # type: ignore[no-untyped-def]
    return [r.number for r in rows]


def queue(s, viewer=None, **flt):  # type: ignore[no-untyped-def]
    return casework.queue(s, QueueFilter(**flt), now=NOW, viewer_id=viewer, tz=TZ)


def test_overdue_open_cases_come_first_then_the_newest(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_case(s, "BR-2026-0001", created=NOW - timedelta(days=5))  # overdue (due 3 days ago)
        add_case(s, "BR-2026-0002", created=NOW - timedelta(days=1))
        add_case(s, "BR-2026-0003", created=NOW - timedelta(hours=1))
        add_case(s, "BR-2026-0004", created=NOW - timedelta(days=9))  # overdue, older
        add_case(s, "BR-2026-0005", created=NOW - timedelta(days=8), status=CLOSED,
                 closed_at=NOW - timedelta(days=7), outcome="dialogmoede")  # fmt: skip
        rows = queue(s)
        every = queue(s, status="alle")
        closed = queue(s, status=CLOSED)
    assert numbers(rows) == ["BR-2026-0001", "BR-2026-0004", "BR-2026-0003", "BR-2026-0002"]
    assert [r.overdue for r in rows] == [True, True, False, False]
    assert numbers(every) == numbers(rows)[:2] + ["BR-2026-0003", "BR-2026-0002", "BR-2026-0005"]
    assert numbers(closed) == ["BR-2026-0005"] and not closed[0].overdue
    assert rows[2].topic == "Jeg har ventet 5 måneder på svar om boligstøtte"
    assert rows[2].created_at.utcoffset() == timedelta(hours=1)  # shown in local time


def test_filters_by_status_assignee_tag_and_search(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        mette = add_user(s, "mette", "raadgiver")
        anja = add_user(s, "anja", "raadgiver")
        add_case(s, "BR-2026-0001", assignee_id=mette, tags="haster,diskrimination")
        add_case(s, "BR-2026-0002", assignee_id=anja, status=IN_PROGRESS, tags="haster 2")
        add_case(s, "BR-2026-0003", transcript="Borger: Det handler om min søns skole.",
                 summary_json=json.dumps({"topic": "Støtte til skolegang"}))  # fmt: skip
        add_case(s, "BR-2026-0004", summary_json=summary(topic="Hjælp 100% og _tegn_"))
        assert numbers(queue(s, mette, assignee="mig")) == ["BR-2026-0001"]
        assert numbers(queue(s, assignee=str(anja))) == ["BR-2026-0002"]
        assert numbers(queue(s, assignee="ingen")) == ["BR-2026-0004", "BR-2026-0003"]
        assert numbers(queue(s, status=IN_PROGRESS)) == ["BR-2026-0002"]
        assert numbers(queue(s, status=NEW, tag="haster")) == ["BR-2026-0001"]
        assert numbers(queue(s, tag="haster")) == ["BR-2026-0001"]  # not "haster 2"
        assert numbers(queue(s, search="søns skole")) == ["BR-2026-0003"]
        # ensure_ascii JSON keeps "ø" as \u00f8: found either way.
        add_case(s, "BR-2026-0005", summary_json=json.dumps({"topic": "Støtte til bolig"}))
        assert numbers(queue(s, search="støtte til")) == ["BR-2026-0005", "BR-2026-0003"]
        assert numbers(queue(s, search="100%")) == ["BR-2026-0004"]
        assert numbers(queue(s, search="_tegn_")) == ["BR-2026-0004"]
        assert numbers(queue(s, search="%")) == ["BR-2026-0004"]  # a literal percent sign
        assert numbers(queue(s, search="0003")) == ["BR-2026-0003"]
        assert queue(s, search="' OR 1=1 --") == []
        assert casework.all_tags(s) == ["diskrimination", "haster", "haster 2"]


def test_view_shows_the_masked_case_and_is_audited(session_factory) -> None:  # type: ignore[no-untyped-def]
    actor = audit.Actor(1, "mette")
    with session_scope(session_factory) as s:
        add_case(s, transcript="Borger: mit cpr er 010190-1234", entries=("Mere: 0101901234",))
        found = casework.view(s, "BR-2026-0001", actor=actor, now=NOW, tz=TZ, content=CONTENT)
        assert [(x.user, x.action, x.case) for x in audit.entries(s)] == [
            ("mette", "sag-vist", "BR-2026-0001")
        ]
    assert found.transcript == "Borger: mit cpr er [CPR]"
    assert [e.text for e in found.entries] == ["Mere: [CPR]"]
    labels = [item.label for item in found.summary]
    assert labels[:3] == ["Emne", "Vurdering", "Grundlag"]
    assert found.contact_method == "telefon" and found.consent_scope == "samtale,resume,kontakt"
    for missing in ("BR-2026-9999", "../etc/passwd", "", "x" * 30):
        with session_scope(session_factory) as s, pytest.raises(CaseNotFound):
            casework.view(s, missing, actor=actor, now=NOW, tz=TZ, content=CONTENT)


def test_notes_assignment_status_tags_and_closing(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        mette = add_user(s, "mette", "raadgiver")
        trainer = add_user(s, "trine", "traener")
        actor = audit.Actor(mette, "mette")
        add_case(s)
        casework.add_note(s, "BR-2026-0001", "  Ringede til borgeren, CPR 010190-1234  ",
                          actor=actor, now=NOW)  # fmt: skip
        casework.assign(s, "BR-2026-0001", mette, actor=actor, now=NOW)
        with pytest.raises(CaseError, match="aktiv rådgiver"):
            casework.assign(s, "BR-2026-0001", trainer, actor=actor, now=NOW)
        with pytest.raises(CaseError, match="aktiv rådgiver"):
            casework.assign(s, "BR-2026-0001", 424242, actor=actor, now=NOW)
        casework.set_status(s, "BR-2026-0001", IN_PROGRESS, actor=actor, now=NOW)
        with pytest.raises(CaseError, match="udfald"):
            casework.set_status(s, "BR-2026-0001", CLOSED, actor=actor, now=NOW)
        casework.set_tags(s, "BR-2026-0001", " haster, Haster ,, personalets  adfærd ",
                          actor=actor, now=NOW)  # fmt: skip
        with pytest.raises(CaseError, match="udfald"):
            casework.close(s, "BR-2026-0001", "findes-ikke", content=CONTENT, actor=actor, now=NOW)
        casework.close(s, "BR-2026-0001", "dialogmoede", content=CONTENT, actor=actor, now=NOW)
        case = s.execute(select(Case)).scalar_one()
        note = s.execute(select(CaseEntry)).scalar_one()
        closing = s.execute(select(CaseClosing)).scalar_one()
        actions = [(x.action, x.detail) for x in audit.entries(s) if x.case]
    assert (case.status, case.assignee_id, case.outcome) == (CLOSED, mette, "dialogmoede")
    assert case.tags == "haster,personalets adfærd"
    assert (note.kind, note.author_id, note.text) == (
        "note",
        mette,
        "Ringede til borgeren, CPR [CPR]",
    )
    assert (closing.case_number, closing.outcome, closing.tags) == (
        "BR-2026-0001", "dialogmoede", "haster,personalets adfærd"
    )  # fmt: skip
    assert actions == [
        ("note", None),
        ("tildelt", None),
        ("status", "i gang"),
        ("maerker", "haster,personalets adfærd"),
        ("afsluttet", "dialogmoede"),
    ]


@pytest.mark.parametrize(
    "text, message",
    [("   ", "tom"), ("x" * 10_001, "højst have 10000 tegn")],
)
def test_empty_or_huge_notes_are_refused(session_factory, text, message) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_case(s)
        with pytest.raises(CaseError, match=message):
            casework.add_note(s, "BR-2026-0001", text, actor=audit.Actor(1, "m"), now=NOW)
        assert s.execute(select(func.count(CaseEntry.id))).scalar_one() == 0


def test_too_many_or_too_long_tags_are_refused() -> None:
    with pytest.raises(CaseError, match="højst have 10 mærker"):
        casework.parse_tags(",".join(f"t{i}" for i in range(11)))
    with pytest.raises(CaseError, match="40 tegn"):
        casework.parse_tags("x" * 41)


def test_reopening_removes_the_outcome_from_the_report(session_factory) -> None:  # type: ignore[no-untyped-def]
    actor = audit.Actor(1, "mette")
    with session_scope(session_factory) as s:
        add_case(s)
        casework.close(s, "BR-2026-0001", "dialogmoede", content=CONTENT, actor=actor, now=NOW)
        casework.set_status(s, "BR-2026-0001", IN_PROGRESS, actor=actor, now=NOW)
        case = s.execute(select(Case)).scalar_one()
        assert (case.status, case.outcome, case.closed_at) == (IN_PROGRESS, None, None)
        assert s.execute(select(func.count(CaseClosing.id))).scalar_one() == 0


def test_report_counts_closings_per_outcome_and_period_even_after_deletion(session_factory) -> None:  # type: ignore[no-untyped-def]
    actor = audit.Actor(1, "mette")
    closings = [
        ("BR-2025-0001", "dialogmoede", NOW.replace(year=2025, month=1, day=1, hour=0, minute=5)),
        ("BR-2025-0002", "dialogmoede", NOW.replace(year=2025, month=6, day=1)),
        ("BR-2025-0003", "dialog-foerst", NOW.replace(year=2025, month=12, day=31, hour=23)),
        (
            "BR-2024-0001",
            "dialogmoede",
            NOW.replace(year=2024, month=12, day=31, hour=23, minute=59),
        ),
    ]
    with session_scope(session_factory) as s:
        for number, outcome, at in closings:
            add_case(s, number, created=at - timedelta(days=3), tags="haster")
            casework.close(s, number, outcome, content=CONTENT, actor=actor, now=at)
    with session_scope(session_factory) as s:
        assert casework.purge_closed(s, now=NOW, retention_days=30) == 4
    with session_scope(session_factory) as s:
        report = casework.report(s, date(2025, 1, 1), date(2025, 12, 31), content=CONTENT, tz=TZ)
        with pytest.raises(CaseError, match="efter startdatoen"):
            casework.report(s, date(2025, 2, 1), date(2025, 1, 1), content=CONTENT, tz=TZ)
    counts = {r.code: r.count for r in report.rows}
    assert report.total == 3 and counts["dialogmoede"] == 2 and counts["dialog-foerst"] == 1
    assert [r.code for r in report.rows] == [o.kode for o in CONTENT.udfald]
    assert report.tags == [("haster", 3)]


def test_retention_deletes_closed_cases_after_the_days_unless_on_legal_hold(
    session_factory,
) -> None:  # type: ignore[no-untyped-def]
    old = NOW - timedelta(days=400)
    with session_scope(session_factory) as s:
        add_case(s, "BR-2025-0001", created=old, status=CLOSED, closed_at=old, entries=("a",))
        add_case(s, "BR-2025-0002", created=old, status=CLOSED, closed_at=old, legal_hold=True)
        add_case(s, "BR-2025-0003", created=old, status=CLOSED, closed_at=NOW - timedelta(days=300))
        add_case(s, "BR-2025-0004", created=old)  # never closed: kept
    with session_scope(session_factory) as s:
        assert casework.purge_closed(s, now=NOW, retention_days=365) == 1
    with session_scope(session_factory) as s:
        left = sorted(s.execute(select(Case.number)).scalars())
        entries = s.execute(select(func.count(CaseEntry.id))).scalar_one()
        trail = [(x.user, x.action, x.case) for x in audit.entries(s)]
        casework.set_legal_hold(s, "BR-2025-0002", False, actor=audit.Actor(1, "m"), now=NOW)
    assert left == ["BR-2025-0002", "BR-2025-0003", "BR-2025-0004"]
    assert entries == 0
    assert trail == [("system", "sag-slettet", "BR-2025-0001")]
    with session_scope(session_factory) as s:
        assert casework.purge_closed(s, now=NOW, retention_days=365) == 1
        assert casework.count_by_status(s) == {"ny": 1, "i gang": 0, "afsluttet": 1}
