"""content/handover.yml: the response time and the consent text, read and validated.

The consent's version id is the office's ``version`` plus a fingerprint of the text
itself, so a case always records exactly which text the citizen said yes to, even
when someone edits the text and forgets to change ``version``.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel, Field, validator

from bot.core.content import cached
from bot.core.content import load as load_content

RETENTION_FIELD = "dage"


class ConsentText(BaseModel):
    version: str = Field(..., min_length=1, max_length=20)
    tekst: str = Field(..., min_length=40)

    @validator("tekst")
    def _says_how_long(cls, value: str) -> str:
        fields = set(re.findall(r"{([^{}]*)}", value))
        unknown = fields - {RETENTION_FIELD}
        if unknown:
            raise ValueError(f"ukendt felt {{{sorted(unknown)[0]}}}; brug {{{RETENTION_FIELD}}}")
        if RETENTION_FIELD not in fields:
            raise ValueError("teksten skal sige, hvor længe sagen bliver gemt: brug {dage}")
        return value

    @property
    def version_id(self) -> str:
        """ "2026-12-01#3f2a9c1b": the version and the text's fingerprint (≤ 29 chars)."""
        digest = hashlib.sha256(self.tekst.encode("utf-8")).hexdigest()[:8]
        return f"{self.version}#{digest}"

    def render(self, retention_days: int) -> str:
        return self.tekst.replace("{" + RETENTION_FIELD + "}", str(retention_days))


class HandoverContent(BaseModel):
    """content/handover.yml, validated."""

    svartid_arbejdsdage: int = Field(2, ge=0, le=20)
    samtykke: ConsentText


def load_handover(path: Path) -> HandoverContent:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, HandoverContent.parse_obj)


def cached_handover(path: Path) -> HandoverContent:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, HandoverContent.parse_obj)
