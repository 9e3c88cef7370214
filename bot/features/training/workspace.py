"""Where the training job finds its files, and the fingerprints that say what changed.

The workspace is the deployment's checkout (``Settings.training_repo_dir``): Rasa's
config, ``domain.yml`` and the training data in ``data/``, the evaluation set in
``data/eval/`` (never training data) and the end-to-end test stories in ``tests/stories``.
Tests use a temporary copy in a git repository of its own.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable, List, Tuple

import yaml

TRAINING_DATA = ("data/nlu", "data/stories", "data/rules")
HOLDOUT = "data/eval/nlu_holdout.yml"
ROUTING_CASES = "data/eval/routing_cases.yml"
TEST_STORIES = "tests/stories"
OFFICE_NLU = "data/nlu/office"


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Path  # absolute, or relative to root

    @property
    def config_path(self) -> Path:
        return self.config if self.config.is_absolute() else self.root / self.config

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def data_dirs(self) -> List[Path]:
        return [self.root / d for d in TRAINING_DATA]

    @property
    def holdout(self) -> Path:
        return self.root / HOLDOUT

    @property
    def routing_cases(self) -> Path:
        return self.root / ROUTING_CASES

    @property
    def stories(self) -> Path:
        return self.root / TEST_STORIES

    @property
    def office_nlu(self) -> Path:
        return self.root / OFFICE_NLU

    def training_files(self) -> List[Path]:
        return [self.config_path, self.domain, *_yaml_files(self.data_dirs)]

    def eval_files(self) -> List[Path]:
        return [self.holdout, self.routing_cases, *_yaml_files([self.stories])]

    def data_fingerprint(self) -> str:
        """What a model is trained on: config, domain and training data."""
        return fingerprint(self.training_files(), self.root)

    def eval_fingerprint(self) -> str:
        return fingerprint(self.eval_files(), self.root)


def _yaml_files(dirs: Iterable[Path]) -> List[Path]:
    found: List[Path] = []
    for d in dirs:
        if d.is_file():
            found.append(d)
        elif d.is_dir():
            found += sorted(p for p in d.rglob("*") if p.suffix in (".yml", ".yaml"))
    return found


def fingerprint(files: Iterable[Path], root: Path) -> str:
    """SHA-256 over the files' relative names and contents (missing files count too)."""
    digest = hashlib.sha256()
    for path in sorted(files):
        try:
            rel = str(path.relative_to(root))
        except ValueError:
            rel = str(path)
        digest.update(rel.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
        digest.update(b"\0")
    return digest.hexdigest()


def load_holdout(path: Path) -> List[Tuple[str, str]]:
    """(text, intent) of the frozen NLU hold-out."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [
        (str(text), str(block["intent"]))
        for block in raw.get("holdout", [])
        for text in block.get("examples", [])
    ]


@dataclass(frozen=True)
class RoutingCase:
    text: str
    route: str
    accept: Tuple[str, ...]


def load_routing_cases(path: Path) -> Tuple[date, List[RoutingCase]]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    cases = [
        RoutingCase(str(c["text"]), str(c["route"]), tuple(c.get("accept") or [c["route"]]))
        for c in raw.get("cases", [])
    ]
    return date.fromisoformat(str(raw.get("today", "2026-11-26"))), cases
