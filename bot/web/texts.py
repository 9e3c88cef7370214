"""The chat API's Danish error messages (content/web.yml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from bot.core.content import cached
from bot.core.content import load as load_content


class WebTexts(BaseModel):
    tom: str
    for_lang: str
    ugyldig: str
    utilgaengelig: str
    intet_svar: str


def parse_web_texts(data: Any) -> WebTexts:
    texts = WebTexts.parse_obj(data)
    # Refuse the file now, not in a conversation, if a placeholder is misspelt.
    try:
        texts.for_lang.format(graense="1", telefon="1")
        texts.utilgaengelig.format(telefon="1")
        texts.intet_svar.format(telefon="1")
    except (KeyError, IndexError) as exc:
        raise ValueError(f"ukendt pladsholder {exc} (tilladt: {{graense}}, {{telefon}})") from exc
    return texts


def load_web_texts(path: Path) -> WebTexts:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, parse_web_texts)


def cached_web_texts(path: Path) -> WebTexts:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, parse_web_texts)

