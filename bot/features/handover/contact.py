"""What the citizen answers in the hand-over: the matter, how and when to be contacted.

A phone number or an e-mail address is read with the booking's validators
(``bot.features.booking.contact``); "jeg ringer selv", "nej tak" or the button
"Jeg ringer selv" mean the citizen will call and gives nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.features.booking.contact import reachable_contact
from bot.language.answers import yes_no
from bot.language.fold import fold

PHONE = "telefon"
MAIL = "mail"
SELF = "selv"  # the slot value when the citizen will call
MAX_WHEN_CHARS = 200
MAX_MATTER_CHARS = 2000
MIN_MATTER_CHARS = 3

_CALLS_SELF = re.compile(
    r"\b(ringer (selv|til jer|jer op)|jeg ringer|selv ringe|kontakter (selv|jer)|"
    r"ingen (kontakt|nummer|telefon|mail)|vil ikke (oplyse|give|skrive)|helst ikke|"
    r"behøver ikke|ikke nødvendigt)\b"
)


@dataclass(frozen=True)
class ContactWish:
    """``method`` "telefon" or "mail" with ``value``; both None: the citizen calls."""

    method: str | None = None
    value: str | None = None
    when: str | None = None

    @property
    def calls_self(self) -> bool:
        return self.method is None

    @property
    def slot_value(self) -> str:
        return self.value or SELF

    @property
    def needs_a_time(self) -> bool:
        """Only a phone call needs a time that suits the citizen."""
        return self.method == PHONE


def read_contact(text: str) -> ContactWish | None:
    """A phone number and/or an e-mail address, the citizen calling, or None (unclear)."""
    raw = str(text or "").strip()
    if raw == SELF:
        return ContactWish()
    info = reachable_contact(raw) if not raw.startswith("/") else None
    if info is not None and not info.empty:
        return ContactWish(PHONE if info.phone else MAIL, info.text)
    if yes_no(raw) is False or _CALLS_SELF.search(fold(raw.lower())):
        return ContactWish()
    return None


def from_slot(value: str | None, when: str | None = None) -> ContactWish:
    """The wish kept in the conversation (``slot_value``) read back."""
    if not value or value == SELF:
        return ContactWish(when=None)
    wish = read_contact(value) or ContactWish()
    return ContactWish(wish.method, wish.value, when if wish.needs_a_time else None)


def read_when(text: str) -> str | None:
    """When it suits the citizen, as written ("om formiddagen", "efter kl 14")."""
    cleaned = re.sub(r"\s+", " ", str(text or "")).strip()
    if len(cleaned) < 2 or cleaned.startswith("/"):
        return None
    if len(cleaned) > MAX_WHEN_CHARS:
        cleaned = cleaned[: MAX_WHEN_CHARS - 1].rstrip() + "…"
    return cleaned


def read_matter(text: str, limit: int = MAX_MATTER_CHARS) -> str | None:
    """What the case is about (or more for it), as written; None when too short."""
    cleaned = str(text or "").strip()
    if len(cleaned) < MIN_MATTER_CHARS or cleaned.startswith("/"):
        return None
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"
