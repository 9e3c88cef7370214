"""Logging in and out, server-side sessions, the rate limit and the lock-out.

- ``login`` checks the password (argon2id) and, when it is right, starts a new
  session with a new random token: the session id is always renewed at login, and a
  session the browser presented before is ended (no session fixation).
- A user is locked for ``lockout`` after ``max_user_failures`` failed logins within
  ``lockout`` (failures before the last success or password reset do not count); an
  address is refused while it has ``max_address_failures`` failures within ``lockout``.
  While locked, even the right password is refused, every answer looks the same, and
  each attempt counts as a failure (a guessing robot keeps the lock on).
- ``resolve`` gives the user of a token while the session is alive: not ended, not
  idle for longer than ``idle``, younger than ``lifetime``, the user still active.

Every login, failed or not, is written to the audit log and to ``staff_login_attempt``.
Nothing here commits.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.features.staff.accounts import find_user
from bot.features.staff.passwords import (
    DEFAULT_HASHER,
    MAX_LENGTH,
    hash_password,
    needs_rehash,
    verify,
    verify_nothing,
)
from bot.features.staff.tables import LoginAttempt, StaffSession, StaffUser
from bot.infra.outbox import utc_naive

log = logging.getLogger(__name__)

UNKNOWN_USER = "(ukendt)"

# Why a login failed (kept in the audit detail; the person sees one message for all).
WRONG = "forkert"
LOCKED = "laast"
ADDRESS_BLOCKED = "adresse-spaerret"


@dataclass(frozen=True)
class LoginPolicy:
    idle: timedelta = timedelta(minutes=30)
    lifetime: timedelta = timedelta(hours=10)
    max_user_failures: int = 5
    max_address_failures: int = 20
    lockout: timedelta = timedelta(minutes=15)

    @classmethod
    def from_settings(cls, settings: Any) -> LoginPolicy:
        return cls(
            idle=timedelta(minutes=settings.portal_idle_minutes),
            lifetime=timedelta(hours=settings.portal_session_hours),
            max_user_failures=settings.portal_max_failures_per_user,
            max_address_failures=settings.portal_max_failures_per_address,
            lockout=timedelta(minutes=settings.portal_lockout_minutes),
        )


@dataclass(frozen=True)
class SessionUser:
    """The logged-in user of one request."""

    session_id: int
    user_id: int
    username: str
    roles: tuple[str, ...]
    csrf_token: str

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.user_id, self.username)

    def has(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    token: str | None = None
    user: SessionUser | None = None
    reason: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _failures(session: Session, column: Any, value: Any, since: datetime) -> int:
    return int(
        session.execute(
            select(func.count(LoginAttempt.id)).where(
                column == value, LoginAttempt.success.is_(False), LoginAttempt.at > since
            )
        ).scalar_one()
    )


def _user_locked(session: Session, user: StaffUser, ts: datetime, policy: LoginPolicy) -> bool:
    """Locked until ``lockout`` after a failure that made ``max_user_failures`` within
    ``lockout`` (failures before the last success or password reset do not count)."""
    last_ok = session.execute(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.user_id == user.id, LoginAttempt.success.is_(True)
        )
    ).scalar_one()
    since = max(d for d in (last_ok, user.unlocked_at, ts - 2 * policy.lockout) if d is not None)
    times = list(
        session.execute(
            select(LoginAttempt.at)
            .where(
                LoginAttempt.user_id == user.id,
                LoginAttempt.success.is_(False),
                LoginAttempt.at > since,
            )
            .order_by(LoginAttempt.at)
        ).scalars()
    )
    n = policy.max_user_failures
    for i in range(n - 1, len(times)):
        burst_ends = times[i]
        if burst_ends - times[i - n + 1] < policy.lockout and ts < burst_ends + policy.lockout:
            return True
    return False


def _address_blocked(session: Session, address: str, ts: datetime, policy: LoginPolicy) -> bool:
    since = ts - policy.lockout
    return _failures(session, LoginAttempt.address, address, since) >= policy.max_address_failures


def _start(session: Session, user: StaffUser, ts: datetime) -> tuple[str, StaffSession]:
    token = secrets.token_urlsafe(32)
    row = StaffSession(
        token_hash=token_hash(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=ts,
        last_seen_at=ts,
    )
    session.add(row)
    session.flush()
    return token, row


def end_session(session: Session, token: str | None, now: datetime) -> SessionUser | None:
    """End the session of ``token`` (if any); the user it belonged to."""
    if not token:
        return None
    row = session.execute(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    row.ended_at = utc_naive(now)
    user = session.get(StaffUser, row.user_id)
    session.flush()
    if user is None:
        return None
    return SessionUser(row.id, user.id, user.username, user.role_list, row.csrf_token)


def login(
    session: Session,
    username: str,
    password: str,
    *,
    address: str | None,
    now: datetime,
    policy: LoginPolicy,
    previous_token: str | None = None,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> LoginResult:
    """Check the password and start a new session (see the module docstring)."""
    ts = utc_naive(now)
    address = (address or "")[:64] or None
    end_session(session, previous_token, now)  # whatever the browser had is over
    user = find_user(session, username) if len(username or "") <= 100 else None
    password = password or ""
    reason: str | None = None
    if address and _address_blocked(session, address, ts, policy):
        reason = ADDRESS_BLOCKED
    elif user is not None and user.active and _user_locked(session, user, ts, policy):
        reason = LOCKED
    elif user is None or not user.active or len(password) > MAX_LENGTH:
        verify_nothing(password, hasher)
        reason = WRONG
    elif not verify(user.password_hash, password, hasher):
        reason = WRONG
    user_id = user.id if user is not None else None
    session.add(LoginAttempt(at=ts, user_id=user_id, address=address, success=reason is None))
    if reason is not None or user is None:
        name = user.username if user is not None else UNKNOWN_USER
        actor = audit.Actor(user.id if user is not None else None, name)
        audit.record(session, actor, audit.LOGIN_FAILED, now=now, detail=reason or WRONG)
        log.info("portal: login refused (%s)", reason)
        return LoginResult(ok=False, reason=reason or WRONG)
    if needs_rehash(user.password_hash, hasher):
        user.password_hash = hash_password(password, hasher)
    user.last_login_at = ts
    token, row = _start(session, user, ts)
    audit.record(session, audit.Actor(user.id, user.username), audit.LOGIN, now=now)
    log.info("portal: user %s logged in", user.id)
    return LoginResult(
        ok=True,
        token=token,
        user=SessionUser(row.id, user.id, user.username, user.role_list, row.csrf_token),
    )


def resolve(
    session: Session, token: str | None, *, now: datetime, policy: LoginPolicy
) -> SessionUser | None:
    """The user of a live session (and mark it used), or None."""
    if not token or len(token) > 200:
        return None
    ts = utc_naive(now)
    row = session.execute(
        select(StaffSession).where(StaffSession.token_hash == token_hash(token))
    ).scalar_one_or_none()
    if row is None or row.ended_at is not None:
        return None
    user = session.get(StaffUser, row.user_id)
    expired = ts - row.last_seen_at > policy.idle or ts - row.created_at > policy.lifetime
    if user is None or not user.active or expired:
        row.ended_at = ts
        session.flush()
        return None
    row.last_seen_at = ts
    session.flush()
    return SessionUser(row.id, user.id, user.username, user.role_list, row.csrf_token)


def logout(session: Session, token: str | None, *, now: datetime) -> None:
    user = end_session(session, token, now)
    if user is not None:
        audit.record(session, user.actor, audit.LOGOUT, now=now)


def purge_old(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete login attempts and ended or expired sessions older than ``retention_days``."""
    cutoff = utc_naive(now) - timedelta(days=retention_days)
    attempts = session.execute(delete(LoginAttempt).where(LoginAttempt.at < cutoff))
    sessions = session.execute(delete(StaffSession).where(StaffSession.last_seen_at < cutoff))
    return int(attempts.rowcount or 0) + int(sessions.rowcount or 0)
