"""The office's contact data (data/contact.yml), loaded and validated."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import List

import yaml
from pydantic import BaseModel, validator

from bot.competence import check_checked, check_source


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
    with path.open(encoding="utf-8") as fh:
        return Contact.parse_obj(yaml.safe_load(fh))


@lru_cache(maxsize=4)
def cached_contact(path: Path) -> Contact:
    return load_contact(path)
