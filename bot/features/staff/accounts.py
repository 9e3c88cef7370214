"""Staff accounts: add, list, disable, reset the password (the CLI and the users page).

Every change is written to the audit log in the caller's unit of work (nothing
here commits). Disabling a user or resetting a password ends the user's sessions.
Errors are ``AccountError`` with a Danish message for the person at the keyboard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, List, Sequence

from argon2 import PasswordHasher
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.features.staff.passwords import (
    DEFAULT_HASHER,
    PasswordRuleError,
    check_rules,
    hash_password,
)
from bot.features.staff.tables import ROLE_LABELS, ROLES, StaffSession, StaffUser
from bot.infra.outbox import utc_naive

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,49}\Z")


class AccountError(ValueError):
    """A refused account change; ``str()`` is Danish."""


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    roles: tuple[str, ...]
    active: bool
    created_at: datetime  # naive UTC
    last_login_at: datetime | None

    @property
    def role_labels(self) -> str:
        return ", ".join(ROLE_LABELS.get(r, r) for r in self.roles)

    @classmethod
    def of(cls, user: StaffUser) -> UserInfo:
        return cls(
            id=user.id,
            username=user.username,
            roles=user.role_list,
            active=bool(user.active),
            created_at=user.created_at,
            last_login_at=user.last_login_at,
        )


def normalize_username(name: str) -> str:
    return (name or "").strip().lower()


def check_username(name: str) -> str:
    username = normalize_username(name)
    if not USERNAME.match(username):
        raise AccountError(
            "Brugernavnet skal have 2-50 tegn: små bogstaver a-z, tal, punktum, "
            "bindestreg eller understreg, og begynde med et bogstav eller tal."
        )
    return username


def parse_roles(roles: str | Iterable[str]) -> tuple[str, ...]:
    """``"raadgiver,admin"`` or a list as the roles in a fixed order; AccountError if unknown."""
    items = roles.split(",") if isinstance(roles, str) else list(roles)
    wanted = {r.strip().lower() for r in items if r and r.strip()}
    unknown = wanted - set(ROLES)
    if unknown or not wanted:
        raise AccountError(f"Rollen skal være en eller flere af: {', '.join(ROLES)}.")
    return tuple(r for r in ROLES if r in wanted)


def find_user(session: Session, username: str) -> StaffUser | None:
    name = normalize_username(username)
    if not name:
        return None
    return session.execute(select(StaffUser).where(StaffUser.username == name)).scalar_one_or_none()


def _existing(session: Session, username: str) -> StaffUser:
    user = find_user(session, username)
    if user is None:
        raise AccountError(f"Der findes ingen bruger med navnet '{normalize_username(username)}'.")
    return user


def _password(password: str, username: str) -> str:
    try:
        return check_rules(password, username)
    except PasswordRuleError as exc:
        raise AccountError(str(exc)) from None


def end_sessions(session: Session, user_id: int, now: datetime) -> None:
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user_id, StaffSession.ended_at.is_(None))
        .values(ended_at=utc_naive(now))
        .execution_options(synchronize_session=False)
    )


def add_user(
    session: Session,
    username: str,
    password: str,
    roles: str | Sequence[str],
    *,
    actor: audit.Actor,
    now: datetime,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> UserInfo:
    name = check_username(username)
    role_list = parse_roles(roles)
    _password(password, name)
    if find_user(session, name) is not None:
        raise AccountError(f"Brugeren '{name}' findes allerede.")
    ts = utc_naive(now)
    user = StaffUser(
        username=name,
        roles=",".join(role_list),
        password_hash=hash_password(password, hasher),
        active=True,
        created_at=ts,
        password_changed_at=ts,
    )
    session.add(user)
    session.flush()
    audit.record(
        session, actor, audit.USER_ADD, now=now, target=name, detail="roller: " + user.roles
    )
    return UserInfo.of(user)


def list_users(session: Session) -> List[UserInfo]:
    rows = session.execute(select(StaffUser).order_by(StaffUser.username)).scalars()
    return [UserInfo.of(u) for u in rows]


def users_with_role(session: Session, role: str) -> List[UserInfo]:
    return [u for u in list_users(session) if u.active and role in u.roles]


def disable_user(session: Session, username: str, *, actor: audit.Actor, now: datetime) -> UserInfo:
    user = _existing(session, username)
    if actor.user_id is not None and actor.user_id == user.id:
        raise AccountError("Du kan ikke deaktivere din egen bruger.")
    user.active = False
    end_sessions(session, user.id, now)
    session.flush()
    audit.record(session, actor, audit.USER_DISABLE, now=now, target=user.username)
    return UserInfo.of(user)


def reset_password(
    session: Session,
    username: str,
    password: str,
    *,
    actor: audit.Actor,
    now: datetime,
    hasher: PasswordHasher = DEFAULT_HASHER,
) -> UserInfo:
    """A new password; ends the user's sessions and lifts a lock-out."""
    user = _existing(session, username)
    _password(password, user.username)
    ts = utc_naive(now)
    user.password_hash = hash_password(password, hasher)
    user.password_changed_at = ts
    user.unlocked_at = ts
    end_sessions(session, user.id, now)
    session.flush()
    audit.record(session, actor, audit.PASSWORD_RESET, now=now, target=user.username)
    return UserInfo.of(user)
