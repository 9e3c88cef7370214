"""Training and loading the Rasa model: the same model serves chat and CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, Iterable, List

from bot.core.settings import ROOT

TRAINING_DATA = ["data/nlu", "data/stories", "data/rules"]


def train_command(models_dir: Path, extra: Iterable[str] = ()) -> List[str]:
    """`rasa train` over this project's files. Rasa's fingerprinting skips
    training when config, domain and data are unchanged since the last model."""
    return [
        sys.executable,
        "-m",
        "rasa",
        "train",
        "--config",
        str(ROOT / "config.yml"),
        "--domain",
        str(ROOT / "domain.yml"),
        "--data",
        *[str(ROOT / d) for d in TRAINING_DATA],
        "--out",
        str(models_dir),
        *extra,
    ]


def train(models_dir: Path) -> Path:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}  # nothing leaves the machine
    subprocess.run(train_command(models_dir), check=True, cwd=ROOT, env=env)  # noqa: S603
    model = latest_model(models_dir)
    if model is None:
        raise RuntimeError("Træningen gav ingen model")
    prune_models(models_dir, keep=2)
    return model


def latest_model(models_dir: Path) -> Path | None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def prune_models(models_dir: Path, keep: int) -> None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        old.unlink()


class NluModel:
    """The NLU part of a trained model, for parsing only (CLI, benchmarks): the dialogue
    policies are not loaded (``bot.rasa.nlu_only``), so it loads in seconds, and a parse
    is the same as the running assistant's."""

    def __init__(self, model_path: Path) -> None:
        import logging

        os.environ["RASA_TELEMETRY_ENABLED"] = "false"
        from rasa.utils.log_utils import configure_structlog

        from bot.rasa.nlu_only import NluOnly

        # Rasa's structured debug log would print every parsed text to stdout.
        configure_structlog(logging.WARNING)
        self.path = model_path
        self._nlu = NluOnly(Path(model_path))

    def parse(self, text: str) -> Dict[str, Any]:
        return self._nlu.parse(text)

    def parse_many(self, texts: Iterable[str]) -> List[Dict[str, Any]]:
        return [self.parse(t) for t in texts]

    def close(self) -> None:
        self._nlu.close()
