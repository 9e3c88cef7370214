"""content/live.yml: what the citizen reads when a caseworker writes in the chat, and
how recently the citizen's page must have asked for news to count as "on the page"."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from bot.core.content import cached
from bot.core.content import load as load_content


class LiveTexts(BaseModel):
    afsender: str = Field(..., min_length=3, max_length=80)
    startet: str = Field(..., min_length=20, max_length=600)
    afsluttet: str = Field(..., min_length=20, max_length=600)
    tilstede_sekunder: int = Field(45, ge=10, le=600)
    pause_minutter: int = Field(30, ge=5, le=240)


def load_live(path: Path) -> LiveTexts:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, LiveTexts.parse_obj)


def cached_live(path: Path) -> LiveTexts:
    """The newest good version; an edit shows up at once."""
    return cached(path, LiveTexts.parse_obj)
