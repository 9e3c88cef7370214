"""The fuldmagt service (bot/features/fuldmagt/) on SQLite and PostgreSQL.

Mails go through the real outbox to a real SMTP server (aiosmtpd on localhost).
"""

from __future__ import annotations

import io
import logging
import socket
import threading
from datetime import datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator, List
from zoneinfo import ZoneInfo

import pytest
import yaml
from aiosmtpd.controller import Controller
from pypdf import PdfReader
from sqlalchemy import func, select, text

from bot.app.retention import run_policy
from bot.core.content import ContentError
from bot.core.settings import ROOT, Settings
from bot.features.contact import load_contact
from bot.features.fuldmagt.service import (
    FuldmagtRequest,
    FuldmagtTexts,
    RequestStatus,
    address_hash,
    build_mail,
    delete_for_conversation,
    extract_address,
    load_texts,
    request_fuldmagt,
)
from bot.infra.db import session_scope
from bot.infra.mail import SmtpMailer
from bot.infra.outbox import FAILED, OutboxMail, deliver_due
from bot.infra.recipients import load_secret

CPH = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2025, 3, 3, 10, 0, tzinfo=CPH)
FROM = "borgerraadgivning@aalborg.dk"
ADDRESS = "karen.hansen@eksempel.dk"


# ---------------------------------------------------------------- helpers


