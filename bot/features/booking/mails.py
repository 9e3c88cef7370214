"""The e-mails about a booking (confirmed, moved, cancelled) with their .ics file.

Texts are the Danish templates in content/booking.yml (``tekster``); the mail is
queued in the outbox in the caller's transaction, so it is sent only if the
booking change is committed. The purpose of the meeting is never e-mailed.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Dict, List, Tuple

from sqlalchemy.orm import Session

from bot.features.booking.ics import build_event
from bot.features.booking.office import OfficeTexts
from bot.features.booking.tables import BookingInfo
from bot.infra.outbox import InvalidMail, enqueue_mail

log = logging.getLogger(__name__)

# The kinds of mail (part of the outbox key).
CONFIRMED_MAIL = "bekraeftelse"
MOVED_MAIL = "flyttet"
CANCELLED_MAIL = "aflyst"


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


def queue_mail(
    session: Session,
    info: BookingInfo,
    kind: str,
    texts: OfficeTexts | None,
    now: datetime,
    mail_domain: str,
) -> bool:
    """Queue the confirmation/moved/cancelled mail; False without address/texts or if invalid."""
    if not info.email or texts is None:
        return False
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
    try:
        enqueue_mail(
            session,
            key=f"booking:{info.reference}:{kind}:{info.sequence}",
            to=info.email,
            subject=subject.format(**values),
            text=body.format(**values),
            attachments=attachments,
            now=now,
        )
    except InvalidMail:
        log.warning("booking: confirmation mail for %s refused by the outbox", info.reference)
        return False
    return True


def mail_domain_of(address: str) -> str:
    return address.rsplit("@", 1)[-1].strip("> ") if "@" in address else "localhost"
