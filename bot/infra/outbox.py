"""The outbox for every e-mail the assistant sends (fuldmagt, booking confirmations).

A service writes the mail into the ``outbox_mail`` table in its own transaction
(``enqueue_mail``); the worker process (``run_worker``) delivers it later with
``deliver_due``. Nothing is lost when a process restarts, and a mail is
queued once per ``key`` (a unique constraint, not only a check).

Delivery:
- a worker claims a due row atomically (``UPDATE ... WHERE status='queued' AND
  lease expired``) before sending, so two workers never send the same row;
- on a temporary failure the row stays ``queued`` with ``attempts``,
  ``next_attempt_at`` (exponential backoff) and ``last_error`` (never personal
  data); after ``MAX_ATTEMPTS`` or a permanent refusal it becomes ``failed``;
- a worker that dies while sending leaves a lease that expires after
  ``LEASE_SECONDS``; the row is then retried (at-least-once at that boundary).

Privacy: the address, subject and body are cleared (``purge_personal_data``)
once a mail is older than ``settings.retention_days``; only counters and
timestamps remain. Logs name mails by id only.

Times are stored as naive UTC; functions accept aware datetimes (any zone) or
naive UTC.
"""

from __future__ import annotations

import logging
import re
import uuid
from datetime import datetime, timedelta, timezone
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime
from typing import Any, Dict, List, Sequence, Tuple
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.infra.db import Base
from bot.infra.mail import Mailer, MailError

log = logging.getLogger(__name__)

# Status values
QUEUED = "queued"
SENT = "sent"
FAILED = "failed"

# Retry policy: 30 s, 1 min, 2 min, ... capped at 1 h; about 8 hours in all.
MAX_ATTEMPTS = 15
BACKOFF_BASE_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 3600.0
# A claimed row is someone's for this long (longer than any SMTP timeout).
LEASE_SECONDS = 600.0
# Rows looked at per deliver_due call.
BATCH_SIZE = 50

MAX_KEY_LENGTH = 255
MAX_SUBJECT_LENGTH = 200
MAX_FILENAME_LENGTH = 150
MAX_MESSAGE_BYTES = 10 * 1024 * 1024

# Control characters (CR, LF, NUL, ...) and Unicode line breaks: never in a header.
_HEADER_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]")
_MIME_NAME = r"[a-z0-9][a-z0-9!#$&^_.+-]*"
# "type/subtype" with optional "; name=value" parameters (e.g. text/calendar; method=REQUEST)
_CONTENT_TYPE = re.compile(
    rf"^({_MIME_NAME})/({_MIME_NAME})((?: *; *{_MIME_NAME}=[a-z0-9._+-]+)*)$", re.IGNORECASE
)
_EMAIL_LIKE = re.compile(r"\S+@\S+")

Attachment = Tuple[str, str, bytes]  # (filename, content type, data)


class InvalidMail(ValueError):
    """The mail can't be queued: bad address, header injection, bad attachment."""


class OutboxMail(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "outbox_mail"
    __table_args__ = (
        UniqueConstraint("key", name="uq_outbox_mail_key"),
        UniqueConstraint("uid", name="uq_outbox_mail_uid"),
        Index("ix_outbox_mail_due", "status", "next_attempt_at"),
        Index("ix_outbox_mail_created", "created_at"),
    )

    id = Column(Integer, primary_key=True, autoincrement=True)
    # Idempotency key chosen by the caller, e.g. "fuldmagt:<hash>".
    key = Column(String(MAX_KEY_LENGTH), nullable=False)
    # Random id, used in the Message-ID (stable across retries).
    uid = Column(String(32), nullable=False, default=lambda: uuid.uuid4().hex)
    status = Column(String(16), nullable=False, default=QUEUED)
    # Personal data, cleared by purge_personal_data.
    to_addr = Column(String(320), nullable=True)
    subject = Column(Text, nullable=True)
    message = Column(LargeBinary, nullable=True)  # RFC 5322 bytes, without From/Date
    # Delivery bookkeeping (no personal data).
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False)
    lease_until = Column(DateTime, nullable=True)
    lease_token = Column(String(32), nullable=True)
    last_error = Column(String(500), nullable=True)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)
    sent_at = Column(DateTime, nullable=True)
    purged_at = Column(DateTime, nullable=True)

    def __repr__(self) -> str:  # no personal data
        return f"<OutboxMail id={self.id} status={self.status} attempts={self.attempts}>"


