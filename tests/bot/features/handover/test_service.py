"""The hand-over opens a case; the receipt's replies (service.py), SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.core.settings import ROOT
from bot.features.booking.tables import Advisor, ClosedDay
from bot.features.cases.tables import Case
from bot.features.competence.content import load_competence
from bot.features.competence.deadline import load_rule
from bot.features.handover.consent import Consent
from bot.features.handover.contact import MAIL, PHONE, ContactWish
from bot.features.handover.conversation import ASSISTANT, CITIZEN, Line
from bot.features.handover.promise import Promise
from bot.features.handover.service import (
    Receipt,
    closed_days,
    hand_over,
    office_calendar,
    receipt_replies,
)
from bot.features.handover.summary import SummaryInput
from bot.infra.db import session_scope

TZ = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=TZ)  # Tuesday, open
BOOKING = ROOT / "content" / "booking.yml"
PHONE_NO = "99 31 16 18"


def data(contact: ContactWish) -> SummaryInput:
    lines = [
        Line(
            CITIZEN,
            "Min sagsbehandler har ikke svaret i 5 måneder. cpr 010190-1234",
            NOW.astimezone(timezone.utc),
            "klage_sagsbehandling",
        ),
        Line(ASSISTANT, "Det kan Borgerrådgivningen hjælpe med.", NOW),
    ]
    return SummaryInput(
        lines=lines,
        today=NOW.date(),
        competence=load_competence(ROOT / "content" / "competence.yml"),
        deadline_rule=load_rule(ROOT / "content" / "complaint_deadline.yml"),
        consent=Consent("2026-12-01#abcdef12", NOW),
        contact=contact,
        route="borgerraadgiver_klage_sagsbehandling",
    )


def test_a_hand_over_opens_a_case_with_transcript_summary_consent_and_promise(
    session_factory,
) -> None:
    contact = ContactWish(PHONE, "12345678", "om formiddagen")
    with session_scope(session_factory) as session:
        session.add(
            ClosedDay(day=date(2026, 12, 2), advisor_id=None, reason="Kursus", source="kontor")
        )
        session.flush()
        calendar = office_calendar(session, BOOKING, "Europe/Copenhagen", NOW.date())
        receipt = hand_over(
            session,
            conversation_id="samtale-1",
            data=data(contact),
            calendar=calendar,
            working_days=2,
            now=NOW,
            tz="Europe/Copenhagen",
        )
    assert receipt.number == "BR-2026-0001"
    # Wednesday is closed (the database): Thursday and Friday are the two working days.
    assert receipt.promise.due == datetime(2026, 12, 4, 12, 0, tzinfo=TZ)
    with session_scope(session_factory) as session:
        case = session.execute(select(Case)).scalar_one()
        assert case.conversation_id == "samtale-1"
        assert case.transcript == (
            "[2026-12-01 10:00] Borger: Min sagsbehandler har ikke svaret i 5 måneder. cpr [CPR]"
            "\n\n[2026-12-01 10:00] Assistent: Det kan Borgerrådgivningen hjælpe med."
        )
        summary = json.loads(case.summary_json)
        assert summary["route"]["id"] == "borgerraadgiver_klage_sagsbehandling"
        assert summary["topic"].endswith("cpr [CPR]")
        assert (case.consent_version, case.consent_scope) == (
            "2026-12-01#abcdef12",
            "samtale,resume,kontakt",
        )
        assert case.due_at == datetime(2026, 12, 4, 11, 0)  # naive UTC
        assert (case.contact_method, case.contact_value, case.contact_when) == (
            "telefon",
            "12345678",
            "om formiddagen",
        )


def test_only_office_wide_closed_days_from_today_count(session_factory) -> None:
    with session_scope(session_factory) as session:
        anja = Advisor(name="Anja Kristensen")
        session.add(anja)
        session.flush()
        for day, advisor in (
            (date(2026, 11, 30), None),
            (date(2026, 12, 2), None),
            (date(2026, 12, 3), anja.id),
        ):
            session.add(ClosedDay(day=day, advisor_id=advisor, reason="x", source="kontor"))
        session.flush()
        assert closed_days(session, NOW.date()) == [date(2026, 12, 2)]


def receipt(
    contact: ContactWish, off_hours: bool = False, opens: datetime | None = None
) -> Receipt:
    due = datetime(2026, 12, 3, 15, 0, tzinfo=TZ)
    return Receipt("BR-2026-0007", Promise(due, off_hours, opens), contact)


def test_the_receipt_says_the_number_how_and_when() -> None:
    base = {"nummer": "BR-2026-0007", "senest": "torsdag den 3. december"}
    more = ("utter_handover_add_more", {})
    assert receipt_replies(receipt(ContactWish(PHONE, "12345678")), PHONE_NO) == [
        ("utter_handover_receipt_phone", {**base, "kontakt": "12345678"}),
        more,
    ]
    assert receipt_replies(receipt(ContactWish(MAIL, "a@example.org")), PHONE_NO) == [
        ("utter_handover_receipt_mail", {**base, "kontakt": "a@example.org"}),
        more,
    ]
    assert receipt_replies(receipt(ContactWish()), PHONE_NO) == [
        ("utter_handover_receipt_self", {**base, "telefon": PHONE_NO}),
        more,
    ]


def test_outside_office_hours_the_receipt_says_when_we_open() -> None:
    opens = datetime(2026, 12, 7, 9, 0, tzinfo=TZ)
    replies = receipt_replies(receipt(ContactWish(), True, opens), PHONE_NO)
    assert replies[1] == ("utter_handover_off_hours", {"aabner": "mandag den 7. december kl. 9.00"})
    replies = receipt_replies(receipt(ContactWish(), True, None), PHONE_NO)
    assert replies[1] == ("utter_handover_off_hours_unknown", {"telefon": PHONE_NO})
