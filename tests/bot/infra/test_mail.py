"""Mail transports (bot/infra/mail.py): .eml files and SMTP against a real local server."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
import stat
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator, List

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bot.core.settings import Settings
from bot.infra.mail import FileMailer, MailError, SmtpMailer, build_mailer

FROM = "borgerraadgivning@aalborg.dk"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_message(to: str = "borger@eksempel.dk") -> EmailMessage:
    msg = EmailMessage()
    msg["To"] = to
    msg["Subject"] = "Fuldmagt til partsrepræsentation – æøå"
    msg.set_content("Hej\n\nBlanketten er vedhæftet. Æ Ø Å.\n")
    msg.add_attachment(b"%PDF-1.4 x", maintype="application", subtype="pdf", filename="f.pdf")
    return msg


class Recorder:
    def __init__(self, refuse_rcpt: bool = False) -> None:
        self.refuse_rcpt = refuse_rcpt
        self.messages: List[EmailMessage] = []
        self.mail_from: List[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse_rcpt:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.mail_from.append(envelope.mail_from)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def server() -> Iterator[tuple]:
    recorder = Recorder()
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


# ---------------------------------------------------------------- FileMailer


def test_file_mailer_writes_a_readable_eml(tmp_path: Path) -> None:
    outbox = tmp_path / "var" / "outbox"  # does not exist yet
    mailer = FileMailer(outbox, mail_from=FROM)
    mailer.send(make_message())

    files = list(outbox.iterdir())
    assert len(files) == 1 and files[0].suffix == ".eml"  # no temporary file left
    assert files[0] == mailer.last_path
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600  # holds personal data
    msg = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["From"] == FROM
    assert msg["To"] == "borger@eksempel.dk"
    assert msg["Subject"] == "Fuldmagt til partsrepræsentation – æøå"
    body = msg.get_body(preferencelist=("plain",))
    assert body is not None and "Æ Ø Å" in body.get_content()
    (att,) = list(msg.iter_attachments())
    assert att.get_filename() == "f.pdf" and att.get_content() == b"%PDF-1.4 x"


def test_file_mailer_keeps_an_existing_from(tmp_path: Path) -> None:
    msg = make_message()
    msg["From"] = "andet@eksempel.dk"
    mailer = FileMailer(tmp_path, mail_from=FROM)
    mailer.send(msg)
    assert mailer.last_path is not None
    assert b"From: andet@eksempel.dk" in mailer.last_path.read_bytes()


def test_file_mailer_writes_one_file_per_mail(tmp_path: Path) -> None:
    mailer = FileMailer(tmp_path, mail_from=FROM)
    for _ in range(3):
        mailer.send(make_message())
    assert len(list(tmp_path.glob("*.eml"))) == 3
    assert not [p for p in tmp_path.iterdir() if p.suffix != ".eml"]


def test_file_mailer_error_is_a_mail_error(tmp_path: Path) -> None:
    blocker = tmp_path / "outbox"
    blocker.write_text("not a directory")
    with pytest.raises(MailError) as err:
        FileMailer(blocker, mail_from=FROM).send(make_message())
    assert "@" not in str(err.value)
    assert err.value.permanent is False


# ---------------------------------------------------------------- build_mailer


def test_build_mailer_defaults_to_eml_files(tmp_path: Path) -> None:
    mailer = build_mailer(Settings(var_dir=tmp_path, smtp_host=None))
    assert isinstance(mailer, FileMailer)
    assert mailer.directory == tmp_path / "outbox"
    assert mailer.mail_from == "borgerraadgivning@aalborg.dk"


def test_build_mailer_uses_smtp_settings() -> None:
    mailer = build_mailer(
        Settings(
            smtp_host="smtp.eksempel.dk",
            smtp_port=465,
            smtp_security="ssl",
            smtp_user="bruger",
            smtp_password="hemmelig",
            mail_from="noreply@eksempel.dk",
        )
    )
    assert isinstance(mailer, SmtpMailer)
    assert (mailer.host, mailer.port, mailer.security) == ("smtp.eksempel.dk", 465, "ssl")
    assert (mailer.user, mailer.password, mailer.mail_from) == (
        "bruger",
        "hemmelig",
        "noreply@eksempel.dk",
    )


def test_unknown_security_is_refused() -> None:
    with pytest.raises(ValueError):
        SmtpMailer("localhost", 25, security="tls", mail_from=FROM)


# ---------------------------------------------------------------- SmtpMailer


def test_smtp_mailer_delivers(server) -> None:
    recorder, port = server
    SmtpMailer("127.0.0.1", port, security="none", mail_from=FROM, timeout=5).send(make_message())
    assert recorder.mail_from == [FROM]
    (msg,) = recorder.messages
    assert msg["From"] == FROM
    assert msg["Subject"] == "Fuldmagt til partsrepræsentation – æøå"


def test_smtp_server_down_is_a_temporary_error() -> None:
    mailer = SmtpMailer("127.0.0.1", free_port(), security="none", mail_from=FROM, timeout=5)
    with pytest.raises(MailError) as err:
        mailer.send(make_message())
    assert err.value.permanent is False
    assert str(err.value) == "SMTP connection failed (ConnectionRefusedError)"


def test_refused_recipient_is_permanent_and_not_named() -> None:
    recorder = Recorder(refuse_rcpt=True)
    port = free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mailer = SmtpMailer("127.0.0.1", port, security="none", mail_from=FROM, timeout=5)
        with pytest.raises(MailError) as err:
            mailer.send(make_message("hemmelig.borger@eksempel.dk"))
    finally:
        controller.stop()
    assert err.value.permanent is True
    assert str(err.value) == "SMTP recipient refused ([550])"
    assert recorder.messages == []


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (
        b"bruger",
        b"hemmelig",
    )
    return AuthResult(success=ok, handled=False)


@pytest.mark.parametrize("password, works", [("hemmelig", True), ("forkert", False)])
def test_smtp_login(password: str, works: bool) -> None:
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        authenticator=_authenticator,
        auth_require_tls=False,
    )
    controller.start()
    try:
        mailer = SmtpMailer(
            "127.0.0.1",
            port,
            security="none",
            user="bruger",
            password=password,
            mail_from=FROM,
            timeout=5,
        )
        if works:
            mailer.send(make_message())
            assert len(recorder.messages) == 1
        else:
            with pytest.raises(MailError) as err:
                mailer.send(make_message())
            assert str(err.value) == "SMTP authentication failed (535)"
            assert recorder.messages == []
    finally:
        controller.stop()


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple:
    """A self-signed certificate for 127.0.0.1: (cert file, key file)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _server_context(certificate) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


