"""Book, find, cancel, move and purge meetings.

Nothing here commits: the caller's unit of work (``bot.infra.db.session_scope``)
does, and the confirmation mail is queued in the same transaction.

No double booking: ``book``, ``move`` and ``cancel`` first take the booking lock
(``lock_bookings``), held until the unit of work ends, and only then check that
the time is free and write the booking and its blocks (flushed). So of 20 people
asking for one slot at once, the first gets it and the others get ``SlotTaken``
with the free times nearest to it - on SQLite and PostgreSQL alike. The primary
key of ``booking_block`` still refuses any overlap that got past the lock (the
flush raises ``IntegrityError`` and the caller's unit of work rolls back).
Cancelling deletes the blocks (the slot is free again) and keeps the cancelled
booking until it is purged; moving replaces the blocks.

With a ``BookingPolicy`` (the actions always pass one) the abuse limits apply
(``guard``: per contact, per conversation, moves per booking, the reserve of each
day's times) and the mails follow ``mails.queue_mail`` (a mailbox that has not
confirmed gets a link only). Without one, nothing is limited and no mail is sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Dict
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.core.settings import Settings
from bot.features.booking.contact import (
    ContactInfo,
    clean_topic,
    new_reference,
    normalize_reference,
)
from bot.features.booking.errors import BookingNotChangeable, BookingNotFound
from bot.features.booking.guard import (
    BookingLink,
    BookingPolicy,
    add_link,
    check_move,
    check_new_booking,
    link_of,
)
from bot.features.booking.mails import (
    CANCELLED_MAIL,
    CONFIRMED_MAIL,
    FULL,
    LINK,
    MOVED_MAIL,
    mail_domain_of,
    queue_mail,
)
from bot.features.booking.office import OfficeTexts
from bot.features.booking.slots import SlotTaken, find_slot, load_calendar, offers_near
from bot.features.booking.tables import (
    ACTIVE,
    CANCELLED,
    DEFAULT_TZ,
    MEETING_TYPES,
    UTC,
    BookedBlock,
    Booking,
    BookingConfig,
    BookingInfo,
    blocks,
    from_db,
    to_db,
)
from bot.infra.recipients import is_confirmed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BookingRequest:
    start: datetime
    meeting_type: str
    topic: str
    name: str
    phone: str | None = None
    email: str | None = None
    request_key: str | None = None


def policy_terms(settings: Settings, *, conversation_id: str) -> Dict[str, Any]:
    """The arguments of ``book``, ``cancel`` and ``move`` that come from the settings and
    the conversation: the limits, the mail domain, who asks."""
    return {
        "policy": BookingPolicy.from_settings(settings),
        "mail_domain": mail_domain_of(settings.mail_from),
        "conversation_id": conversation_id,
    }


def lock_bookings(session: Session) -> None:
    """Let one unit of work at a time change bookings, until it commits or rolls back.

    A no-op UPDATE of the one ``booking_config`` row: a row lock on PostgreSQL,
    the database's write lock on SQLite. What the holder reads after it includes
    every booking committed before (READ COMMITTED / SQLite's one writer).
    """
    session.execute(
        update(BookingConfig)
        .where(BookingConfig.id == 1)
        .values(offer_count=BookingConfig.offer_count)
        .execution_options(synchronize_session=False)
    )


def is_changeable(status: str, start: datetime, now: datetime) -> bool:
    """Only an active booking whose meeting has not begun can be cancelled or moved."""
    return status == ACTIVE and start > now


def _find(session: Session, reference: str, contact: ContactInfo) -> Booking:
    ref = normalize_reference(reference)
    if not ref or contact.empty:
        raise BookingNotFound("reference or contact missing")
    booking = session.execute(select(Booking).where(Booking.reference == ref)).scalar_one_or_none()
    if booking is None:
        raise BookingNotFound("no such reference")
    phone_ok = bool(contact.phone) and contact.phone == booking.phone
    email_ok = (
        bool(contact.email) and (contact.email or "").lower() == (booking.email or "").lower()
    )
    if not (phone_ok or email_ok):
        raise BookingNotFound("contact does not match")
    return booking


def _changeable(session: Session, reference: str, contact: ContactInfo, now: datetime) -> Booking:
    booking = _find(session, reference, contact)
    if not is_changeable(booking.status, from_db(booking.starts_at, UTC), now):
        raise BookingNotChangeable(booking.status)
    return booking


def _done(
    session: Session,
    booking: Booking,
    mail: str,
    texts: OfficeTexts | None,
    now: datetime,
    tz: str,
    mail_domain: str,
    policy: BookingPolicy | None = None,
    conversation_id: str | None = None,
) -> BookingInfo:
    """The changed booking, flushed, with its mail queued."""
    session.flush()
    info = BookingInfo.of(session, booking, ZoneInfo(tz))
    origin = policy.conversation_hash(conversation_id) if policy is not None else None
    queued = queue_mail(session, info, mail, texts, now, mail_domain, policy, origin)
    return replace(info, mail_queued=queued == FULL, mail_link=queued == LINK)


def find_booking(
    session: Session, reference: str, contact: ContactInfo, *, tz: str = DEFAULT_TZ
) -> BookingInfo:
    """The booking with this reference whose phone or e-mail matches ``contact``."""
    return BookingInfo.of(session, _find(session, reference, contact), ZoneInfo(tz))


def book(
    session: Session, request: BookingRequest, *, now: datetime,
    texts: OfficeTexts | None = None, tz: str = DEFAULT_TZ, mail_domain: str = "aalborg.dk",
    policy: BookingPolicy | None = None, conversation_id: str | None = None,
) -> BookingInfo:  # fmt: skip
    """Book ``request.start`` with a free advisor (flushed; the caller commits).

    Raises ``SlotTaken`` (with alternatives) when the time is not bookable or was
    taken meanwhile, ``BookingLimit`` when a limit of ``policy`` refuses it; database
    errors propagate (the caller offers the phone). With an e-mail address, ``texts``
    and ``policy``, the confirmation (or the link to confirm the address first) is
    queued in the outbox in the same transaction.
    """
    zone = ZoneInfo(tz)
    if request.meeting_type not in MEETING_TYPES:
        raise ValueError("unknown meeting type")
    lock_bookings(session)
    if request.request_key:
        existing = session.execute(
            select(Booking).where(Booking.request_key == request.request_key)
        ).scalar_one_or_none()
        if existing is not None and existing.status == ACTIVE:
            return BookingInfo.of(session, existing, zone)
        if existing is not None:
            existing.request_key = None
            session.flush()
    cal = load_calendar(session, tz=tz, today=now.astimezone(zone).date())
    slot = find_slot(session, request.start, now=now, tz=tz, calendar=cal)
    if slot is None:
        raise SlotTaken(offers_near(session, request.start, now=now, tz=tz))
    hashes = {}
    confirmed = False
    if policy is not None:
        hashes = {
            "email_hash": policy.email_hash(request.email),
            "phone_hash": policy.phone_hash(request.phone),
            "conversation_hash": policy.conversation_hash(conversation_id),
        }
        email_hash = hashes["email_hash"]
        confirmed = email_hash is not None and is_confirmed(session, email_hash)
        check_new_booking(
            session, policy, **hashes, confirmed=confirmed, start=slot.start, calendar=cal,
            now=now,
        )  # fmt: skip
    advisor_id = slot.advisor_ids[0]
    start, end = to_db(slot.start), to_db(slot.end)
    booking = Booking(
        reference=new_reference(session),
        advisor_id=advisor_id,
        starts_at=start,
        ends_at=end,
        blocked_until=end + cal.buffer,
        meeting_type=request.meeting_type,
        topic=clean_topic(request.topic),
        name=request.name.strip()[:200],
        phone=request.phone,
        email=request.email,
        status=ACTIVE,
        sequence=0,
        request_key=request.request_key,
        created_at=to_db(now),
    )
    session.add(booking)
    session.flush()
    session.add_all(blocks(advisor_id, booking.id, start, end + cal.buffer))
    if policy is not None:
        add_link(session, booking.id, **hashes, confirmed=confirmed, now=now)
    info = _done(
        session, booking, CONFIRMED_MAIL, texts, now, tz, mail_domain, policy, conversation_id
    )
    log.info("booking: booked %s (advisor %s)", info.reference, advisor_id)
    return info


def cancel(
    session: Session, reference: str, contact: ContactInfo, *, now: datetime,
    texts: OfficeTexts | None = None, tz: str = DEFAULT_TZ, mail_domain: str = "aalborg.dk",
    policy: BookingPolicy | None = None, conversation_id: str | None = None,
) -> BookingInfo:  # fmt: skip
    """Cancel an active future booking (frees the slot); the caller commits."""
    lock_bookings(session)
    booking = _changeable(session, reference, contact, now)
    session.execute(delete(BookedBlock).where(BookedBlock.booking_id == booking.id))
    booking.status = CANCELLED
    booking.cancelled_at = to_db(now)
    booking.topic = ""  # not needed any more
    booking.request_key = None
    info = _done(
        session, booking, CANCELLED_MAIL, texts, now, tz, mail_domain, policy, conversation_id
    )
    log.info("booking: cancelled %s", info.reference)
    return info


def move(
    session: Session, reference: str, contact: ContactInfo, new_start: datetime, *,
    now: datetime, texts: OfficeTexts | None = None, tz: str = DEFAULT_TZ,
    mail_domain: str = "aalborg.dk", policy: BookingPolicy | None = None,
    conversation_id: str | None = None,
) -> BookingInfo:  # fmt: skip
    """Move an active future booking to ``new_start``; the caller commits.

    On ``SlotTaken`` nothing is changed: the booking keeps its old time. After
    ``policy.limits.max_moves`` moves (from any conversation): ``BookingLimit``.
    """
    zone = ZoneInfo(tz)
    lock_bookings(session)
    booking = _changeable(session, reference, contact, now)
    check_move(session, policy, booking.id)
    cal = load_calendar(session, tz=tz, today=now.astimezone(zone).date())
    slot = find_slot(
        session, new_start, now=now, tz=tz, exclude_booking_id=booking.id, calendar=cal
    )
    if slot is None:
        raise SlotTaken(
            offers_near(session, new_start, now=now, tz=tz, exclude_booking_id=booking.id)
        )
    # The same advisor when free, else the first free one.
    advisor_id = booking.advisor_id
    if advisor_id not in slot.advisor_ids:
        advisor_id = slot.advisor_ids[0]
    start, end = to_db(slot.start), to_db(slot.end)
    session.execute(delete(BookedBlock).where(BookedBlock.booking_id == booking.id))
    booking.advisor_id = advisor_id
    booking.starts_at = start
    booking.ends_at = end
    booking.blocked_until = end + cal.buffer
    booking.sequence = (booking.sequence or 0) + 1
    booking.request_key = None
    session.flush()
    session.add_all(blocks(advisor_id, booking.id, start, end + cal.buffer))
    link = link_of(session, booking.id)
    if link is not None:
        link.moves = (link.moves or 0) + 1
    info = _done(
        session, booking, MOVED_MAIL, texts, now, tz, mail_domain, policy, conversation_id
    )
    log.info("booking: moved %s", info.reference)
    return info


def purge_expired(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete bookings ``retention_days`` after the meeting (or the cancellation).

    The caller's unit of work commits (``bot.app.retention``)."""
    cutoff = to_db(now) - timedelta(days=retention_days)
    ids = [
        row[0]
        for row in session.execute(
            select(Booking.id).where(
                or_(
                    Booking.ends_at < cutoff,
                    (Booking.status == CANCELLED) & (Booking.cancelled_at < cutoff),
                )
            )
        )
    ]
    if ids:
        session.execute(delete(BookedBlock).where(BookedBlock.booking_id.in_(ids)))
        session.execute(delete(BookingLink).where(BookingLink.booking_id.in_(ids)))
        session.execute(delete(Booking).where(Booking.id.in_(ids)))
        log.info("booking: purged %d bookings", len(ids))
    return len(ids)


def count_active(session: Session) -> int:
    return int(
        session.execute(select(func.count(Booking.id)).where(Booking.status == ACTIVE)).scalar_one()
    )
