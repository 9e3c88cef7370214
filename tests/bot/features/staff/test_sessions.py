"""Login, sessions, rate limit and lock-out (bot/features/staff/sessions.py)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.features.audit import log as audit
from bot.features.staff import accounts
from bot.features.staff.sessions import (
    ADDRESS_BLOCKED,
    LOCKED,
    WRONG,
    LoginPolicy,
    login,
    logout,
    purge_old,
    resolve,
    token_hash,
)
from bot.features.staff.tables import LoginAttempt, StaffSession
from bot.infra.db import session_scope
from tests.casedata import CHEAP_HASHER, NOW, PASSWORD, add_user

POLICY = LoginPolicy(
    idle=timedelta(minutes=30),
    lifetime=timedelta(hours=10),
    max_user_failures=3,
    max_address_failures=6,
    lockout=timedelta(minutes=15),
)


def attempt(s, name="mette", password=PASSWORD, *, at=NOW, address="10.0.0.1", previous=None):  # type: ignore[no-untyped-def]
    return login(
        s, name, password, address=address, now=at, policy=POLICY, previous_token=previous,
        hasher=CHEAP_HASHER,
    )  # fmt: skip


def test_login_starts_a_session_whose_token_is_stored_hashed(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver,admin")
        result = attempt(s)
        assert result.ok and result.user is not None and result.token
        assert result.user.roles == ("raadgiver", "admin")
        row = s.execute(select(StaffSession)).scalar_one()
        assert row.token_hash == token_hash(result.token) != result.token
        assert len(result.token) >= 40 and len(result.user.csrf_token) >= 40
        user = resolve(s, result.token, now=NOW + timedelta(minutes=5), policy=POLICY)
        assert user is not None and user.username == "mette"
        assert [x.action for x in audit.entries(s)][-1] == "login"


def test_wrong_passwords_and_unknown_names_fail_alike_and_keep_no_name(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        assert attempt(s, password="forkert-kode-123").reason == WRONG
        assert attempt(s, name="min-adgangskode-ved-en-fejl").reason == WRONG
        assert attempt(s, name="x" * 500).reason == WRONG
        assert attempt(s, password="").reason == WRONG
        stored = [
            (a.user_id is not None, a.success)
            for a in s.execute(select(LoginAttempt).order_by(LoginAttempt.id)).scalars()
        ]
        failures = [(x.user, x.action, x.detail) for x in audit.entries(s)][1:]
    assert stored == [(True, False), (False, False), (False, False), (True, False)]
    assert failures == [
        ("mette", "login-afvist", WRONG),
        ("(ukendt)", "login-afvist", WRONG),
        ("(ukendt)", "login-afvist", WRONG),
        ("mette", "login-afvist", WRONG),
    ]


def test_a_user_is_locked_after_the_failures_even_with_the_right_password(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        for i in range(3):
            attempt(s, password="forkert", at=NOW + timedelta(minutes=i), address=f"10.0.0.{i}")
        locked = attempt(s, at=NOW + timedelta(minutes=5), address="10.9.9.9")
        assert not locked.ok and locked.reason == LOCKED
        # The lock lasts the lockout time after the last failure, then the right password works.
        assert attempt(s, at=NOW + timedelta(minutes=19)).reason == LOCKED
        assert attempt(s, at=NOW + timedelta(minutes=35)).ok


def test_a_success_and_a_reset_start_the_count_again(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        attempt(s, password="forkert", address=None)
        attempt(s, password="forkert", address=None)
        assert attempt(s).ok
        attempt(s, password="forkert", address=None)
        attempt(s, password="forkert", address=None)
        assert attempt(s).ok  # 2 failures since the success: not locked
        for _ in range(3):
            attempt(s, password="forkert", at=NOW + timedelta(minutes=1), address=None)
        assert attempt(s, at=NOW + timedelta(minutes=2)).reason == LOCKED
        accounts.reset_password(s, "mette", "ny-kode-efter-laas", actor=audit.Actor.system(),
                                now=NOW + timedelta(minutes=3), hasher=CHEAP_HASHER)  # fmt: skip
        assert attempt(s, password="ny-kode-efter-laas", at=NOW + timedelta(minutes=4)).ok


def test_an_address_with_many_failures_is_refused_for_every_user(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        add_user(s, "anja", "raadgiver")
        for i in range(6):
            attempt(s, name=f"gaet{i}", password="forkert", at=NOW + timedelta(seconds=i))
        assert attempt(s, name="anja", at=NOW + timedelta(minutes=1)).reason == ADDRESS_BLOCKED
        assert attempt(s, name="anja", at=NOW + timedelta(minutes=1), address="10.0.0.2").ok
        assert attempt(s, name="mette", at=NOW + timedelta(minutes=40)).ok


def test_sessions_end_when_idle_too_long_or_too_old(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        idle = attempt(s).token
        old = attempt(s).token
        assert resolve(s, idle, now=NOW + timedelta(minutes=29), policy=POLICY) is not None
        assert resolve(s, idle, now=NOW + timedelta(minutes=60), policy=POLICY) is None
        # Idle for 31 minutes after the last use: ended, and stays ended.
        assert resolve(s, idle, now=NOW + timedelta(minutes=40), policy=POLICY) is None
        at = NOW
        for _ in range(20):  # used every 29 minutes: never idle, but 10 hours is the limit
            at += timedelta(minutes=29)
            alive = resolve(s, old, now=at, policy=POLICY) is not None
            assert alive == (at - NOW <= timedelta(hours=10))
        assert resolve(s, "", now=NOW, policy=POLICY) is None
        assert resolve(s, "x" * 5000, now=NOW, policy=POLICY) is None


def test_login_ends_the_session_the_browser_had(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        first = attempt(s).token
        second = attempt(s, previous=first).token
        assert second != first
        assert resolve(s, first, now=NOW, policy=POLICY) is None
        assert resolve(s, second, now=NOW, policy=POLICY) is not None
        logout(s, second, now=NOW)
        assert resolve(s, second, now=NOW, policy=POLICY) is None
        assert [x.action for x in audit.entries(s)][-1] == "logud"


def test_old_attempts_and_sessions_are_purged(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add_user(s, "mette", "raadgiver")
        attempt(s, at=NOW - timedelta(days=40))
        attempt(s, password="forkert", at=NOW - timedelta(days=31))
        attempt(s, at=NOW)
        assert purge_old(s, now=NOW, retention_days=30) == 3  # 2 attempts, 1 session
        assert len(list(s.execute(select(LoginAttempt)).scalars())) == 1
        assert len(list(s.execute(select(StaffSession)).scalars())) == 1