def test_smtp_starttls(certificate) -> None:
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        tls_context=_server_context(certificate),
        require_starttls=True,
    )
    controller.start()
    try:
        client = ssl.create_default_context(cafile=str(certificate[0]))
        SmtpMailer(
            "127.0.0.1", port, security="starttls", mail_from=FROM, timeout=5, ssl_context=client
        ).send(make_message())
        assert len(recorder.messages) == 1
        # Without trusting the certificate the connection is refused, and nothing is sent.
        with pytest.raises(MailError) as err:
            SmtpMailer("127.0.0.1", port, security="starttls", mail_from=FROM, timeout=5).send(
                make_message()
            )
        assert "SSLCertVerificationError" in str(err.value)
        assert len(recorder.messages) == 1
    finally:
        controller.stop()


def test_smtp_implicit_tls(certificate) -> None:
    recorder = Recorder()
    port = free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        ssl_context=_server_context(certificate),
        server_hostname="127.0.0.1",
    )
    controller.start()
    try:
        client = ssl.create_default_context(cafile=str(certificate[0]))
        SmtpMailer(
            "127.0.0.1", port, security="ssl", mail_from=FROM, timeout=5, ssl_context=client
        ).send(make_message())
        assert len(recorder.messages) == 1
    finally:
        controller.stop()
