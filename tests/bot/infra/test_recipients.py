"""Canonical mailboxes, keyed hashes, the secret file, confirmation tokens and the mail
limits (bot/infra/recipients.py); the tables on SQLite and PostgreSQL."""

from __future__ import annotations

import stat
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.core.settings import Settings
from bot.infra.db import session_scope
from bot.infra.outbox import InvalidMail, enqueue_mail
from bot.infra.recipients import (
    MailLimits,
    MailSent,
    Recipient,
    address_key,
    canonical_address,
    confirm_token,
    is_confirmed,
    keyed_hash,
    load_secret,
    new_confirmation_token,
    purge_mail_records,
    quota_problem,
    record_mail,
    token_works,
)

NOW = datetime(2025, 11, 26, 10, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
SECRET = b"s" * 40


@pytest.mark.parametrize(
    "variant, canonical",
    [
        ("Victim@Gmail.com", "victim@gmail.com"),
        ("victim+1@gmail.com", "victim@gmail.com"),
        ("v.i.c.t.i.m+bank@googlemail.com", "victim@gmail.com"),
        ("  Karen.Hansen+fuldmagt@Eksempel.DK ", "karen.hansen@eksempel.dk"),
        ("karen.hansen@eksempel.dk", "karen.hansen@eksempel.dk"),  # dots count outside Gmail
        ("ｋａｒｅｎ@eksempel.dk", "karen@eksempel.dk"),  # full-width letters (NFKC)
    ],
)
def test_canonical_address(variant: str, canonical: str) -> None:
    assert canonical_address(variant) == canonical


@pytest.mark.parametrize("bad", ["", "ingen-snabel-a", "a@b", "a@b.dk\nBcc: x@y.dk"])
def test_not_an_address(bad: str) -> None:
    with pytest.raises(InvalidMail):
        canonical_address(bad)


def test_keyed_hashes_depend_on_the_secret_and_the_purpose() -> None:
    assert address_key(SECRET, "victim+7@gmail.com") == address_key(SECRET, "VICTIM@gmail.com")
    assert address_key(SECRET, "a@b.dk") != address_key(b"t" * 40, "a@b.dk")
    assert keyed_hash(SECRET, "12345678", purpose="phone") != keyed_hash(
        SECRET, "12345678", purpose="conversation"
    )


def test_the_secret_is_made_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path / "var")
    first = load_secret(settings)
    path = tmp_path / "var" / "hash_secret"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert len(first) == 64 and load_secret(settings) == first
    assert load_secret(settings.copy(update={"hash_secret": "x" * 40})) == b"x" * 40
    path.write_text("kort")
    with pytest.raises(ValueError, match="too short"):
        load_secret(settings)


def test_processes_racing_for_a_new_secret_all_read_the_same_one(tmp_path: Path) -> None:
    """The loser of the race reads the winner's whole secret, never an empty file."""
    for round_ in range(20):
        settings = Settings(var_dir=tmp_path / f"var{round_}")
        barrier = threading.Barrier(6)
        found: list[bytes | BaseException] = []

        def load() -> None:
            barrier.wait()
            try:
                found.append(load_secret(settings))
            except BaseException as exc:  # reported below
                found.append(exc)

        threads = [threading.Thread(target=load) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert len(set(found)) == 1 and isinstance(found[0], bytes), found
        assert sorted(p.name for p in (tmp_path / f"var{round_}").iterdir()) == ["hash_secret"]


def test_confirmation_token_lifecycle(session_factory) -> None:  # type: ignore[no-untyped-def]
    mailbox = address_key(SECRET, "mette@example.dk")
    with session_scope(session_factory) as session:
        token = new_confirmation_token(session, mailbox, NOW)
        assert token is not None
        # Within a day no second token (and so no second mail); the first still works.
        assert new_confirmation_token(session, mailbox, NOW + timedelta(hours=23)) is None
        assert token_works(session, token, NOW + timedelta(days=6))
        assert not is_confirmed(session, mailbox)
        assert confirm_token(session, "x" * 30, NOW) is None
        assert confirm_token(session, token, NOW + timedelta(hours=1)) == mailbox
        assert is_confirmed(session, mailbox)
        assert confirm_token(session, token, NOW + timedelta(hours=2)) == mailbox
        stored = session.get(Recipient, mailbox)
        assert stored is not None and token not in (stored.token_hash or "")
    with session_scope(session_factory) as session:
        other = address_key(SECRET, "anden@example.dk")
        late = new_confirmation_token(session, other, NOW)
        assert late is not None
        assert not token_works(session, late, NOW + timedelta(days=8))
        assert confirm_token(session, late, NOW + timedelta(days=8)) is None


def test_quota_per_recipient_origin_and_hour(session_factory) -> None:  # type: ignore[no-untyped-def]
    limits = MailLimits(per_recipient_per_day=2, per_origin=3, per_hour=4)
    kinds = ("booking",)

    def queue(session, n: int, to: str, origin: str, at: datetime) -> None:  # type: ignore[no-untyped-def]
        mail = enqueue_mail(session, key=f"test:{n}", to=to, subject="Emne", text="x", now=at)
        recipient = address_key(SECRET, to)
        record_mail(session, mail_id=mail.id, kind="booking", recipient=recipient, origin=origin,
                    now=at)  # fmt: skip

    def problem(session, to: str, origin: str, at: datetime = NOW):  # type: ignore[no-untyped-def]
        return quota_problem(
            session, recipient=address_key(SECRET, to), origin=origin, now=at, limits=limits,
            kinds=kinds,
        )  # fmt: skip

    with session_scope(session_factory) as session:
        queue(session, 1, "a@example.dk", "o1", NOW)
        queue(session, 2, "a+x@example.dk", "o2", NOW)
        assert problem(session, "A@example.dk", "o3") == "recipient"
        assert problem(session, "a@example.dk", "o3", NOW + timedelta(days=1, minutes=1)) is None
        queue(session, 3, "b@example.dk", "o1", NOW)
        queue(session, 4, "c@example.dk", "o1", NOW)
        assert problem(session, "d@example.dk", "o1") == "origin"
        assert problem(session, "d@example.dk", "o9") == "hour"
        assert problem(session, "d@example.dk", "o9", NOW + timedelta(minutes=61)) is None
        assert quota_problem(
            session, recipient=address_key(SECRET, "d@example.dk"), origin="o9", now=NOW,
            limits=limits, kinds=("bekraeft",),
        ) is None  # fmt: skip  # other kinds are counted apart


def test_purge(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as session:
        mail = enqueue_mail(session, key="k", to="a@example.dk", subject="S", text="x", now=NOW)
        record_mail(session, mail_id=mail.id, kind="booking", recipient="r", origin=None, now=NOW)
        token = new_confirmation_token(session, "r", NOW)
        assert token is not None and confirm_token(session, token, NOW)
        new_confirmation_token(session, "ny", NOW + timedelta(days=20))
    with session_scope(session_factory) as session:
        assert purge_mail_records(session, NOW + timedelta(days=10)) == 2
    with session_factory() as session:
        assert session.execute(select(func.count(MailSent.id))).scalar_one() == 0
        assert [r.address_hash for r in session.execute(select(Recipient)).scalars()] == ["ny"]
