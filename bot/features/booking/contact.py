"""What the citizen gives for a booking: phone/e-mail, name, topic, and the reference.

(The office's own contact data is ``bot.features.contact``.) Rules for what counts
as an answer live here, so the form actions only pass the text on.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.features.booking.tables import Booking
from bot.infra.outbox import InvalidMail, validate_address

# Booking references: no easily confused characters (0/O, 1/I/L, 2/Z, 5/S, 8/B).
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
REFERENCE_LENGTH = 6
MAX_TOPIC_CHARS = 500
MIN_TOPIC_CHARS = 3
NAME_CHARS = (2, 100)
NAME_WORDS = 7

_EMAIL_RX = re.compile(r"[^\s@<>,;:()\[\]\"']+@[^\s@<>,;:()\[\]\"']+\.[^\s@<>,;:()\[\]\"'.]{2,}")
_PHONE_RX = re.compile(r"(?<![\d+])(?:(?:\+|00)\s*45[\s-]*)?((?:\d[\s-]*){7}\d)(?![\d])")
_NAME_INTRO = re.compile(
    r"^(?:det skrev jeg jo|som sagt|ja|jeg hedder|mit navn er|navn:|my name is)[,.!:]?\s+", re.I
)
# What follows the name: "Lone Kjærgaard, og jeg skriver på vegne af min mor", "Ruth (jeg er ...)".
_NAME_TAIL = re.compile(
    r"\s*(?:,\s*(?:og )?(?:jeg|vi|hun|han|det)\b.*|\s+og jeg\b.*|\s*\((?:jeg|vi)\b.*\))$", re.I
)


# Letters (with their accents), then letters, spaces, hyphens, apostrophes and dots.
_NAME_RX = re.compile(r"[^\W\d_](?:[^\W\d_]|[ '’.-])*")
_DOMAIN_LIKE = re.compile(r"[^\W\d_]\.[^\W\d_]{2,}|\.\.|--")


@dataclass(frozen=True)
class ContactInfo:
    phone: str | None = None  # 8 digits
    email: str | None = None  # lower-case

    @property
    def empty(self) -> bool:
        return not self.phone and not self.email

    @property
    def text(self) -> str:
        """As kept in the conversation: "12345678, mette@example.dk"."""
        return ", ".join(p for p in (self.phone, self.email) if p)


def normalize_phone(value: str) -> str | None:
    m = _PHONE_RX.search(value or "")
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group(1))
    return digits if len(digits) == 8 else None


def parse_contact(text: str) -> ContactInfo:
    """A Danish phone number (8 digits, optional +45) and/or an e-mail address."""
    text = text or ""
    email_match = _EMAIL_RX.search(text)
    email = email_match.group(0).rstrip(".").lower() if email_match else None
    rest = text.replace(email_match.group(0), " ") if email_match else text
    return ContactInfo(phone=normalize_phone(rest), email=email)


def reachable_contact(text: str) -> ContactInfo:
    """``parse_contact`` without an address the outbox would refuse ("mette@localhost")."""
    info = parse_contact(text)
    if info.email:
        try:
            validate_address(info.email)
        except InvalidMail:
            return ContactInfo(phone=info.phone)
    return info


def clean_name(text: str) -> str | None:
    """The name from "jeg hedder Mette", or None when it is no name ("42").

    The name goes into the confirmation mail ("Kære {navn}"), so it may hold letters,
    spaces, hyphens, apostrophes and the dots of initials ("H.C. Andersen") only, at
    most ``NAME_WORDS`` words: no link, address, markup, digit or sentence.
    """
    name = unicodedata.normalize("NFKC", re.sub(r"\s+", " ", str(text or ""))).strip()
    while _NAME_INTRO.match(name):  # "Navn: det skrev jeg jo, Hanne"
        name = _NAME_INTRO.sub("", name, count=1).strip()
    name = _NAME_TAIL.sub("", name).strip()
    low, high = NAME_CHARS
    if not (low <= len(name) <= high) or not _NAME_RX.fullmatch(name):
        return None
    if len(name.split()) > NAME_WORDS or _DOMAIN_LIKE.search(name):
        return None
    return name


def clean_topic(text: str) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    if len(text) > MAX_TOPIC_CHARS:
        text = text[: MAX_TOPIC_CHARS - 1].rstrip() + "…"
    return text


def topic_answer(text: str) -> str | None:
    """What the meeting is about, or None when the answer is too short or a button."""
    topic = clean_topic(str(text or ""))
    if len(topic) < MIN_TOPIC_CHARS or topic.startswith("/"):
        return None
    return topic


def normalize_reference(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (value or "").upper())


def new_reference(session: Session) -> str:
    """A reference no booking has yet."""
    while True:
        ref = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))
        taken = session.execute(select(Booking.id).where(Booking.reference == ref)).first()
        if taken is None:
            return ref


def request_key(conversation_id: str, slot_key: str) -> str:
    """Idempotency key of one conversation asking for one slot (no personal data)."""
    return hashlib.sha256(f"{conversation_id}\n{slot_key}".encode()).hexdigest()
