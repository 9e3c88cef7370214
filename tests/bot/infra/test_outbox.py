"""The generic outbox (bot/infra/outbox.py) on SQLite and PostgreSQL, with a real SMTP server."""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator, List

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select, update

from bot.app.worker import run_worker
from bot.core.settings import Settings
from bot.infra import outbox
from bot.infra.db import make_engine, make_session_factory, session_scope
from bot.infra.mail import FileMailer, MailError, SmtpMailer
from bot.infra.outbox import (
    FAILED,
    QUEUED,
    SENT,
    InvalidMail,
    OutboxMail,
    deliver_due,
    enqueue_mail,
    purge_personal_data,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=timezone.utc)
FROM = "borgerraadgivning@aalborg.dk"


# ---------------------------------------------------------------- SMTP server


class Recorder:
    def __init__(self) -> None:
        self.messages: List[EmailMessage] = []
        self.envelopes: List[tuple] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd API)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailer(self) -> SmtpMailer:
        return SmtpMailer("127.0.0.1", self.port, security="none", mail_from=FROM, timeout=5)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_down() -> Iterator[SmtpServer]:
    server = SmtpServer()  # not started: connections are refused
    yield server
    server.stop()


def queue(session_factory, key: str = "k1", to: str = "borger@eksempel.dk", **kw) -> int:
    with session_scope(session_factory) as session:
        row = enqueue_mail(
            session,
            key=key,
            to=to,
            subject=kw.pop("subject", "Din fuldmagt – Borgerrådgivningen"),
            text=kw.pop("text", "Hej\n\nHer er blanketten. Æ ø å."),
            now=kw.pop("now", T0),
            **kw,
        )
        return int(row.id)


def get(session_factory, mail_id: int) -> OutboxMail:
    with session_factory() as session:
        row = session.get(OutboxMail, mail_id)
        assert row is not None
        return row


def count(session_factory) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count(OutboxMail.id))).scalar_one())


# ---------------------------------------------------------------- tests


def test_mail_is_delivered_once_over_smtp(session_factory, smtp: SmtpServer) -> None:
    mail_id = queue(
        session_factory,
        html="<p>Hej – æøå</p>",
        attachments=[("fuldmagt.pdf", "application/pdf", b"%PDF-1.4 test")],
    )
    assert get(session_factory, mail_id).status == QUEUED

    assert deliver_due(session_factory, smtp.mailer(), now=T0) == 1
    assert deliver_due(session_factory, smtp.mailer(), now=T0 + timedelta(hours=1)) == 0

    assert len(smtp.recorder.messages) == 1
    assert smtp.recorder.envelopes == [(FROM, ["borger@eksempel.dk"])]
    msg = smtp.recorder.messages[0]
    assert msg["To"] == "borger@eksempel.dk"
    assert msg["From"] == FROM
    assert msg["Subject"] == "Din fuldmagt – Borgerrådgivningen"
    assert msg["Message-ID"].endswith("@aalborg.dk>")
    assert msg["Date"]
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and "Æ ø å" in body.get_content()
    html = msg.get_body(preferencelist=("html",))
    assert html is not None and "æøå" in html.get_content()
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "fuldmagt.pdf"
    assert att.get_content_type() == "application/pdf"
    assert att.get_content() == b"%PDF-1.4 test"

    row = get(session_factory, mail_id)
    assert (row.status, row.attempts, row.last_error) == (SENT, 1, None)
    assert row.sent_at == T0.replace(tzinfo=None)
    assert row.lease_until is None


def test_same_key_queues_one_mail(session_factory, smtp: SmtpServer) -> None:
    first = queue(session_factory, key="booking:42")
    second = queue(session_factory, key="booking:42", text="another text")
    assert first == second
    assert count(session_factory) == 1
    assert deliver_due(session_factory, smtp.mailer(), now=T0) == 1
    # Repeating after sending does not send again either.
    assert queue(session_factory, key="booking:42") == first
    assert deliver_due(session_factory, smtp.mailer(), now=T0 + timedelta(days=1)) == 0
    assert len(smtp.recorder.messages) == 1