# ---------------------------------------------------------------- helpers


def utc_naive(now: datetime | None = None) -> datetime:
    """``now`` (aware in any zone, or naive UTC) as naive UTC; default: the clock."""
    if now is None:
        return datetime.now(timezone.utc).replace(tzinfo=None)
    if now.tzinfo is not None:
        return now.astimezone(timezone.utc).replace(tzinfo=None)
    return now


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the ``attempts``-th failed attempt (1-based)."""
    seconds = BACKOFF_BASE_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def validate_address(address: str) -> str:
    """The normalised address (ASCII form when possible), or ``InvalidMail``.

    No DNS look-ups: deliverability is not checked.
    """
    if not isinstance(address, str):
        raise InvalidMail("address must be a string")
    if _HEADER_FORBIDDEN.search(address):
        raise InvalidMail("control characters in address")
    candidate = address.strip()
    if not candidate or len(candidate) > 254:
        raise InvalidMail("address empty or too long")
    try:
        result = validate_email(candidate, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        raise InvalidMail("not a valid e-mail address") from None
    return str(result.ascii_email or result.normalized)


def _check_header(name: str, value: str, max_length: int) -> None:
    if not isinstance(value, str):
        raise InvalidMail(f"{name} must be a string")
    if _HEADER_FORBIDDEN.search(value):
        raise InvalidMail(f"control characters in {name}")
    if not value.strip() or len(value) > max_length:
        raise InvalidMail(f"{name} empty or too long")


def _check_attachment(attachment: Any) -> Attachment:
    try:
        filename, content_type, data = attachment
    except (TypeError, ValueError):
        raise InvalidMail("attachment must be (filename, content_type, data)") from None
    _check_header("attachment filename", filename, MAX_FILENAME_LENGTH)
    if any(c in filename for c in '/\\"'):
        raise InvalidMail('attachment filename contains / \\ or "')
    _check_header("attachment content type", content_type, 200)
    if not _CONTENT_TYPE.match(content_type.strip()):
        raise InvalidMail("attachment content type is not type/subtype[; name=value]")
    if not isinstance(data, (bytes, bytearray)):
        raise InvalidMail("attachment data must be bytes")
    return filename, content_type.strip(), bytes(data)


def _split_content_type(content_type: str) -> Tuple[str, str, Dict[str, str]]:
    match = _CONTENT_TYPE.match(content_type)
    assert match is not None  # checked by _check_attachment
    params: Dict[str, str] = {}
    for part in match.group(3).split(";"):
        if part.strip():
            name, value = part.strip().split("=", 1)
            params[name.lower()] = value
    return match.group(1).lower(), match.group(2).lower(), params


def _build_message(
    to: str, subject: str, text: str, html: str | None, attachments: Sequence[Attachment]
) -> bytes:
    msg = EmailMessage(policy=policy.default)
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(text, cte="quoted-printable")
    if html is not None:
        msg.add_alternative(html, subtype="html", cte="quoted-printable")
    for filename, content_type, data in attachments:
        maintype, subtype, params = _split_content_type(content_type)
        msg.add_attachment(
            data, maintype=maintype, subtype=subtype, filename=filename, params=params or None
        )
    return msg.as_bytes(policy=policy.default)


def insert_or_ignore(session: Session, table: Any, values: Dict[str, Any]) -> bool:
    """INSERT unless a unique constraint says the row exists; True if inserted.

    ``ON CONFLICT DO NOTHING`` on SQLite and PostgreSQL, so the caller's
    transaction survives a conflict (also one with a concurrent transaction).
    """
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as dialect_insert
        else:
            from sqlalchemy.dialects.sqlite import insert as dialect_insert
        stmt = dialect_insert(table).values(**values).on_conflict_do_nothing()
        result = session.execute(stmt)
        return bool(result.rowcount == 1)
    # Other databases: a savepoint around a plain INSERT.
    try:
        with session.begin_nested():
            session.execute(table.insert().values(**values))
        return True
    except IntegrityError:
        return False


# ---------------------------------------------------------------- public API


def enqueue_mail(
    session: Session,
    *,
    key: str,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    attachments: Sequence[Tuple[str, str, bytes]] = (),
    now: datetime | None = None,
) -> OutboxMail:
    """Queue a mail once per ``key``; a second call returns the existing row.

    Validates the address and refuses header injection (``InvalidMail``).
    ``attachments`` are ``(filename, content_type, data)``. The row is flushed,
    not committed: the caller's transaction decides (write it together with
    the caller's own rows). ``now`` defaults to the clock.
    """
    _check_header("key", key, MAX_KEY_LENGTH)
    address = validate_address(to)
    _check_header("subject", subject, MAX_SUBJECT_LENGTH)
    if not isinstance(text, str) or (html is not None and not isinstance(html, str)):
        raise InvalidMail("text and html must be strings")
    checked = [_check_attachment(a) for a in attachments]

    existing = session.execute(select(OutboxMail).where(OutboxMail.key == key)).scalar_one_or_none()
    if existing is not None:
        return existing

    data = _build_message(address, subject, text, html, checked)
    if len(data) > MAX_MESSAGE_BYTES:
        raise InvalidMail("message too large")
    ts = utc_naive(now)
    inserted = insert_or_ignore(
        session,
        OutboxMail.__table__,
        {
            "key": key,
            "uid": uuid.uuid4().hex,
            "status": QUEUED,
            "to_addr": address,
            "subject": subject,
            "message": data,
            "attempts": 0,
            "next_attempt_at": ts,
            "created_at": ts,
            "updated_at": ts,
        },
    )
    row = session.execute(select(OutboxMail).where(OutboxMail.key == key)).scalar_one()
    if inserted:
        log.info("outbox: queued mail %s", row.id)
    return row


def _domain_of(mailer: Mailer) -> str:
    sender = getattr(mailer, "mail_from", None)
    if isinstance(sender, str) and "@" in sender:
        return sender.rsplit("@", 1)[1].strip("> ") or "localhost"
    return "localhost"


def _safe_error(exc: BaseException) -> str:
    text = str(exc) if isinstance(exc, MailError) else type(exc).__name__
    return _EMAIL_LIKE.sub("<adresse>", text)[:500]


def _claim(session_factory: sessionmaker, mail_id: int, token: str, now: datetime) -> bool:
    with session_factory() as session:
        result = session.execute(
            update(OutboxMail)
            .where(
                OutboxMail.id == mail_id,
                OutboxMail.status == QUEUED,
                OutboxMail.next_attempt_at <= now,
                or_(OutboxMail.lease_until.is_(None), OutboxMail.lease_until <= now),
            )
            .values(
                lease_until=now + timedelta(seconds=LEASE_SECONDS),
                lease_token=token,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
        session.commit()
        return bool(result.rowcount == 1)


def deliver_due(
    session_factory: sessionmaker,
    mailer: Mailer,
    now: datetime | None = None,
    timezone_name: str = "Europe/Copenhagen",
) -> int:
    """Send the queued mails that are due; return how many were sent.

    Safe with several workers at once: each row is claimed with an atomic
    conditional UPDATE before it is sent. No database transaction is held open
    while talking to the mail server: claiming, and recording the result, are each
    a short transaction of their own (the delivery loop is the one place that
    commits step by step, by design).
    """
    ts = utc_naive(now)
    tz = ZoneInfo(timezone_name)
    with session_factory() as session:
        due: List[int] = list(
            session.execute(
                select(OutboxMail.id)
                .where(
                    OutboxMail.status == QUEUED,
                    OutboxMail.next_attempt_at <= ts,
                    or_(OutboxMail.lease_until.is_(None), OutboxMail.lease_until <= ts),
                )
                .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
                .limit(BATCH_SIZE)
            ).scalars()
        )
    sent = 0
    for mail_id in due:
        token = uuid.uuid4().hex
        if not _claim(session_factory, mail_id, token, ts):
            continue  # another worker has it
        with session_factory() as session:
            row = session.get(OutboxMail, mail_id)
            data = row.message if row is not None else None
            uid = row.uid if row is not None else token
            attempts = (row.attempts if row is not None else 0) + 1
        error: BaseException | None = None
        if data is None:
            error = MailError("message body missing (purged)", permanent=True)
        else:
            msg = BytesParser(policy=policy.default).parsebytes(bytes(data))
            assert isinstance(msg, EmailMessage)
            del msg["Date"]
            del msg["Message-ID"]
            msg["Date"] = format_datetime(ts.replace(tzinfo=timezone.utc).astimezone(tz))
            msg["Message-ID"] = f"<{uid}@{_domain_of(mailer)}>"
            try:
                mailer.send(msg)
            except Exception as exc:  # any failure is recorded, never crashes the worker
                error = exc
        with session_factory() as session:
            if error is None:
                session.execute(
                    update(OutboxMail)
                    .where(OutboxMail.id == mail_id)
                    .values(
                        status=SENT,
                        attempts=attempts,
                        sent_at=ts,
                        updated_at=ts,
                        lease_until=None,
                        lease_token=None,
                        last_error=None,
                    )
                    .execution_options(synchronize_session=False)
                )
                session.commit()
                sent += 1
                log.info("outbox: sent mail %s (attempt %s)", mail_id, attempts)
                continue
            permanent = isinstance(error, MailError) and error.permanent
            give_up = permanent or attempts >= MAX_ATTEMPTS
            session.execute(
                update(OutboxMail)
                .where(OutboxMail.id == mail_id, OutboxMail.lease_token == token)
                .values(
                    status=FAILED if give_up else QUEUED,
                    attempts=attempts,
                    next_attempt_at=ts + retry_delay(attempts),
                    updated_at=ts,
                    lease_until=None,
                    lease_token=None,
                    last_error=_safe_error(error),
                )
                .execution_options(synchronize_session=False)
            )
            session.commit()
            if give_up:
                log.warning(
                    "outbox: mail %s failed for good after %s attempts: %s",
                    mail_id,
                    attempts,
                    _safe_error(error),
                )
            else:
                log.info(
                    "outbox: mail %s attempt %s failed (%s), retry in %s",
                    mail_id,
                    attempts,
                    _safe_error(error),
                    retry_delay(attempts),
                )
    return sent


def purge_personal_data(session: Session, retention_days: int, now: datetime | None = None) -> int:
    """Clear address, subject and body of mails older than ``retention_days``.

    A mail still queued that old is given up (``failed``). The key is replaced
    too (it may be derived from personal data). Returns the number of outbox rows
    purged. The caller's unit of work commits (see ``bot.app.retention``).
    """
    ts = utc_naive(now)
    cutoff = ts - timedelta(days=retention_days)
    session.execute(
        update(OutboxMail)
        .where(OutboxMail.created_at < cutoff, OutboxMail.status == QUEUED)
        .values(status=FAILED, last_error="expired", updated_at=ts, lease_until=None)
        .execution_options(synchronize_session=False)
    )
    ids = list(
        session.execute(
            select(OutboxMail.id).where(
                OutboxMail.created_at < cutoff, OutboxMail.purged_at.is_(None)
            )
        ).scalars()
    )
    for mail_id in ids:
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id)
            .values(
                key=f"purged:{mail_id}",
                to_addr=None,
                subject=None,
                message=None,
                purged_at=ts,
                updated_at=ts,
            )
            .execution_options(synchronize_session=False)
        )
    if ids:
        log.info("outbox: purged personal data of %s mails", len(ids))
    return len(ids)
