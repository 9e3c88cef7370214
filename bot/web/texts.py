"""The chat API's Danish error messages (data/web.yml)."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel


class WebTexts(BaseModel):
    tom: str
    for_lang: str
    ugyldig: str
    utilgaengelig: str
    intet_svar: str


def load_web_texts(path: Path) -> WebTexts:
    with path.open(encoding="utf-8") as fh:
        texts = WebTexts.parse_obj(yaml.safe_load(fh))
    # Fail now, not in a conversation, if a placeholder is misspelt.
    texts.for_lang.format(graense="1", telefon="1")
    texts.utilgaengelig.format(telefon="1")
    texts.intet_svar.format(telefon="1")
    return texts

