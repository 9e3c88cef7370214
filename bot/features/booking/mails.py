"""The e-mails about a booking (confirmed, moved, cancelled) with their .ics file.

Texts are the Danish templates in content/booking.yml (``tekster``); the mail is
queued in the outbox in the caller's transaction, so it is sent only if the
booking change is committed. The purpose of the meeting is never e-mailed.

No open relay: a mailbox that has not confirmed gets one short mail a day at most,
with nothing the citizen wrote in it, only a link to confirm (``/bekraeft/<token>`` on
the web app); the mail with the name, the time and the calendar file follows the click
(``confirm_address``). Every booking mail counts against the limits per mailbox and day,
per conversation and per hour (``bot.infra.recipients``).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.features.booking.guard import BookingLink, BookingPolicy
from bot.features.booking.ics import build_event
from bot.features.booking.office import OfficeTexts
from bot.features.booking.tables import ACTIVE, Booking, BookingInfo, to_db
from bot.infra.outbox import InvalidMail, enqueue_mail
from bot.infra.recipients import (
    confirm_token,
    is_confirmed,
    new_confirmation_token,
    quota_problem,
    record_mail,
)

log = logging.getLogger(__name__)

# The kinds of mail (part of the outbox key).
CONFIRMED_MAIL = "bekraeftelse"
MOVED_MAIL = "flyttet"
CANCELLED_MAIL = "aflyst"
LINK_MAIL = "bekraeft"  # the confirmation link to a mailbox that has not confirmed
# Counted together by the limits (MailSent.kind).
MAIL_KINDS = ("booking", LINK_MAIL)

# What queue_mail did.
FULL = "full"  # the mail with the details
LINK = "link"  # a confirmation link (now or earlier today); the details follow the click


def mail_vars(info: BookingInfo, texts: OfficeTexts) -> Dict[str, str]:
    """Variables for the Danish templates (also used by the chat responses)."""
    return {
        "navn": info.name,
        "tidspunkt": texts.label(info.start),
        "moedeform": texts.meeting_type_label(info.meeting_type),
        "sted": texts.location(info.meeting_type),
        "reference": info.reference,
        "kontor": texts.kontor,
        "telefon": texts.telefon,
        "adresse": texts.adresse,
        "raadgiver": info.advisor_name,
    }


def calendar_file(
    info: BookingInfo, texts: OfficeTexts, *, now: datetime, mail_domain: str
) -> bytes:
    values = mail_vars(info, texts)
    return build_event(
        uid=f"{info.reference.lower()}@{mail_domain}",
        dtstamp=now,
        start=info.start,
        end=info.end,
        summary=texts.texts.kalender_titel.format(**values),
        location=values["sted"],
        description=texts.texts.kalender_beskrivelse.format(**values),
        sequence=info.sequence,
    )


def _full_mail(
    session: Session, info: BookingInfo, kind: str, texts: OfficeTexts, now: datetime,
    mail_domain: str,
) -> int:  # fmt: skip
    t = texts.texts
    subject, body = {
        CONFIRMED_MAIL: (t.mail_emne_bekraeftelse, t.mail_tekst_bekraeftelse),
        MOVED_MAIL: (t.mail_emne_flyttet, t.mail_tekst_flyttet),
        CANCELLED_MAIL: (t.mail_emne_aflyst, t.mail_tekst_aflyst),
    }[kind]
    values = mail_vars(info, texts)
    attachments: List[Tuple[str, str, bytes]] = []
    if kind != CANCELLED_MAIL:
        ics = calendar_file(info, texts, now=now, mail_domain=mail_domain)
        attachments.append(("moede.ics", "text/calendar", ics))
    assert info.email is not None
    mail = enqueue_mail(
        session,
        key=f"booking:{info.reference}:{kind}:{info.sequence}",
        to=info.email,
        subject=subject.format(**values),
        text=body.format(**values),
        attachments=attachments,
        now=now,
    )
    return int(mail.id)


def _link_mail(
    session: Session, to: str, token: str, texts: OfficeTexts, policy: BookingPolicy,
    now: datetime,
) -> int:  # fmt: skip
    """The short mail: the office's own words and the link, nothing the citizen wrote."""
    t = texts.texts
    values = {
        "link": policy.confirm_url + token,
        "kontor": texts.kontor,
        "telefon": texts.telefon,
        "adresse": texts.adresse,
    }
    mail = enqueue_mail(
        session,
        key=f"{LINK_MAIL}:" + hashlib.sha256(token.encode()).hexdigest(),
        to=to,
        subject=t.mail_emne_bekraeft_adresse.format(**values),
        text=t.mail_tekst_bekraeft_adresse.format(**values),
        now=now,
    )
    return int(mail.id)