class Recorder:
    def __init__(self) -> None:
        self.messages: List[EmailMessage] = []
        self.rcpt: List[List[str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.rcpt.append(list(envelope.rcpt_tos))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


class Smtp:
    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = int(s.getsockname()[1])
        self.recorder = Recorder()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def mailer(self) -> SmtpMailer:
        return SmtpMailer("127.0.0.1", self.port, security="none", mail_from=FROM, timeout=5)


@pytest.fixture
def smtp() -> Iterator[Smtp]:
    server = Smtp()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # The real office data files, a throw-away var dir.
    return Settings(var_dir=tmp_path, content_dir=ROOT / "content")


def ask(
    session_factory,
    settings: Settings,
    address: str = ADDRESS,
    conversation="samtale-1",
    now: datetime = NOW,
):
    with session_scope(session_factory) as session:
        return request_fuldmagt(
            session, conversation_id=conversation, address=address, settings=settings, now=now
        )


def count(session_factory, model) -> int:
    with session_factory() as session:
        return int(session.execute(select(func.count(model.id))).scalar_one())


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


# ---------------------------------------------------------------- end to end


def test_fuldmagt_arrives_once_with_a_readable_pdf(session_factory, settings, smtp) -> None:
    result = ask(session_factory, settings, address="  Karen.Hansen@Eksempel.DK ")
    assert result.status is RequestStatus.QUEUED
    assert result.address == "Karen.Hansen@eksempel.dk"
    assert result.mail_status == "queued"

    assert deliver_due(session_factory, smtp.mailer, now=NOW) == 1
    assert deliver_due(session_factory, smtp.mailer, now=NOW + timedelta(hours=2)) == 0
    assert smtp.recorder.rcpt == [["Karen.Hansen@eksempel.dk"]]
    (msg,) = smtp.recorder.messages

    assert (
        msg["Subject"] == "Fuldmagt til partsrepræsentation – Borgerrådgivningen, Aalborg Kommune"
    )
    assert msg["From"] == FROM
    plain = msg.get_body(preferencelist=("plain",))
    html = msg.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    plain_text, html_text = plain.get_content(), html.get_content()
    for body in (plain_text, html_text):
        assert "Fuldmagt til partsrepræsentation" in body
        assert "Boulevarden 13, 1. sal, 9000 Aalborg" in body
        assert "99 31 16 18" in body
        assert "Karen" not in body  # the mail is the same for everyone
    assert html_text.startswith("<!DOCTYPE html>")
    assert '<html lang="da">' in html_text

    (attachment,) = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "fuldmagt-til-partsrepraesentation.pdf"
    data = attachment.get_content()
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata is not None
    assert reader.metadata.title == "Fuldmagt til partsrepræsentation"
    content = pdf_text(data)
    for expected in [
        "Fuldmagt til partsrepræsentation",
        "Jeg, der giver fuldmagten",
        "CPR-nummer",
        "Giver fuldmagt til (partsrepræsentant)",
        "Telefon",
        "E-mail",
        "Fuldmagten gælder",
        "Hvad må partsrepræsentanten?",
        "ved møder",
        "Dato",
        "Underskrift – Den, der giver fuldmagten",
        "Underskrift – Partsrepræsentanten",
        "Send den underskrevne fuldmagt til",
        "Borgerrådgivningen, Aalborg Kommune",
        "Boulevarden 13, 1. sal, 9000 Aalborg",
        "forvaltningslovens § 8",
    ]:
        assert expected in content, expected
    for letter in "æøå":
        assert letter in content
    assert "?" not in content.replace("Hvad må partsrepræsentanten?", "")

    with session_factory() as session:
        row = session.execute(select(FuldmagtRequest)).scalar_one()
        assert (row.status, row.attempts) == ("sent", 1)
        assert row.sent_at == NOW.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)


def test_smtp_down_keeps_the_request_queued_until_it_is_back(session_factory, settings) -> None:
    server = Smtp()  # not started yet
    try:
        result = ask(session_factory, settings)
        assert result.status is RequestStatus.QUEUED
        assert deliver_due(session_factory, server.mailer, now=NOW) == 0
        with session_factory() as session:
            row = session.execute(select(FuldmagtRequest)).scalar_one()
            assert (row.status, row.attempts) == ("queued", 1)
        server.start()
        assert deliver_due(session_factory, server.mailer, now=NOW + timedelta(minutes=1)) == 1
        assert len(server.recorder.messages) == 1
        with session_factory() as session:
            assert session.execute(select(FuldmagtRequest)).scalar_one().status == "sent"
    finally:
        server.stop()


def test_repeated_request_is_sent_once(session_factory, settings, smtp) -> None:
    first = ask(session_factory, settings)
    again = ask(session_factory, settings, address=ADDRESS.upper())
    assert first.status is RequestStatus.QUEUED
    assert again.status is RequestStatus.DUPLICATE
    assert again.request_id == first.request_id and again.mail_id == first.mail_id
    assert deliver_due(session_factory, smtp.mailer, now=NOW) == 1
    # After sending, too.
    later = ask(session_factory, settings, now=NOW + timedelta(minutes=5))
    assert later.status is RequestStatus.DUPLICATE and later.mail_status == "sent"
    assert deliver_due(session_factory, smtp.mailer, now=NOW + timedelta(hours=1)) == 0
    assert len(smtp.recorder.messages) == 1
    assert count(session_factory, OutboxMail) == 1
    assert count(session_factory, FuldmagtRequest) == 1


def test_double_click_in_two_transactions_sends_once(session_factory, settings, smtp) -> None:
    barrier = threading.Barrier(4)
    results: list = []
    errors: list = []

    def click() -> None:
        try:
            barrier.wait()
            results.append(ask(session_factory, settings).status)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=click) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == sorted([RequestStatus.QUEUED] + [RequestStatus.DUPLICATE] * 3)
    assert count(session_factory, FuldmagtRequest) == 1
    assert count(session_factory, OutboxMail) == 1
    assert deliver_due(session_factory, smtp.mailer, now=NOW) == 1
    assert len(smtp.recorder.messages) == 1


def test_unique_constraint_holds_without_the_check(session_factory, settings) -> None:
    ask(session_factory, settings)
    with session_factory() as session:
        row = session.execute(select(FuldmagtRequest)).scalar_one()
        values = {
            "c": row.conversation_id,
            "h": row.address_hash,
            "m": row.outbox_mail_id,
            "t": row.created_at,
        }
    with pytest.raises(Exception) as err, session_scope(session_factory) as session:
        session.execute(
            text(
                "INSERT INTO fuldmagt_request (conversation_id, address_hash, outbox_mail_id,"
                " created_at) VALUES (:c, :h, :m, :t)"
            ),
            values,
        )
    assert "unique" in str(err.value).lower()


