"""The office's own NLU examples: ``data/nlu/office/<feature>.yml``, one file per feature.

An intent's feature is the file in ``data/nlu`` that trains it (``klage_adfaerd`` is in
``competence.yml``, so its office examples go to ``data/nlu/office/competence.yml``).
An example is refused when the intent is unknown, when the text is in the frozen
evaluation set (it must never become training data), or when the same text already
trains another intent. The files are machine-written, in Rasa's format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Dict, List, Set

import yaml

from bot.features.training.workspace import Workspace, load_holdout

HEADER = (
    "# Træningseksempler fra kontorets træningsindbakke (personaleportalen).\n"
    "# Skrevet af portalen; hvert eksempels oprindelse (dato og en nøgle for samtalen)\n"
    "# står i tabellen training_provenance. Rettes bedst i portalen.\n"
)
_SPACE = re.compile(r"\s+")


class ExampleRefused(Exception):
    """The example cannot be written (the message is Danish)."""


def normalize(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _intents_of_domain(domain: Path) -> Set[str]:
    raw = yaml.safe_load(domain.read_text(encoding="utf-8")) or {}
    names: Set[str] = set()
    for entry in raw.get("intents", []):
        names.add(next(iter(entry)) if isinstance(entry, dict) else str(entry))
    return names


def _examples(path: Path) -> Dict[str, List[str]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    found: Dict[str, List[str]] = {}
    for block in raw.get("nlu", []) or []:
        if "intent" not in block:
            continue
        lines = str(block.get("examples", "")).splitlines()
        texts = [line.strip()[2:] for line in lines if line.strip().startswith("- ")]
        found.setdefault(str(block["intent"]), []).extend(texts)
    return found


class OfficeNlu:
    """Reads and writes the office's example files in a workspace."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def intents(self) -> List[str]:
        return sorted(_intents_of_domain(self.ws.domain))

    def feature_of(self, intent: str) -> str:
        for path in sorted((self.ws.root / "data" / "nlu").glob("*.yml")):
            if intent in _examples(path):
                return path.stem
        return "general"

    def file_for(self, intent: str) -> Path:
        return self.ws.office_nlu / f"{self.feature_of(intent)}.yml"

    def existing(self) -> Dict[str, str]:
        """Every training text (lower case, normalized) and the intent it trains."""
        known: Dict[str, str] = {}
        for path in sorted((self.ws.root / "data" / "nlu").rglob("*.yml")):
            for intent, texts in _examples(path).items():
                for text in texts:
                    known.setdefault(_strip_entities(text).lower(), intent)
        return known

    def check(self, intent: str, text: str) -> str:
        """The text as it will be written, or ``ExampleRefused``."""
        text = normalize(text)
        if len(text) < 2:
            raise ExampleRefused("Eksemplet er tomt.")
        if len(text) > 1000:
            raise ExampleRefused("Eksemplet er for langt (højst 1000 tegn).")
        if intent not in _intents_of_domain(self.ws.domain) or intent == "nlu_fallback":
            raise ExampleRefused(f"Hensigten '{intent}' findes ikke.")
        if self.ws.holdout.exists():
            held = {t.lower() for t, _ in load_holdout(self.ws.holdout)}
            if text.lower() in held:
                raise ExampleRefused(
                    "Teksten står i evalueringssættet og må ikke bruges til træning."
                )
        other = self.existing().get(text.lower())
        if other is not None and other != intent:
            raise ExampleRefused(f"Teksten er allerede et eksempel på hensigten '{other}'.")
        return text

    def add(self, intent: str, text: str) -> Path:
        """Write one example (no-op when it is there already); the file written."""
        text = self.check(intent, text)
        path = self.file_for(intent)
        blocks = _examples(path) if path.exists() else {}
        texts = blocks.setdefault(intent, [])
        if text not in texts:
            texts.append(text)
        write_file(path, blocks)
        return path

    def remove(self, intent: str, text: str) -> Path | None:
        """Remove one office example; the file changed, or None when it was not there."""
        path = self.file_for(intent)
        if not path.exists():
            return None
        blocks = _examples(path)
        if text not in blocks.get(intent, []):
            return None
        blocks[intent].remove(text)
        write_file(path, {k: v for k, v in blocks.items() if v})
        return path


def _strip_entities(text: str) -> str:
    return re.sub(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})", r"\1", text)


def _quote(text: str) -> str:
    # A line in a literal block is taken as it is, except Rasa's entity markup
    # ("[tekst](entitet)"): a bracket right before "(", "{" or "[" is kept apart.
    return re.sub(r"\](?=[({\[])", "] ", text)


def write_file(path: Path, blocks: Dict[str, List[str]]) -> None:
    """Write a whole office file (to a temporary name, then renamed)."""
    lines = [HEADER, 'version: "3.1"\n', "nlu:\n"]
    for intent in sorted(blocks):
        lines.append(f"- intent: {intent}\n  examples: |\n")
        lines += [f"    - {_quote(t)}\n" for t in blocks[intent]]
    if not blocks:
        lines[-1] = "nlu: []\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)
