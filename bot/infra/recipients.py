"""Who the assistant mails: one canonical form per mailbox, its keyed hash, whether the
mailbox has confirmed, and how many mails went where (the abuse limits).

- ``canonical_address``: ``Victim+7@G.Mail.com`` and ``victim@gmail.com`` are one
  mailbox (case, ``+tags`` everywhere, dots and ``googlemail.com`` at Gmail);
- ``keyed_hash``: HMAC-SHA256 with the secret (``settings.hash_secret``, else a random
  one kept in ``var/hash_secret``, mode 0600): a copy of the database alone does not
  tell whether an address, a phone number or a conversation id is in it;
- ``Recipient``: a mailbox that clicked its confirmation link (only its hash is kept);
  a mail to a mailbox that has not confirmed carries no citizen-written text;
- ``MailSent``: one row per queued mail (recipient hash, origin = hashed conversation),
  counted by ``quota_problem`` per recipient and day, per origin and per hour overall.

Nothing here commits: the caller's unit of work does.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    delete,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from bot.core.settings import Settings
from bot.infra.db import Base
from bot.infra.outbox import InvalidMail, utc_naive, validate_address

log = logging.getLogger(__name__)

SECRET_FILE = "hash_secret"  # noqa: S105 - a file name
HASH_LENGTH = 64
TOKEN_BYTES = 24
# A confirmation link is good for this long; a new one is mailed at most once a day.
CONFIRM_LINK_DAYS = 7
CONFIRM_RESEND_HOURS = 24
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}


# ---------------------------------------------------------------- addresses and hashes


def canonical_address(address: str) -> str:
    """The one form of a mailbox, for limits and hashes (never for sending).

    ``InvalidMail`` when it is no address. Lower case, ``+tag`` removed (sub-addressing
    at Gmail, Outlook, iCloud, Fastmail, Proton...), and at Gmail the dots too.
    Merging two real mailboxes by mistake only makes a limit stricter.
    """
    normalized = validate_address(unicodedata.normalize("NFKC", address))
    local, _, domain = normalized.rpartition("@")
    local, domain = local.casefold(), domain.casefold().rstrip(".")
    local = local.split("+", 1)[0] or local
    if domain in GMAIL_DOMAINS:
        local, domain = local.replace(".", "") or local, "gmail.com"
    return f"{local}@{domain}"


def keyed_hash(secret: bytes, value: str, *, purpose: str) -> str:
    """HMAC-SHA256 (hex) of ``value``; ``purpose`` keeps the kinds of value apart."""
    message = f"{purpose}\0{value}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def address_key(secret: bytes, address: str) -> str:
    """The keyed hash of a mailbox (``InvalidMail`` when it is no address)."""
    return keyed_hash(secret, canonical_address(address), purpose="mail")


def conversation_key(secret: bytes, conversation_id: str) -> str:
    return keyed_hash(secret, conversation_id, purpose="conversation")


def load_secret(settings: Settings) -> bytes:
    """``settings.hash_secret``, or the random secret in ``var/hash_secret`` (created
    with mode 0600 on first use; the folder 0700)."""
    if settings.hash_secret:
        return settings.hash_secret.encode("utf-8")
    return _file_secret(Path(settings.var_dir) / SECRET_FILE)


def _file_secret(path: Path) -> bytes:
    try:
        return _read_secret(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_hex(32).encode("ascii")
    # Written in full under a private name, then linked into place: a process that
    # loses the race reads the winner's complete secret, never a half-written file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(value)
        fh.flush()
        os.fsync(fh.fileno())
    try:
        os.link(tmp, path)
    except FileExistsError:  # another process made it first
        return _read_secret(path)
    finally:
        tmp.unlink()
    log.info("recipients: generated a new hash secret in %s", path.name)
    return value


def _read_secret(path: Path) -> bytes:
    value = path.read_bytes().strip()
    if len(value) < 32:
        raise ValueError(f"{path.name}: the hash secret is too short (at least 32 characters)")
    return value


# ---------------------------------------------------------------- tables


class Recipient(Base):  # type: ignore[valid-type,misc]
    """A mailbox the assistant has mailed a confirmation link to (hashes only)."""

    __tablename__ = "mail_recipient"

    address_hash = Column(String(HASH_LENGTH), primary_key=True)
    # SHA-256 of the newest confirmation token (the token itself is only in the mail).
    token_hash = Column(String(HASH_LENGTH), nullable=True, unique=True)
    token_created_at = Column(DateTime, nullable=True)
    confirmed_at = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False)


class MailSent(Base):  # type: ignore[valid-type,misc]
    """One queued mail, for the limits: to whom (hash), caused by which conversation."""

    __tablename__ = "mail_sent"
    __table_args__ = (
        Index("ix_mail_sent_recipient_created", "recipient_hash", "created_at"),
        Index("ix_mail_sent_origin", "origin_hash"),
        Index("ix_mail_sent_created", "created_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    outbox_mail_id = Column(
        Integer, ForeignKey("outbox_mail.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(40), nullable=False)  # e.g. "booking", "bekraeft"
    recipient_hash = Column(String(HASH_LENGTH), nullable=False)
    origin_hash = Column(String(HASH_LENGTH), nullable=True)
    created_at = Column(DateTime, nullable=False)


# ---------------------------------------------------------------- limits


@dataclass(frozen=True)
class MailLimits:
    per_recipient_per_day: int
    per_origin: int
    per_hour: int


def quota_problem(
    session: Session,
    *,
    recipient: str,
    origin: str | None,
    now: datetime,
    limits: MailLimits,
    kinds: tuple[str, ...],
) -> str | None:
    """Which limit one more mail of ``kinds`` would pass ("recipient", "origin", "hour"),
    or None. Every mail queued so far counts, sent or not."""
    ts = utc_naive(now)
    rows = select(func.count(MailSent.id)).where(MailSent.kind.in_(kinds))
    day = rows.where(
        MailSent.recipient_hash == recipient, MailSent.created_at > ts - timedelta(days=1)
    )
    if session.execute(day).scalar_one() >= limits.per_recipient_per_day:
        return "recipient"
    if origin is not None:
        mine = rows.where(MailSent.origin_hash == origin)
        if session.execute(mine).scalar_one() >= limits.per_origin:
            return "origin"
    hour = rows.where(MailSent.created_at > ts - timedelta(hours=1))
    if session.execute(hour).scalar_one() >= limits.per_hour:
        return "hour"
    return None


def record_mail(
    session: Session,
    *,
    mail_id: int,
    kind: str,
    recipient: str,
    origin: str | None,
    now: datetime,
) -> None:
    session.add(
        MailSent(
            outbox_mail_id=mail_id,
            kind=kind,
            recipient_hash=recipient,
            origin_hash=origin,
            created_at=utc_naive(now),
        )
    )
    session.flush()


def forget_origin(session: Session, origin: str) -> int:
    """Unlink the mails a conversation caused ("Slet min samtale")."""
    result = session.execute(
        update(MailSent)
        .where(MailSent.origin_hash == origin)
        .values(origin_hash=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)


def purge_mail_records(session: Session, cutoff: datetime) -> int:
    """Delete the counting rows and the mailboxes (confirmed or not) older than ``cutoff``;
    run by ``bot.app.retention``."""
    ts = utc_naive(cutoff)
    sent = session.execute(
        delete(MailSent)
        .where(MailSent.created_at < ts)
        .execution_options(synchronize_session=False)
    )
    stale = session.execute(  # a mailbox confirms again after that
        delete(Recipient)
        .where(
            Recipient.created_at < ts,
            or_(Recipient.confirmed_at.is_(None), Recipient.confirmed_at < ts),
        )
        .execution_options(synchronize_session=False)
    )
    return int(sent.rowcount or 0) + int(stale.rowcount or 0)


# ---------------------------------------------------------------- confirmation


def is_confirmed(session: Session, recipient: str) -> bool:
    row = session.get(Recipient, recipient)
    return row is not None and row.confirmed_at is not None


def new_confirmation_token(session: Session, recipient: str, now: datetime) -> str | None:
    """A fresh confirmation token for the mailbox, or None when one was made less than
    ``CONFIRM_RESEND_HOURS`` ago (that link still works: no second mail)."""
    ts = utc_naive(now)
    row = session.get(Recipient, recipient)
    if row is None:
        row = Recipient(address_hash=recipient, created_at=ts)
        session.add(row)
    elif row.token_created_at is not None and row.token_created_at > ts - timedelta(
        hours=CONFIRM_RESEND_HOURS
    ):
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    row.token_hash = _token_hash(token)
    row.token_created_at = ts
    session.flush()
    return token


def _valid(session: Session, token: str, now: datetime) -> Recipient | None:
    if not isinstance(token, str) or not 16 <= len(token) <= 100:
        return None
    row = session.execute(
        select(Recipient).where(Recipient.token_hash == _token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.token_created_at is None:
        return None
    if row.token_created_at < utc_naive(now) - timedelta(days=CONFIRM_LINK_DAYS):
        return None
    return row


def token_works(session: Session, token: str, now: datetime) -> bool:
    """Whether the link still works (nothing is changed)."""
    return _valid(session, token, now) is not None


def confirm_token(session: Session, token: str, now: datetime) -> str | None:
    """Mark the mailbox of ``token`` confirmed; its hash, or None for an unknown or
    expired token. Confirming twice is fine (the same hash again)."""
    ts = utc_naive(now)
    row = _valid(session, token, now)
    if row is None:
        return None
    if row.confirmed_at is None:
        row.confirmed_at = ts
        session.flush()
        log.info("recipients: a mailbox confirmed its address")
    return str(row.address_hash)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


__all__ = [
    "InvalidMail", "MailLimits", "MailSent", "Recipient", "address_key", "canonical_address",
    "confirm_token", "conversation_key", "forget_origin", "is_confirmed", "keyed_hash",
    "load_secret", "new_confirmation_token", "purge_mail_records", "quota_problem", "record_mail",
    "token_works",
]  # fmt: skip
