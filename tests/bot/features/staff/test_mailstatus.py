"""The outbox as staff see it (bot/features/staff/mailstatus.py): kinds and states only."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from bot.features.staff import mailstatus
from bot.infra.db import session_scope
from bot.infra.outbox import FAILED, SENT, OutboxMail, enqueue_mail
from tests.casedata import NOW


def queue(s, key: str, at=NOW) -> int:  # type: ignore[no-untyped-def]
    return enqueue_mail(s, key=key, to="mette@example.dk", subject="Emne", text="Tekst", now=at).id


def test_counts_per_kind_and_state_and_the_mails_that_wait_or_fail(session_factory) -> None:  # type: ignore[no-untyped-def]
    with session_scope(session_factory) as s:
        sent = queue(s, "fuldmagt:abc")
        failed = queue(s, "booking:ABCDEF:bekraeftelse:0", NOW + timedelta(minutes=1))
        queue(s, "booking:ABCDEF:flyttet:1", NOW + timedelta(minutes=2))
        queue(s, "fuldmagt:def", NOW + timedelta(minutes=3))
        s.execute(update(OutboxMail).where(OutboxMail.id == sent).values(status=SENT))
        s.execute(
            update(OutboxMail)
            .where(OutboxMail.id == failed)
            .values(status=FAILED, attempts=15, last_error="550 mailbox unavailable")
        )
    with session_scope(session_factory) as s:
        status = mailstatus.status(s, tz="Europe/Copenhagen")
    assert status.counts == {
        "Fuldmagt": {"queued": 1, "sent": 1, "failed": 0},
        "Møde": {"queued": 1, "sent": 0, "failed": 1},
    }
    assert [(m.kind, m.status_label, m.attempts) for m in status.pending] == [
        ("Fuldmagt", "I kø", 0),
        ("Møde", "I kø", 0),
        ("Møde", "Fejlet", 15),
    ]
    assert status.pending[2].last_error == "550 mailbox unavailable"
    assert status.pending[2].next_attempt_at is None
    assert status.pending[0].created_at == NOW + timedelta(minutes=3)
    assert "mette@example.dk" not in repr(status)
