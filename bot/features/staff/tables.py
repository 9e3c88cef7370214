"""The staff tables (on ``bot.infra.db.Base``): users, sessions, login attempts.

- ``staff_user``: a local account; the password is kept only as an argon2id hash;
  ``roles`` is a comma-separated subset of ``raadgiver``, ``traener``, ``admin``.
- ``staff_session``: a server-side session. The browser holds a random token; the
  table holds only its SHA-256, so a copy of the database lets nobody log in.
- ``staff_login_attempt``: every login attempt (for the rate limit and lock-out);
  an attempt with an unknown user name keeps no name (it may be a mistyped password).

Datetimes are naive UTC, as in the other tables.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String

from bot.infra.db import Base

RAADGIVER = "raadgiver"
TRAENER = "traener"
ADMIN = "admin"
ROLES = (RAADGIVER, TRAENER, ADMIN)
ROLE_LABELS = {RAADGIVER: "Rådgiver", TRAENER: "Træner", ADMIN: "Administrator"}


class StaffUser(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "staff_user"

    id = Column(Integer, primary_key=True)
    username = Column(String(50), nullable=False, unique=True)
    roles = Column(String(100), nullable=False)
    password_hash = Column(String(300), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False)
    password_changed_at = Column(DateTime, nullable=False)
    # Failed logins before this time do not count towards the lock-out (set on reset).
    unlocked_at = Column(DateTime, nullable=True)
    last_login_at = Column(DateTime, nullable=True)

    @property
    def role_list(self) -> tuple[str, ...]:
        return tuple(r for r in (self.roles or "").split(",") if r)


class StaffSession(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "staff_session"

    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    user_id = Column(Integer, ForeignKey("staff_user.id"), nullable=False, index=True)
    # The synchronizer token every form of this session carries.
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    last_seen_at = Column(DateTime, nullable=False)
    ended_at = Column(DateTime, nullable=True)


class LoginAttempt(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "staff_login_attempt"
    __table_args__ = (
        Index("ix_staff_login_attempt_user", "user_id", "at"),
        Index("ix_staff_login_attempt_address", "address", "at"),
    )

    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False)
    user_id = Column(Integer, nullable=True)
    address = Column(String(64), nullable=True)
    success = Column(Boolean, nullable=False)
