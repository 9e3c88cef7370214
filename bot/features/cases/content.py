"""content/cases.yml: outcome categories, tag suggestions, summary labels, PDF texts.

Loaded through ``bot.core.content`` (validated, reloaded when the office edits it,
the last good version kept). The outcome codes are what closed cases and the
report store; a code must stay unique and keep its spelling.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

from pydantic import BaseModel, validator

from bot.core.content import cached
from bot.core.content import load as load_content

CODE = re.compile(r"^[a-z0-9][a-z0-9-]{1,49}\Z")
PDF_FIELDS = (
    "nummer", "oprettet", "frist", "status", "ansvarlig", "maerker", "udfald", "afsluttet",
    "bevares", "metode", "vaerdi", "hvornaar", "version", "tidspunkt", "omfang", "ja", "nej",
    "ingen",
)  # fmt: skip


class Outcome(BaseModel):
    kode: str
    navn: str
    hjemmel: str | None = None
    aktiv: bool = True

    @validator("kode")
    def _code(cls, value: str) -> str:
        if not CODE.match(value):
            raise ValueError("kode skal være små bogstaver a-z, tal og bindestreg (2-50 tegn)")
        return value

    @validator("navn")
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("navn må ikke være tomt")
        return value.strip()


def _placeholders(text: str, **allowed: str) -> str:
    try:
        text.format(**allowed)
    except (KeyError, IndexError, ValueError) as exc:
        names = ", ".join("{" + a + "}" for a in allowed)
        raise ValueError(f"ukendt pladsholder {exc} (tilladt: {names})") from None
    return text


class CasePdfTexts(BaseModel):
    titel: str
    undertitel: str
    fortroligt: str
    oplysninger: str
    resume: str
    kontakt: str
    samtykke: str
    samtale: str
    historik: str
    udskrevet: str
    felter: Dict[str, str]

    @validator("titel")
    def _title(cls, value: str) -> str:
        return _placeholders(value, nummer="BR-1")

    @validator("udskrevet")
    def _printed(cls, value: str) -> str:
        return _placeholders(value, tidspunkt="1", bruger="x")

    @validator("felter")
    def _fields(cls, value: Dict[str, str]) -> Dict[str, str]:
        missing = [f for f in PDF_FIELDS if f not in value]
        if missing:
            raise ValueError(f"felter mangler {', '.join(missing)}")
        return value


class CaseContent(BaseModel):
    udfald: List[Outcome]
    maerker: List[str] = []
    resume: Dict[str, str] = {}
    pdf: CasePdfTexts

    @validator("udfald")
    def _outcomes(cls, value: List[Outcome]) -> List[Outcome]:
        if not any(o.aktiv for o in value):
            raise ValueError("der skal være mindst ét aktivt udfald")
        codes = [o.kode for o in value]
        twice = sorted({c for c in codes if codes.count(c) > 1})
        if twice:
            raise ValueError(f"koden {twice[0]} står der flere gange")
        return value

    @validator("maerker", each_item=True)
    def _tag(cls, value: str) -> str:
        if "," in value or not value.strip() or len(value) > 40:
            raise ValueError("et mærke har 1-40 tegn og intet komma")
        return value.strip()

    def outcome(self, code: str) -> Outcome | None:
        return next((o for o in self.udfald if o.kode == code), None)

    @property
    def active_outcomes(self) -> List[Outcome]:
        return [o for o in self.udfald if o.aktiv]

    def label(self, key: str) -> str:
        return self.resume.get(key) or key.replace("_", " ").capitalize()


def parse_cases(data: Any) -> CaseContent:
    return CaseContent.parse_obj(data)


def load_cases(path: Path) -> CaseContent:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, parse_cases)


def cached_cases(path: Path) -> CaseContent:
    """The newest good version; an edit shows up on the next page."""
    return cached(path, parse_cases)
