"""The office's contact data (content/contact.yml), loaded and validated."""

from __future__ import annotations

from pathlib import Path
from typing import List

from pydantic import BaseModel, validator

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.core.sources import check_checked, check_source


class Person(BaseModel):
    navn: str
    titel: str
    telefon: str


class Contact(BaseModel):
    navn: str
    adresse: str
    hovedtelefon: str
    skriv_til_os: str
    telefontider: str
    personligt_moede: str
    medarbejdere: List[Person]
    beretning: str
    # Where the contact data comes from (the office's page on aalborg.dk) and when it
    # was last checked; both are required.
    source: List[str]
    checked: str

    _source = validator("source", pre=True, allow_reuse=True)(check_source)
    _checked = validator("checked", pre=True, allow_reuse=True)(check_checked)

    @validator("hovedtelefon")
    def _phone_is_danish(cls, value: str) -> str:
        digits = value.replace(" ", "")
        if not (digits.isdigit() and len(digits) == 8):
            raise ValueError("hovedtelefon skal være et dansk telefonnummer med 8 cifre")
        return value

    def as_template_vars(self) -> dict:
        """Variables for domain responses, e.g. {telefon} and {adresse}."""
        people = "\n".join(f"- {p.navn}, {p.titel}: {p.telefon}" for p in self.medarbejdere)
        return {
            "kontor": self.navn,
            "adresse": self.adresse,
            "telefon": self.hovedtelefon,
            "skriv_til_os": self.skriv_til_os,
            "telefontider": self.telefontider,
            "personligt_moede": self.personligt_moede,
            "medarbejdere": people,
            "beretning": self.beretning,
        }


def load_contact(path: Path) -> Contact:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, Contact.parse_obj)


def cached_contact(path: Path) -> Contact:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, Contact.parse_obj)
