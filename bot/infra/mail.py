"""Sending one e-mail: over SMTP, or as an ``.eml`` file in the embedded setup.

``build_mailer(settings)`` picks the transport: with ``smtp_host`` set it is
``SmtpMailer``, otherwise ``FileMailer`` writing into ``settings.mail_outbox_dir``
so that a new user can open exactly what would have been sent.

Mailers never put personal data (addresses, bodies) into ``MailError``
messages: those messages end up in the outbox's ``last_error`` column and in
the logs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import smtplib
import ssl
import tempfile
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path
from typing import Protocol, runtime_checkable

from bot.core.settings import Settings

log = logging.getLogger(__name__)

SMTP_SECURITY = ("starttls", "ssl", "none")


class MailError(Exception):
    """Sending failed. ``permanent`` = retrying will not help (e.g. 5xx refusal).

    The message must not contain personal data.
    """

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


@runtime_checkable
class Mailer(Protocol):
    def send(self, msg: EmailMessage) -> None:
        """Send ``msg`` or raise ``MailError``."""
        ...


def _fill_from(msg: EmailMessage, mail_from: str) -> None:
    if msg["From"] is None:
        msg["From"] = mail_from


class SmtpMailer:
    """Sends over SMTP (STARTTLS on 587, implicit TLS on 465, or plain)."""

    def __init__(
        self,
        host: str,
        port: int = 587,
        *,
        security: str = "starttls",
        user: str | None = None,
        password: str | None = None,
        mail_from: str,
        timeout: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        if security not in SMTP_SECURITY:
            raise ValueError(f"smtp_security must be one of {SMTP_SECURITY}, not {security!r}")
        self.host = host
        self.port = port
        self.security = security
        self.user = user
        self.password = password
        self.mail_from = mail_from
        self.timeout = timeout
        self.ssl_context = ssl_context

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def send(self, msg: EmailMessage) -> None:
        _fill_from(msg, self.mail_from)
        try:
            smtp: smtplib.SMTP
            if self.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    self.host, self.port, timeout=self.timeout, context=self._context()
                )
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            with smtp:
                smtp.ehlo()
                if self.security == "starttls":
                    smtp.starttls(context=self._context())
                    smtp.ehlo()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(msg, from_addr=self.mail_from)
        except smtplib.SMTPRecipientsRefused as exc:
            # exc.recipients maps addresses to replies: keep only the codes.
            codes = sorted({code for code, _ in exc.recipients.values()})
            permanent = all(500 <= c < 600 for c in codes)
            raise MailError(f"SMTP recipient refused ({codes})", permanent=permanent) from None
        except smtplib.SMTPSenderRefused as exc:
            raise MailError(f"SMTP sender refused ({exc.smtp_code})") from None
        except smtplib.SMTPDataError as exc:
            permanent = 500 <= exc.smtp_code < 600
            raise MailError(f"SMTP data refused ({exc.smtp_code})", permanent=permanent) from None
        except smtplib.SMTPAuthenticationError as exc:
            raise MailError(f"SMTP authentication failed ({exc.smtp_code})") from None
        except smtplib.SMTPResponseException as exc:
            raise MailError(f"SMTP error ({exc.smtp_code})") from None
        except smtplib.SMTPException as exc:
            raise MailError(f"SMTP error ({type(exc).__name__})") from None
        except (OSError, ssl.SSLError) as exc:
            raise MailError(f"SMTP connection failed ({type(exc).__name__})") from None


class FileMailer:
    """Writes each e-mail as ``<time>-<id>.eml`` into ``directory`` (atomically)."""

    def __init__(self, directory: Path, *, mail_from: str) -> None:
        self.directory = Path(directory)
        self.mail_from = mail_from
        self.last_path: Path | None = None

    def send(self, msg: EmailMessage) -> None:
        _fill_from(msg, self.mail_from)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        target = self.directory / f"{stamp}-{uuid.uuid4().hex[:12]}.eml"
        tmp_name: str | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp_name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.directory)
            with os.fdopen(fd, "wb") as fh:  # mkstemp: mode 0600 (personal data)
                fh.write(msg.as_bytes())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp_name, target)
            tmp_name = None
        except OSError as exc:
            raise MailError(f"could not write .eml file ({type(exc).__name__})") from None
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
        self.last_path = target
        log.debug("wrote %s", target.name)


def build_mailer(settings: Settings) -> Mailer:
    """SMTP when ``smtp_host`` is set, else ``.eml`` files in ``mail_outbox_dir``."""
    if settings.smtp_host:
        return SmtpMailer(
            settings.smtp_host,
            settings.smtp_port,
            security=settings.smtp_security,
            user=settings.smtp_user,
            password=settings.smtp_password,
            mail_from=settings.mail_from,
        )
    return FileMailer(settings.mail_outbox_dir, mail_from=settings.mail_from)