@pytest.mark.parametrize(
    "address",
    [
        "",
        "karen",
        "karen@",
        "karen@eksempel",
        "karen hansen@eksempel.dk",
        "karen@eksempel.dk\r\nBcc: alle@eksempel.dk",
        "karen@eksempel.dk\nBcc: alle@eksempel.dk",
        "a@eksempel.dk b@eksempel.dk",
        "Karen <karen@eksempel.dk>",
    ],
)
def test_invalid_addresses_are_refused(session_factory, settings, address: str) -> None:
    result = ask(session_factory, settings, address=address)
    assert result.status is RequestStatus.INVALID_ADDRESS
    assert not result.accepted
    assert count(session_factory, FuldmagtRequest) == 0
    assert count(session_factory, OutboxMail) == 0


def test_limit_per_conversation(session_factory, settings) -> None:
    settings = settings.copy(update={"fuldmagt_max_per_conversation": 2})
    assert ask(session_factory, settings, "a@eksempel.dk").status is RequestStatus.QUEUED
    assert ask(session_factory, settings, "b@eksempel.dk").status is RequestStatus.QUEUED
    result = ask(session_factory, settings, "c@eksempel.dk")
    assert result.status is RequestStatus.LIMIT_CONVERSATION and result.rate_limited
    # A repeat of an accepted address is still answered (and not sent again).
    assert ask(session_factory, settings, "a@eksempel.dk").status is RequestStatus.DUPLICATE
    # Another conversation is not limited by this one.
    other = ask(session_factory, settings, "c@eksempel.dk", conversation="samtale-2")
    assert other.status is RequestStatus.QUEUED
    assert count(session_factory, OutboxMail) == 3


def test_limit_per_address_per_day(session_factory, settings) -> None:
    assert settings.fuldmagt_max_per_address_per_day == 3
    for i in range(3):
        result = ask(session_factory, settings, conversation=f"s{i}", now=NOW + timedelta(hours=i))
        assert result.status is RequestStatus.QUEUED
    limited = ask(session_factory, settings, conversation="s3", now=NOW + timedelta(hours=5))
    assert limited.status is RequestStatus.LIMIT_ADDRESS
    # Different spelling of the same address counts as the same address.
    assert (
        ask(
            session_factory,
            settings,
            ADDRESS.upper(),
            conversation="s4",
            now=NOW + timedelta(hours=6),
        ).status
        is RequestStatus.LIMIT_ADDRESS
    )
    # Another address is fine.
    assert (
        ask(
            session_factory,
            settings,
            "anden@eksempel.dk",
            conversation="s3",
            now=NOW + timedelta(hours=6),
        ).status
        is RequestStatus.QUEUED
    )
    # 24 hours after the first request, one more is allowed.
    again = ask(
        session_factory, settings, conversation="s5", now=NOW + timedelta(hours=24, minutes=1)
    )
    assert again.status is RequestStatus.QUEUED
    assert count(session_factory, OutboxMail) == 5


def test_limits_are_configurable(session_factory, settings) -> None:
    settings = settings.copy(update={"fuldmagt_max_per_address_per_day": 1})
    assert ask(session_factory, settings, conversation="s1").status is RequestStatus.QUEUED
    assert ask(session_factory, settings, conversation="s2").status is RequestStatus.LIMIT_ADDRESS


@pytest.mark.parametrize(
    "variant",
    [
        "karen.hansen+1@eksempel.dk",
        "Karen.Hansen+fuldmagt@EKSEMPEL.dk",
        "KAREN.HANSEN@eksempel.dk",
    ],
)
def test_sub_addresses_and_case_count_as_one_mailbox(session_factory, settings, variant) -> None:
    settings = settings.copy(update={"fuldmagt_max_per_address_per_day": 1})
    assert ask(session_factory, settings, conversation="s1").status is RequestStatus.QUEUED
    limited = ask(session_factory, settings, variant, conversation="s2")
    assert limited.status is RequestStatus.LIMIT_ADDRESS