def test_same_key_in_two_concurrent_transactions(session_factory) -> None:
    """Both transactions insert before either commits: the unique key holds."""
    s1 = session_factory()
    row1 = enqueue_mail(s1, key="dup", to="a@eksempel.dk", subject="S", text="t", now=T0)
    result: dict = {}

    def other() -> None:
        with session_scope(session_factory) as s2:
            row = enqueue_mail(s2, key="dup", to="a@eksempel.dk", subject="S", text="t2", now=T0)
            result["id"] = row.id

    thread = threading.Thread(target=other)
    thread.start()
    time.sleep(0.3)  # the other transaction now waits for ours
    s1.commit()
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert result["id"] == row1.id
    s1.close()
    assert count(session_factory) == 1


@pytest.mark.parametrize(
    "field, value",
    [
        ("to", "borger@eksempel.dk\r\nBcc: alle@eksempel.dk"),
        ("to", "borger@eksempel.dk\nBcc: alle@eksempel.dk"),
        ("to", "borger@eksempel.dk\x00"),
        ("subject", "Fuldmagt\r\nBcc: alle@eksempel.dk"),
        ("subject", "Fuldmagt\nX-Injected: 1"),
        ("subject", "Fuldmagt\u2028X-Injected: 1"),
        ("key", "k\r\nX: y"),
    ],
)
def test_header_injection_is_refused(session_factory, field: str, value: str) -> None:
    args = {"key": "k", "to": "borger@eksempel.dk", "subject": "Fuldmagt", "text": "t"}
    args[field] = value
    with session_scope(session_factory) as session, pytest.raises(InvalidMail):
        enqueue_mail(session, **args)
    assert count(session_factory) == 0


@pytest.mark.parametrize(
    "attachment",
    [
        ("fuldmagt.pdf\r\nX-Injected: 1", "application/pdf", b"x"),
        ("fuldmagt.pdf", "application/pdf\r\nX-Injected: 1", b"x"),
        ("moede.ics", "text/calendar;\r\n method=REQUEST", b"x"),
        ("moede.ics", 'text/calendar; method="a\r\nb"', b"x"),
        ("../fuldmagt.pdf", "application/pdf", b"x"),
        ("fuldmagt.pdf", "pdf", b"x"),
        ("fuldmagt.pdf", "application/pdf", "not bytes"),
    ],
)
def test_bad_attachments_are_refused(session_factory, attachment: tuple) -> None:
    with session_scope(session_factory) as session, pytest.raises(InvalidMail):
        enqueue_mail(
            session, key="k", to="a@eksempel.dk", subject="S", text="t", attachments=[attachment]
        )
    assert count(session_factory) == 0


def test_content_type_parameters_are_kept(session_factory, smtp: SmtpServer) -> None:
    queue(
        session_factory,
        attachments=[("moede.ics", "text/calendar; method=REQUEST", b"BEGIN:VCALENDAR\r\n")],
    )
    assert deliver_due(session_factory, smtp.mailer(), now=T0) == 1
    (att,) = list(smtp.recorder.messages[0].iter_attachments())
    assert att.get_content_type() == "text/calendar"
    assert att.get_param("method") == "REQUEST"
    assert att.get_filename() == "moede.ics"


@pytest.mark.parametrize(
    "address",
    [
        "",
        "   ",
        "borger",
        "borger@",
        "@eksempel.dk",
        "borger@@eksempel.dk",
        "bor ger@eksempel.dk",
        "borger@eksempel",
        "a@eksempel.dk, b@eksempel.dk",
        "Borger <borger@eksempel.dk>",
        "borger@localhost",
        '"quoted"@eksempel.dk',
        "x" * 250 + "@eksempel.dk",
    ],
)
def test_invalid_addresses_are_refused(session_factory, address: str) -> None:
    with session_scope(session_factory) as session, pytest.raises(InvalidMail):
        enqueue_mail(session, key="k", to=address, subject="S", text="t")
    assert count(session_factory) == 0


