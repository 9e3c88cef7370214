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
    for_mange: str
    fejl_database: str
    # The page the confirmation link opens (bot/web/confirm.py).
    bekraeft_titel: str
    bekraeft_tekst: str
    bekraeft_knap: str
    bekraeft_ikke_mig: str
    bekraeft_ok: str
    bekraeft_ok_intet_moede: str
    bekraeft_ugyldig: str
    # The downloaded conversation (bot/web/transcript.py).
    samtale_titel: str
    samtale_hentet: str
    samtale_tom: str
    samtale_du: str
    samtale_assistent: str
    samtale_knap: str
    samtale_knapper: str


def parse_web_texts(data: Any) -> WebTexts:
    texts = WebTexts.parse_obj(data)
    # Refuse the file now, not in a conversation, if a placeholder is misspelt.
    try:
        texts.for_lang.format(graense="1", telefon="1")
        for text in (texts.utilgaengelig, texts.intet_svar, texts.for_mange, texts.fejl_database):
            text.format(telefon="1")
        for text in (texts.bekraeft_ok_intet_moede, texts.bekraeft_ugyldig):
            text.format(telefon="1")
        texts.samtale_hentet.format(tidspunkt="1")
        texts.samtale_knapper.format(knapper="1")
    except (KeyError, IndexError) as exc:
        allowed = "{graense}, {telefon}, {tidspunkt}, {knapper}"
        raise ValueError(f"ukendt pladsholder {exc} (tilladt: {allowed})") from exc
    return texts


def load_web_texts(path: Path) -> WebTexts:
    """Load and validate the file (``ContentError`` in Danish, with the line)."""
    return load_content(path, parse_web_texts)


def cached_web_texts(path: Path) -> WebTexts:
    """The newest good version; an edit shows up in the next answer."""
    return cached(path, parse_web_texts)

