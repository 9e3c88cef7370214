"""Fuldmagt til partsrepræsentation by e-mail.

A citizen asks for the form in the chat and gives an e-mail address;
``request_fuldmagt`` validates the address, applies the abuse limits, records
a ``FuldmagtRequest`` and queues the e-mail (text + HTML + the PDF from
``bot.features.fuldmagt.pdf``) through ``bot.infra.outbox`` in the caller's transaction.
The outbox worker sends it.

- Idempotent per conversation + address: a unique constraint on
  ``(conversation_id, address_hash)`` and on the outbox key.
- The address itself lives only in the outbox row (``to_addr``), which the
  worker purges after ``settings.retention_days``; this table keeps a keyed hash
  (HMAC, ``bot.infra.recipients``) of the canonical mailbox for the limits, so
  ``victim+7@gmail.com`` and ``v.i.c.t.i.m@gmail.com`` count as ``victim@gmail.com``,
  and is deleted after the same period. Logs name requests by id, never by address.
- Limits: different addresses per conversation, requests per mailbox in 24 hours
  (across conversations), and requests per hour altogether (``fuldmagt_max_per_hour``).
- Texts of the e-mail and PDF: ``content/fuldmagt.yml`` (validated on load).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import Dict, List

from pydantic import BaseModel, validator
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    delete,
    func,
    select,
)
from sqlalchemy.orm import Session, relationship

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.core.settings import Settings
from bot.features.contact import Contact, cached_contact
from bot.features.fuldmagt.pdf import PdfTexts, check_placeholders, render_pdf
from bot.infra.db import Base
from bot.infra.outbox import (
    FAILED,
    QUEUED,
    InvalidMail,
    OutboxMail,
    enqueue_mail,
    insert_or_ignore,
    utc_naive,
    validate_address,
)
from bot.infra.recipients import address_key, load_secret

log = logging.getLogger(__name__)

TEXTS_FILE = "fuldmagt.yml"
CONTACT_FILE = "contact.yml"
MAX_CONVERSATION_ID = 255


# ---------------------------------------------------------------- texts


class MailTexts(BaseModel):
    emne: str
    afsnit: List[str]
    hilsen: str
    fodnote: str | None = None

    @validator("emne", "hilsen", "fodnote")
    def _placeholders(cls, value: str | None) -> str | None:
        return check_placeholders(value)

    @validator("emne")
    def _one_line(cls, value: str) -> str:
        if "\n" in value or "\r" in value or len(value) > 150:
            raise ValueError("emne skal være én linje (højst 150 tegn)")
        return value

    @validator("afsnit")
    def _paragraphs(cls, value: List[str]) -> List[str]:
        if not value:
            raise ValueError("der skal være mindst ét afsnit")
        for text in value:
            check_placeholders(text)
        return value


class FuldmagtTexts(BaseModel):
    mail: MailTexts
    pdf: PdfTexts


def load_texts(path: Path) -> FuldmagtTexts:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, FuldmagtTexts.parse_obj)


def cached_texts(path: Path) -> FuldmagtTexts:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, FuldmagtTexts.parse_obj)


def contact_variables(contact: Contact) -> Dict[str, str]:
    """{kontor}, {adresse}, {telefon} for the texts."""
    return {"kontor": contact.navn, "adresse": contact.adresse, "telefon": contact.hovedtelefon}


@dataclass(frozen=True)
class FuldmagtMail:
    subject: str
    text: str
    html: str
    filename: str
    pdf: bytes


def build_mail(texts: FuldmagtTexts, contact: Contact, *, now: datetime) -> FuldmagtMail:
    """The e-mail (text, HTML) and the PDF; the same for every citizen."""
    variables = contact_variables(contact)
    mail = texts.mail
    paragraphs = [p.format_map(variables) for p in mail.afsnit]
    paragraphs.append(mail.hilsen.format_map(variables))
    footnote = mail.fodnote.format_map(variables) if mail.fodnote else None
    text = "\n\n".join(paragraphs)
    if footnote:
        text += "\n\n-- \n" + footnote
    text += "\n"
    subject = mail.emne.format_map(variables)

    def para(p: str, style: str = "") -> str:
        body = "<br>\n".join(html.escape(line) for line in p.split("\n"))
        return f"<p{style}>{body}</p>"

    parts = [para(p) for p in paragraphs]
    if footnote:
        parts.append(para(footnote, ' style="color:#555;font-size:small"'))
    body_html = (
        '<!DOCTYPE html>\n<html lang="da">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(subject)}</title>\n</head>\n"
        '<body style="font-family:Arial,Helvetica,sans-serif;line-height:1.4">\n'
        + "\n".join(parts)
        + "\n</body>\n</html>\n"
    )
    return FuldmagtMail(
        subject=subject,
        text=text,
        html=body_html,
        filename=texts.pdf.filnavn,
        pdf=render_pdf(texts.pdf, variables, created=now),
    )


# ---------------------------------------------------------------- addresses


class InvalidAddress(InvalidMail):
    """Not a usable e-mail address."""


_TOKEN_WITH_AT = re.compile(r"[^\s<>()\[\]{},;:\"']+@[^\s<>()\[\]{},;:\"']+")


def extract_address(text: str) -> str | None:
    """The e-mail address in a chat message ("min mail er a@b.dk"), or None.

    Only picks a candidate; ``normalize_address`` decides whether it is valid.
    A message with several ``@`` tokens gives None (ambiguous).
    """
    if not isinstance(text, str):
        return None
    candidates = _TOKEN_WITH_AT.findall(text)
    if len(candidates) == 1:
        return candidates[0].rstrip(".!?")
    if not candidates:
        stripped = text.strip()
        return stripped if stripped and not any(c.isspace() for c in stripped) else None
    return None


def normalize_address(address: str) -> str:
    """The normalised address or ``InvalidAddress``: the whole string must be one
    address (surrounding spaces allowed). No DNS look-up."""
    try:
        return validate_address(address)
    except InvalidMail as exc:
        raise InvalidAddress(str(exc)) from None


def address_from_message(text: str) -> str:
    """The address in a chat message ("min mail er a@b.dk"), normalised, or
    ``InvalidAddress``. The citizen confirms it before anything is sent."""
    candidate = extract_address(text)
    if candidate is None:
        raise InvalidAddress("no e-mail address found")
    return normalize_address(candidate)


def address_hash(address: str, secret: bytes) -> str:
    """The keyed hash of the mailbox (``InvalidAddress`` when it is no address)."""
    try:
        return address_key(secret, address)
    except InvalidMail as exc:
        raise InvalidAddress(str(exc)) from None


def _conversation_key(conversation_id: str) -> str:
    if not conversation_id:
        raise ValueError("conversation_id is empty")
    if len(conversation_id) <= MAX_CONVERSATION_ID:
        return conversation_id
    return "sha256:" + hashlib.sha256(conversation_id.encode("utf-8")).hexdigest()


def mail_key(conversation_id: str, hashed_address: str) -> str:
    """Outbox idempotency key: one fuldmagt mail per conversation + mailbox."""
    raw = f"{_conversation_key(conversation_id)}\0{hashed_address}"
    return "fuldmagt:" + hashlib.sha256(raw.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- records


class FuldmagtRequest(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "fuldmagt_request"
    __table_args__ = (
        UniqueConstraint(
            "conversation_id", "address_hash", name="uq_fuldmagt_request_conversation_address"
        ),
        Index("ix_fuldmagt_request_address_created", "address_hash", "created_at"),
        Index("ix_fuldmagt_request_created", "created_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(MAX_CONVERSATION_ID), nullable=False)
    address_hash = Column(String(64), nullable=False)
    outbox_mail_id = Column(Integer, ForeignKey("outbox_mail.id"), nullable=False)
    created_at = Column(DateTime, nullable=False)

    mail = relationship(OutboxMail, lazy="joined")

    # Delivery state lives in the outbox row.
    @property
    def status(self) -> str:
        return str(self.mail.status)

    @property
    def attempts(self) -> int:
        return int(self.mail.attempts)

    @property
    def sent_at(self) -> datetime | None:
        return self.mail.sent_at  # type: ignore[no-any-return]

    @property
    def address(self) -> str | None:
        return self.mail.to_addr  # type: ignore[no-any-return]

    def __repr__(self) -> str:  # no personal data
        return f"<FuldmagtRequest id={self.id} mail={self.outbox_mail_id}>"


def delete_for_conversation(session: Session, conversation_id: str, now: datetime) -> int:
    """"Slet min samtale": delete the conversation's requests and the address, subject
    and body of their mails (a mail not sent yet is not sent). The number deleted."""
    conversation = _conversation_key(conversation_id)
    rows = list(
        session.execute(
            select(FuldmagtRequest).where(FuldmagtRequest.conversation_id == conversation)
        ).scalars()
    )
    ts = utc_naive(now)
    for row in rows:
        mail = row.mail
        if mail is not None:
            if mail.status == QUEUED:
                mail.status, mail.last_error = FAILED, "deleted by the citizen"
            mail.key = f"purged:{mail.id}"
            mail.to_addr, mail.subject, mail.message = None, None, None
            mail.purged_at = mail.updated_at = ts
        session.delete(row)
    session.flush()
    if rows:
        log.info("fuldmagt: deleted %d requests of a conversation", len(rows))
    return len(rows)


def purge_requests(session: Session, cutoff: datetime) -> int:
    """Delete requests created before ``cutoff`` (naive UTC); run by ``bot.app.retention``."""
    result = session.execute(
        delete(FuldmagtRequest)
        .where(FuldmagtRequest.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


# ---------------------------------------------------------------- service


class RequestStatus(str, Enum):
    QUEUED = "queued"  # new request, mail queued
    DUPLICATE = "duplicate"  # already requested in this conversation for this address
    INVALID_ADDRESS = "invalid_address"
    LIMIT_CONVERSATION = "limit_conversation"
    LIMIT_ADDRESS = "limit_address"
    LIMIT_GLOBAL = "limit_global"  # too many requests in the last hour, from anyone


@dataclass(frozen=True)
class RequestResult:
    status: RequestStatus
    address: str | None = None  # normalised, for the reply to the citizen
    request_id: int | None = None
    mail_id: int | None = None
    mail_status: str | None = None  # queued | sent | failed

    @property
    def accepted(self) -> bool:
        return self.status in (RequestStatus.QUEUED, RequestStatus.DUPLICATE)

    @property
    def rate_limited(self) -> bool:
        return self.status in (
            RequestStatus.LIMIT_CONVERSATION,
            RequestStatus.LIMIT_ADDRESS,
            RequestStatus.LIMIT_GLOBAL,
        )


def _find(session: Session, conversation: str, hashed: str) -> FuldmagtRequest | None:
    return session.execute(
        select(FuldmagtRequest).where(
            FuldmagtRequest.conversation_id == conversation,
            FuldmagtRequest.address_hash == hashed,
        )
    ).scalar_one_or_none()


def _result(status: RequestStatus, address: str, row: FuldmagtRequest) -> RequestResult:
    return RequestResult(
        status=status,
        address=address,
        request_id=row.id,
        mail_id=row.outbox_mail_id,
        mail_status=row.mail.status if row.mail is not None else None,
    )


def request_fuldmagt(
    session: Session,
    *,
    conversation_id: str,
    address: str,
    settings: Settings,
    now: datetime,
    texts: FuldmagtTexts | None = None,
    contact: Contact | None = None,
) -> RequestResult:
    """Record the request and queue the e-mail, in the caller's transaction.

    Returns the outcome; only ``QUEUED`` creates rows. The caller commits (the
    outbox worker sends after the commit). Limits:
    ``settings.fuldmagt_max_per_conversation`` different addresses per
    conversation, ``settings.fuldmagt_max_per_address_per_day`` requests per
    mailbox in any 24 hours (across conversations), ``settings.fuldmagt_max_per_hour``
    requests in the last hour from anyone.
    """
    try:
        normalized = normalize_address(address)
        hashed = address_hash(normalized, load_secret(settings))
    except InvalidAddress:
        return RequestResult(status=RequestStatus.INVALID_ADDRESS)
    conversation = _conversation_key(conversation_id)
    ts = utc_naive(now)

    existing = _find(session, conversation, hashed)
    if existing is not None:
        log.info("fuldmagt: request %s repeated, not sent again", existing.id)
        return _result(RequestStatus.DUPLICATE, normalized, existing)

    per_conversation = session.execute(
        select(func.count(FuldmagtRequest.id)).where(
            FuldmagtRequest.conversation_id == conversation
        )
    ).scalar_one()
    if per_conversation >= settings.fuldmagt_max_per_conversation:
        log.info("fuldmagt: conversation limit reached (%s requests)", per_conversation)
        return RequestResult(status=RequestStatus.LIMIT_CONVERSATION, address=normalized)
    per_address = session.execute(
        select(func.count(FuldmagtRequest.id)).where(
            FuldmagtRequest.address_hash == hashed,
            FuldmagtRequest.created_at > ts - timedelta(days=1),
        )
    ).scalar_one()
    if per_address >= settings.fuldmagt_max_per_address_per_day:
        log.info("fuldmagt: address limit reached (%s requests in 24 h)", per_address)
        return RequestResult(status=RequestStatus.LIMIT_ADDRESS, address=normalized)
    last_hour = session.execute(
        select(func.count(FuldmagtRequest.id)).where(
            FuldmagtRequest.created_at > ts - timedelta(hours=1)
        )
    ).scalar_one()
    if last_hour >= settings.fuldmagt_max_per_hour:
        log.warning("fuldmagt: global limit reached (%s requests in the last hour)", last_hour)
        return RequestResult(status=RequestStatus.LIMIT_GLOBAL, address=normalized)

    texts = texts or cached_texts(settings.content_dir / TEXTS_FILE)
    contact = contact or cached_contact(settings.content_dir / CONTACT_FILE)
    content = build_mail(texts, contact, now=now)
    mail = enqueue_mail(
        session,
        key=mail_key(conversation, hashed),
        to=normalized,
        subject=content.subject,
        text=content.text,
        html=content.html,
        attachments=[(content.filename, "application/pdf", content.pdf)],
        now=now,
    )
    inserted = insert_or_ignore(
        session,
        FuldmagtRequest.__table__,
        {
            "conversation_id": conversation,
            "address_hash": hashed,
            "outbox_mail_id": mail.id,
            "created_at": ts,
        },
    )
    row = _find(session, conversation, hashed)
    if row is None:  # pragma: no cover - the insert or a concurrent one made it
        raise RuntimeError("fuldmagt request vanished")
    if not inserted:
        log.info("fuldmagt: request %s made concurrently, not sent again", row.id)
        return _result(RequestStatus.DUPLICATE, normalized, row)
    log.info("fuldmagt: request %s queued as mail %s", row.id, mail.id)
    return _result(RequestStatus.QUEUED, normalized, row)