def test_address_is_normalised(session_factory) -> None:
    mail_id = queue(session_factory, to="  Borger@Eksempel.DK ")
    assert get(session_factory, mail_id).to_addr == "Borger@eksempel.dk"


def test_server_down_stays_queued_and_is_delivered_later(
    session_factory, smtp_down: SmtpServer
) -> None:
    mail_id = queue(session_factory)
    mailer = smtp_down.mailer()

    assert deliver_due(session_factory, mailer, now=T0) == 0
    row = get(session_factory, mail_id)
    assert (row.status, row.attempts) == (QUEUED, 1)
    assert row.next_attempt_at == (T0 + timedelta(seconds=30)).replace(tzinfo=None)
    assert row.last_error == "SMTP connection failed (ConnectionRefusedError)"
    assert row.lease_until is None

    # Not due yet: no new attempt.
    assert deliver_due(session_factory, mailer, now=T0 + timedelta(seconds=10)) == 0
    assert get(session_factory, mail_id).attempts == 1

    assert deliver_due(session_factory, mailer, now=T0 + timedelta(seconds=30)) == 0
    row = get(session_factory, mail_id)
    assert (row.status, row.attempts) == (QUEUED, 2)
    assert row.next_attempt_at == (T0 + timedelta(seconds=90)).replace(tzinfo=None)

    smtp_down.start()
    assert deliver_due(session_factory, mailer, now=T0 + timedelta(seconds=90)) == 1
    row = get(session_factory, mail_id)
    assert (row.status, row.attempts, row.last_error) == (SENT, 3, None)
    assert len(smtp_down.recorder.messages) == 1


class FailingMailer:
    mail_from = FROM

    def __init__(self, permanent: bool = False) -> None:
        self.permanent = permanent
        self.calls = 0

    def send(self, msg: EmailMessage) -> None:
        self.calls += 1
        raise MailError(f"refused {msg['To']}", permanent=self.permanent)


def test_backoff_grows_and_gives_up(session_factory, monkeypatch) -> None:
    monkeypatch.setattr(outbox, "MAX_ATTEMPTS", 5)
    mail_id = queue(session_factory)
    mailer = FailingMailer()
    now = T0
    delays = []
    for _ in range(5):
        assert deliver_due(session_factory, mailer, now=now) == 0
        row = get(session_factory, mail_id)
        delays.append((row.next_attempt_at - now.replace(tzinfo=None)).total_seconds())
        now = row.next_attempt_at.replace(tzinfo=timezone.utc)
    assert delays == [30, 60, 120, 240, 480]
    row = get(session_factory, mail_id)
    assert (row.status, row.attempts) == (FAILED, 5)
    # The error text is kept, the address in it is not.
    assert row.last_error == "refused <adresse>"
    assert deliver_due(session_factory, mailer, now=now + timedelta(days=1)) == 0
    assert mailer.calls == 5


def test_backoff_is_capped() -> None:
    assert outbox.retry_delay(1) == timedelta(seconds=30)
    assert outbox.retry_delay(8) == timedelta(seconds=3600)
    assert outbox.retry_delay(14) == timedelta(seconds=3600)


def test_permanent_error_fails_at_once(session_factory) -> None:
    mail_id = queue(session_factory)
    assert deliver_due(session_factory, FailingMailer(permanent=True), now=T0) == 0
    row = get(session_factory, mail_id)
    assert (row.status, row.attempts) == (FAILED, 1)


def test_unexpected_exception_is_recorded_without_text(session_factory) -> None:
    class Broken:
        def send(self, msg: EmailMessage) -> None:
            raise RuntimeError(f"boom {msg['To']}")

    mail_id = queue(session_factory)
    assert deliver_due(session_factory, Broken(), now=T0) == 0
    row = get(session_factory, mail_id)
    assert (row.status, row.attempts, row.last_error) == (QUEUED, 1, "RuntimeError")


class SlowCountingMailer:
    mail_from = FROM

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.to: List[str] = []

    def send(self, msg: EmailMessage) -> None:
        time.sleep(0.02)
        with self.lock:
            self.to.append(str(msg["To"]))


