"""Staff accounts (bot/features/staff/accounts.py): rules, argon2id, audit, sessions ended."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.features.audit import log as audit
from bot.features.staff import accounts
from bot.features.staff.accounts import AccountError
from bot.features.staff.passwords import verify
from bot.features.staff.sessions import LoginPolicy, login, resolve
from bot.features.staff.tables import StaffUser
from bot.infra.db import session_scope
from tests.casedata import CHEAP_HASHER, NOW, PASSWORD, SETUP

ADMIN = audit.Actor(999, "admin")


def add(session, name="mette", roles="raadgiver", password=PASSWORD):  # type: ignore[no-untyped-def]
    return accounts.add_user(
        session, name, password, roles, actor=SETUP, now=NOW, hasher=CHEAP_HASHER
    )


def test_a_new_user_has_an_argon2id_hash_and_the_roles_in_order(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        info = add(s, "  Mette.H ", ["admin", "raadgiver"])
    assert info.username == "mette.h" and info.roles == ("raadgiver", "admin") and info.active
    assert info.role_labels == "Rådgiver, Administrator"
    with session_scope(session_factory) as s:
        user = s.execute(select(StaffUser)).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        assert verify(user.password_hash, PASSWORD, CHEAP_HASHER)
        assert not verify(user.password_hash, PASSWORD + "x", CHEAP_HASHER)
        lines = audit.entries(s)
    assert [(x.user, x.action, x.target, x.detail) for x in lines] == [
        ("test", "bruger-oprettet", "mette.h", "roller: raadgiver,admin")
    ]


@pytest.mark.parametrize(
    "name, roles, password, message",
    [
        ("m", "raadgiver", PASSWORD, "Brugernavnet skal have 2-50 tegn"),
        ("mette hansen", "raadgiver", PASSWORD, "Brugernavnet"),
        ("<script>", "raadgiver", PASSWORD, "Brugernavnet"),
        ("mette", "chef", PASSWORD, "Rollen skal være en eller flere af"),
        ("mette", "", PASSWORD, "Rollen"),
        ("mette", "raadgiver", "kort", "mindst 12 tegn"),
        ("mette", "raadgiver", "y" * 257, "højst have 256 tegn"),
        ("mettemettemette", "raadgiver", "mettemettemette", "ikke være brugernavnet"),
        ("mette", "raadgiver", " " * 14, "ikke kun være mellemrum"),
    ],
    ids=lambda v: v[:12] if isinstance(v, str) else v,
)
def test_refused_accounts_say_why_in_danish(
    session_factory, name, roles, password, message
) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        with pytest.raises(AccountError, match=message):
            add(s, name, roles, password)
        assert accounts.list_users(s) == []


def test_a_name_is_used_once(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add(s)
        with pytest.raises(AccountError, match="findes allerede"):
            add(s, "METTE")


def test_disable_and_reset_end_the_sessions_and_are_audited(session_factory) -> None:  # type: ignore[no-untyped-def]
    policy = LoginPolicy()
    with session_scope(session_factory) as s:
        add(s)
        first = login(s, "mette", PASSWORD, address="10.0.0.1", now=NOW, policy=policy,
                      hasher=CHEAP_HASHER)  # fmt: skip
        accounts.reset_password(s, "mette", "en-helt-ny-kode-99", actor=ADMIN, now=NOW,
                                hasher=CHEAP_HASHER)  # fmt: skip
        assert resolve(s, first.token, now=NOW, policy=policy) is None
        assert not login(s, "mette", PASSWORD, address=None, now=NOW, policy=policy,
                         hasher=CHEAP_HASHER).ok  # fmt: skip
        second = login(s, "mette", "en-helt-ny-kode-99", address=None, now=NOW, policy=policy,
                       hasher=CHEAP_HASHER)  # fmt: skip
        assert second.ok
        accounts.disable_user(s, "mette", actor=ADMIN, now=NOW)
        assert resolve(s, second.token, now=NOW, policy=policy) is None
        assert not login(s, "mette", "en-helt-ny-kode-99", address=None, now=NOW, policy=policy,
                         hasher=CHEAP_HASHER).ok  # fmt: skip
        assert [u.active for u in accounts.list_users(s)] == [False]
        actions = [(x.user, x.action, x.target) for x in audit.entries(s) if x.user == "admin"]
    assert actions == [
        ("admin", "adgangskode-nulstillet", "mette"),
        ("admin", "bruger-deaktiveret", "mette"),
    ]


def test_nobody_disables_themselves_and_unknown_users_are_named(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        me = add(s, "admin", "admin")
        with pytest.raises(AccountError, match="din egen bruger"):
            accounts.disable_user(s, "admin", actor=audit.Actor(me.id, "admin"), now=NOW)
        with pytest.raises(AccountError, match="ingen bruger med navnet 'lars'"):
            accounts.reset_password(s, "Lars", PASSWORD, actor=ADMIN, now=NOW)


def test_users_with_a_role_are_the_active_ones(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        add(s, "anja", "raadgiver")
        add(s, "karina", "raadgiver,admin")
        add(s, "trine", "traener")
        add(s, "gammel", "raadgiver")
        accounts.disable_user(s, "gammel", actor=ADMIN, now=NOW)
        names = [u.username for u in accounts.users_with_role(s, "raadgiver")]
    assert names == ["anja", "karina"]