def test_gmail_dots_plus_tags_and_googlemail_are_one_mailbox(session_factory, settings) -> None:
    assert settings.fuldmagt_max_per_address_per_day == 3
    variants = ["victim+1@gmail.com", "v.i.c.t.i.m@gmail.com", "Victim+2@googlemail.com"]
    for i, address in enumerate(variants):
        assert ask(session_factory, settings, address, conversation=f"s{i}").accepted
    limited = ask(session_factory, settings, "victim+3@gmail.com", conversation="s9")
    assert limited.status is RequestStatus.LIMIT_ADDRESS
    # Dots matter outside Gmail: another mailbox.
    assert ask(session_factory, settings, "v.ictim@eksempel.dk", conversation="s10").accepted


def test_address_hash_is_keyed(settings, tmp_path: Path) -> None:
    """Without the secret, the stored hash cannot be checked against a guessed address."""
    import hashlib

    secret = load_secret(settings)
    assert (tmp_path / "hash_secret").stat().st_mode & 0o777 == 0o600
    assert load_secret(settings) == secret  # kept, not made anew
    keyed = address_hash(ADDRESS, secret)
    assert keyed != hashlib.sha256(ADDRESS.encode()).hexdigest()
    assert keyed != address_hash(ADDRESS, b"another secret of at least 32 bytes!!")
    configured = settings.copy(update={"hash_secret": "x" * 40})
    assert load_secret(configured) == b"x" * 40


def test_global_cap_per_hour(session_factory, settings) -> None:
    settings = settings.copy(update={"fuldmagt_max_per_hour": 3})
    for i in range(3):
        result = ask(session_factory, settings, f"a{i}@eksempel.dk", conversation=f"s{i}")
        assert result.status is RequestStatus.QUEUED
    limited = ask(session_factory, settings, "ny@eksempel.dk", conversation="s9")
    assert limited.status is RequestStatus.LIMIT_GLOBAL and limited.rate_limited
    later = ask(
        session_factory, settings, "ny@eksempel.dk", conversation="s9",
        now=NOW + timedelta(hours=1, minutes=1),
    )  # fmt: skip
    assert later.status is RequestStatus.QUEUED


def test_deleting_a_conversation_deletes_its_requests_and_unsent_mail(
    session_factory, settings
) -> None:
    ask(session_factory, settings, conversation="slet-mig")
    ask(session_factory, settings, "anden@eksempel.dk", conversation="behold-mig")
    with session_scope(session_factory) as session:
        assert delete_for_conversation(session, "slet-mig", NOW) == 1
    with session_factory() as session:
        rows = session.execute(select(FuldmagtRequest)).scalars().all()
        assert [r.conversation_id for r in rows] == ["behold-mig"]
        mails = session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars().all()
        assert (mails[0].status, mails[0].to_addr, mails[0].message) == (FAILED, None, None)
        assert mails[1].to_addr == "anden@eksempel.dk"