def test_two_workers_do_not_double_send(session_factory) -> None:
    for i in range(12):
        queue(session_factory, key=f"k{i}", to=f"borger{i}@eksempel.dk")
    mailer = SlowCountingMailer()
    barrier = threading.Barrier(2)
    results: List[int] = []
    errors: List[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            results.append(deliver_due(session_factory, mailer, now=T0))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sum(results) == 12
    assert sorted(mailer.to) == sorted(f"borger{i}@eksempel.dk" for i in range(12))
    with session_factory() as session:
        statuses = session.execute(select(OutboxMail.status, OutboxMail.attempts)).all()
    assert sorted(statuses) == [(SENT, 1)] * 12


def test_claimed_row_of_a_dead_worker_is_retried_after_the_lease(session_factory) -> None:
    mail_id = queue(session_factory)
    with session_scope(session_factory) as session:  # a worker claimed it, then died
        session.execute(
            update(OutboxMail)
            .where(OutboxMail.id == mail_id)
            .values(lease_until=(T0 + timedelta(minutes=10)).replace(tzinfo=None), lease_token="x")
        )
    mailer = SlowCountingMailer()
    assert deliver_due(session_factory, mailer, now=T0 + timedelta(minutes=5)) == 0
    assert deliver_due(session_factory, mailer, now=T0 + timedelta(minutes=10)) == 1
    assert mailer.to == ["borger@eksempel.dk"]


def test_queued_mail_survives_a_restart(db_url: str, engine) -> None:
    factory = make_session_factory(engine)
    mail_id = queue(factory)
    engine.dispose()  # "restart": new engine, new sessions
    new_engine = make_engine(db_url)
    try:
        mailer = SlowCountingMailer()
        assert deliver_due(make_session_factory(new_engine), mailer, now=T0) == 1
        assert get(make_session_factory(new_engine), mail_id).status == SENT
    finally:
        new_engine.dispose()


def test_purge_clears_personal_data_after_retention(session_factory) -> None:
    old = queue(session_factory, key="old", now=T0 - timedelta(days=31))
    assert deliver_due(session_factory, SlowCountingMailer(), now=T0 - timedelta(days=31)) == 1
    stuck = queue(session_factory, key="stuck", now=T0 - timedelta(days=40))  # never sent
    new = queue(session_factory, key="new", now=T0 - timedelta(days=29))
    with session_scope(session_factory) as session:
        assert purge_personal_data(session, 30, now=T0) == 2
    for mail_id in (old, stuck):
        row = get(session_factory, mail_id)
        assert (row.to_addr, row.subject, row.message) == (None, None, None)
        assert row.key == f"purged:{mail_id}"
        assert row.purged_at == T0.replace(tzinfo=None)
    assert get(session_factory, old).status == SENT
    assert get(session_factory, stuck).status == FAILED
    kept = get(session_factory, new)
    assert kept.to_addr == "borger@eksempel.dk" and kept.message
    with session_scope(session_factory) as session:
        assert purge_personal_data(session, 30, now=T0) == 0


def test_run_worker_delivers_into_the_outbox_dir(db_url: str, engine, tmp_path: Path) -> None:
    settings = Settings(database_url=db_url, outbox_dir=tmp_path / "outbox", smtp_host=None)
    mail_id = queue(make_session_factory(engine), now=datetime.now(timezone.utc))
    stop = threading.Event()
    thread = threading.Thread(target=run_worker, args=(settings, stop, 0.05))
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not list((tmp_path / "outbox").glob("*.eml")):
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=20)
    assert not thread.is_alive()
    (eml,) = list((tmp_path / "outbox").glob("*.eml"))
    msg = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert msg["To"] == "borger@eksempel.dk"
    assert msg["From"] == settings.mail_from
    assert get(make_session_factory(engine), mail_id).status == SENT


def test_file_mailer_via_deliver_due(session_factory, tmp_path: Path) -> None:
    queue(session_factory)
    mailer = FileMailer(tmp_path, mail_from=FROM)
    assert deliver_due(session_factory, mailer, now=T0) == 1
    assert mailer.last_path is not None and mailer.last_path.exists()
