"""The hand-over itself: a case from the conversation, and the receipt's replies.

``hand_over`` builds the summary and the masked transcript, computes the promise and
opens the case (``bot.features.cases.intake``) in the caller's unit of work.
``receipt_replies`` says which responses the chat sends afterwards, with their
variables; the Danish texts are in domain.yml (``utter_handover_*``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Dict, List, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.content import cached
from bot.features.booking.office import BookingFile
from bot.features.booking.tables import ClosedDay
from bot.features.cases.intake import NewCase, open_case
from bot.features.handover.contact import PHONE, ContactWish
from bot.features.handover.conversation import transcript
from bot.features.handover.promise import OfficeCalendar, Promise, promise
from bot.features.handover.summary import SummaryInput, build_summary, to_json

Reply = Tuple[str, Dict[str, Any]]


@dataclass(frozen=True)
class Receipt:
    number: str
    promise: Promise
    contact: ContactWish


def closed_days(session: Session, today: date) -> List[date]:
    """Office-wide closed days the office added in the booking database (from today)."""
    rows = session.execute(
        select(ClosedDay.day).where(ClosedDay.advisor_id.is_(None), ClosedDay.day >= today)
    ).scalars()
    return list(rows)


def office_calendar(session: Session, booking_path: Path, tz: str, today: date) -> OfficeCalendar:
    """Office hours from content/booking.yml (newest good version) and the database."""
    booking = cached(booking_path, BookingFile.parse_obj)
    return OfficeCalendar.from_booking(booking, tz, closed_days(session, today))


def hand_over(
    session: Session,
    *,
    conversation_id: str,
    data: SummaryInput,
    calendar: OfficeCalendar,
    working_days: int,
    now: datetime,
    tz: str,
) -> Receipt:
    """Open the case; the caller's unit of work commits."""
    summary = build_summary(data)
    due = promise(now, calendar, working_days)
    contact = data.contact
    new = NewCase(
        conversation_id=conversation_id,
        transcript=transcript(data.lines, tz),
        summary_json=to_json(summary),
        consent_version=data.consent.version,
        consent_at=data.consent.at,
        consent_scope=data.consent.scope,
        due_at=due.due,
        contact_method=contact.method,
        contact_value=contact.value,
        contact_when=contact.when,
    )
    case = open_case(session, new, now)
    return Receipt(number=str(case.number), promise=due, contact=contact)


def receipt_replies(receipt: Receipt, phone: str) -> List[Reply]:
    """The receipt: case number, what happens next and when; off hours, when we open."""
    p, contact = receipt.promise, receipt.contact
    base = {"nummer": receipt.number, "senest": p.due_label}
    if contact.calls_self:
        replies: List[Reply] = [("utter_handover_receipt_self", {**base, "telefon": phone})]
    elif contact.method == PHONE:
        replies = [("utter_handover_receipt_phone", {**base, "kontakt": contact.value})]
    else:
        replies = [("utter_handover_receipt_mail", {**base, "kontakt": contact.value})]
    if p.off_hours:
        if p.opens_label:
            replies.append(("utter_handover_off_hours", {"aabner": p.opens_label}))
        else:
            replies.append(("utter_handover_off_hours_unknown", {"telefon": phone}))
    replies.append(("utter_handover_add_more", {}))
    return replies
