"""Fakes for the training tests: model archives, a toolchain, replicas, a workspace."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List

from bot.core.settings import ROOT
from bot.features.training.gate import (
    Metrics,
    combine,
    intent_metrics,
    routing_metrics,
    story_metrics,
)
from bot.features.training.retrain import ToolError
from bot.features.training.workspace import Workspace


def fake_model(path: Path, model_id: str) -> Path:
    """A .tar.gz with Rasa's metadata.json (what the registry reads)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"model_id": model_id, "trained_at": "2026-12-01T10:00:00"}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("metadata.json")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


def metrics(per_intent: Dict[str, float], passed: List[str], failed: List[str] = ()) -> Metrics:
    """Metrics where each intent has F1 = the given share of 10 right answers."""
    gold: List[str] = []
    predicted: List[str] = []
    for intent, share in per_intent.items():
        right = round(share * 10)
        gold += [intent] * 10
        predicted += [intent] * right + ["(anden)"] * (10 - right)
    stories = {name: True for name in passed} | {name: False for name in failed}
    return combine(intent_metrics(gold, predicted), story_metrics(stories),
                   routing_metrics([("r", True)]))


@dataclass
class FakeToolchain:
    """Trains "models" whose metrics come from ``score`` (called with the workspace)."""

    score: Callable[[Workspace], Metrics]
    trained: List[str] = field(default_factory=list)
    evaluated: List[str] = field(default_factory=list)
    invalid: str | None = None
    by_file: Dict[str, Metrics] = field(default_factory=dict)

    def validate(self, workspace: Workspace) -> None:
        if self.invalid:
            raise ToolError(self.invalid)

    def train(self, workspace: Workspace, out_dir: Path, name: str) -> Path:
        self.trained.append(name)
        path = fake_model(out_dir / f"{name}.tar.gz", f"id-{name}")
        self.by_file[name] = self.score(workspace)
        return path

    def evaluate(self, model: Path, workspace: Workspace) -> Metrics:
        name = model.name.removesuffix(".tar.gz")
        self.evaluated.append(name)
        return self.by_file.get(name) or self.score(workspace)


@dataclass
class FakeReplicas:
    """Replicas that load whatever is activated (or stay on ``stuck``)."""

    urls: List[str]
    stuck: bool = False
    calls: List[str] = field(default_factory=list)

    def wait_for(self, model_id: str, timeout: float) -> Dict[str, str | None]:
        self.calls.append(model_id)
        return {u: (None if self.stuck else model_id) for u in self.urls}


def git(root: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(root), *args], check=True, capture_output=True, text=True
    ).stdout


def project_copy(root: Path, parts: tuple = ("domain.yml", "config.yml", "content", "data",
                                             "tests/stories")) -> Path:
    """A copy of the project's training files in a git repository of its own."""
    root.mkdir(parents=True, exist_ok=True)
    for part in parts:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, root / part)
        else:
            (root / part).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, root / part)
    git(root, "init", "-q", "-b", "main")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "add", "-A")
    git(root, "-c", "user.name=Test", "-c", "user.email=test@example.invalid",
        "commit", "-q", "-m", "Udgangspunkt")
    return root