def test_address_is_not_logged_nor_stored_in_the_request(
    session_factory, settings, smtp, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    ask(session_factory, settings)
    ask(session_factory, settings)  # duplicate
    deliver_due(session_factory, smtp.mailer, now=NOW)
    ours = [r for r in caplog.records if r.name.startswith("bot")]  # not aiosmtpd's
    for record in ours:
        if record.levelno >= logging.INFO:
            message = record.getMessage().lower()
            assert "karen" not in message and "eksempel" not in message
    assert any("fuldmagt: request" in r.getMessage() for r in ours)
    with session_factory() as session:
        row = session.execute(select(FuldmagtRequest)).scalar_one()
        assert row.address_hash == address_hash(ADDRESS, load_secret(settings))
        assert "karen" not in row.conversation_id
        mail = session.get(OutboxMail, row.outbox_mail_id)
        assert mail is not None and "karen" not in mail.key.lower()


def test_purge_after_retention(session_factory, settings, smtp) -> None:
    ask(session_factory, settings, conversation="gammel", now=NOW - timedelta(days=31))
    ask(session_factory, settings, conversation="ny", now=NOW - timedelta(days=1))
    deliver_due(session_factory, smtp.mailer, now=NOW)
    done = run_policy(session_factory, "sqlite://", NOW, settings.retention_days)
    assert (done["mails"], done["fuldmagt"]) == (1, 1)
    with session_factory() as session:
        requests = session.execute(select(FuldmagtRequest)).scalars().all()
        assert [r.conversation_id for r in requests] == ["ny"]
        mails = session.execute(select(OutboxMail).order_by(OutboxMail.id)).scalars().all()
        assert [m.to_addr for m in mails] == [None, ADDRESS]
        assert mails[0].message is None and mails[0].status == "sent"


# ---------------------------------------------------------------- texts and PDF


def test_data_file_builds_mail_and_pdf() -> None:
    texts = load_texts(ROOT / "content" / "fuldmagt.yml")
    contact = load_contact(ROOT / "content" / "contact.yml")
    mail = build_mail(texts, contact, now=NOW)
    assert "{" not in mail.subject + mail.text
    assert "Send eller aflever den underskrevne fuldmagt til:\nBorgerrådgivningen" in mail.text
    assert "&lt;" not in mail.html
    reader = PdfReader(io.BytesIO(mail.pdf))
    assert 1 <= len(reader.pages) <= 3
    assert "99 31 16 18" in pdf_text(mail.pdf)


def test_html_is_escaped() -> None:
    raw = yaml.safe_load((ROOT / "content" / "fuldmagt.yml").read_text(encoding="utf-8"))
    raw["mail"]["afsnit"] = ["<script>alert(1)</script> & {kontor}"]
    texts = FuldmagtTexts.parse_obj(raw)
    mail = build_mail(texts, load_contact(ROOT / "content" / "contact.yml"), now=NOW)
    assert "<script>" not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Borgerrådgivningen" in mail.html


@pytest.mark.parametrize(
    "path, value",
    [
        (("mail", "emne"), "Fuldmagt {navn}"),
        (("mail", "emne"), "Fuldmagt\nBcc: x"),
        (("mail", "afsnit"), ["Hej {cpr}"]),
        (("mail", "afsnit"), []),
        (("pdf", "filnavn"), "fuldmagt.doc"),
        (("pdf", "filnavn"), "../fuldmagt.pdf"),
        (("pdf", "titel"), "Fuldmagt {"),
        (("pdf", "sektioner"), []),
    ],
)
def test_bad_data_file_is_refused(tmp_path: Path, path: tuple, value: object) -> None:
    raw = yaml.safe_load((ROOT / "content" / "fuldmagt.yml").read_text(encoding="utf-8"))
    raw[path[0]][path[1]] = value
    target = tmp_path / "fuldmagt.yml"
    target.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_texts(target)
    assert caught.value.file == "fuldmagt.yml" and caught.value.line


def test_characters_outside_the_font_do_not_break_the_pdf() -> None:
    raw = yaml.safe_load((ROOT / "content" / "fuldmagt.yml").read_text(encoding="utf-8"))
    raw["pdf"]["indledning"] = "Emoji ☺ og „citat“ – Æble, Øl, Ålborg"
    texts = FuldmagtTexts.parse_obj(raw)
    mail = build_mail(texts, load_contact(ROOT / "content" / "contact.yml"), now=NOW)
    content = pdf_text(mail.pdf)
    assert "Emoji ? og „citat“ – Æble, Øl, Ålborg" in content


@pytest.mark.parametrize(
    "message, expected",
    [
        ("karen@eksempel.dk", "karen@eksempel.dk"),
        ("  karen@eksempel.dk.  ", "karen@eksempel.dk"),
        ("min mail er karen@eksempel.dk tak", "karen@eksempel.dk"),
        ("send den til <karen@eksempel.dk>!", "karen@eksempel.dk"),
        ("karen(at)eksempel.dk", "karen(at)eksempel.dk"),
        ("a@eksempel.dk eller b@eksempel.dk", None),
        ("det ved jeg ikke", None),
        ("", None),
    ],
)
def test_extract_address(message: str, expected: str | None) -> None:
    assert extract_address(message) == expected