def queue_mail(
    session: Session,
    info: BookingInfo,
    kind: str,
    texts: OfficeTexts | None,
    now: datetime,
    mail_domain: str,
    policy: BookingPolicy | None = None,
    origin: str | None = None,
) -> str | None:
    """Queue what the booking change warrants: ``FULL``, ``LINK`` or None (no address,
    no texts or policy, a limit reached, or a move/cancellation for a mailbox that has not
    confirmed). ``origin``: the hashed conversation that asked."""
    if not info.email or texts is None or policy is None:
        return None
    recipient = policy.email_hash(info.email)
    assert recipient is not None
    confirmed = is_confirmed(session, recipient)
    if not confirmed and kind != CONFIRMED_MAIL:
        return None  # the confirmation link (when clicked) sends the current time
    problem = quota_problem(
        session, recipient=recipient, origin=origin, now=now, limits=policy.mail, kinds=MAIL_KINDS
    )
    if problem is not None:
        log.warning("booking: no mail for %s (limit per %s reached)", info.reference, problem)
        return None
    try:
        if confirmed:
            mail_id, what = _full_mail(session, info, kind, texts, now, mail_domain), FULL
        else:
            token = new_confirmation_token(session, recipient, now)
            if token is None:
                return LINK  # a link went out less than a day ago and still works
            mail_id, what = _link_mail(session, info.email, token, texts, policy, now), LINK
    except InvalidMail:
        log.warning("booking: mail for %s refused by the outbox", info.reference)
        return None
    kind_counted = LINK_MAIL if what == LINK else "booking"
    record_mail(
        session, mail_id=mail_id, kind=kind_counted, recipient=recipient, origin=origin, now=now
    )
    return what


@dataclass(frozen=True)
class Confirmed:
    ok: bool  # False: unknown or expired link
    bookings: int = 0  # future bookings whose confirmation mail is now queued


def confirm_address(
    session: Session, token: str, *, now: datetime, texts: OfficeTexts, policy: BookingPolicy,
    tz: str, mail_domain: str,
) -> Confirmed:  # fmt: skip
    """The mailbox clicked its link: it is confirmed, and each of its future bookings
    gets the mail with the details and the calendar file (the caller commits)."""
    recipient = confirm_token(session, token, now)
    if recipient is None:
        return Confirmed(ok=False)
    rows = session.execute(
        select(Booking, BookingLink)
        .join(BookingLink, BookingLink.booking_id == Booking.id)
        .where(
            BookingLink.email_hash == recipient,
            BookingLink.confirmed_at.is_(None),
            Booking.status == ACTIVE,
            Booking.starts_at > to_db(now),
        )
        .order_by(Booking.starts_at)
    ).all()
    queued = 0
    for booking, link in rows:
        link.confirmed_at = to_db(now)
        info = BookingInfo.of(session, booking, ZoneInfo(tz))
        if not info.email:
            continue
        try:
            mail_id = _full_mail(session, info, CONFIRMED_MAIL, texts, now, mail_domain)
        except InvalidMail:
            continue
        record_mail(
            session, mail_id=mail_id, kind="booking", recipient=recipient, origin=None, now=now
        )
        queued += 1
    session.flush()
    log.info("booking: a mailbox confirmed; %d confirmation mails queued", queued)
    return Confirmed(ok=True, bookings=queued)


def mail_domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") if "@" in address else "localhost"
