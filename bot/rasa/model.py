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


def training_inputs() -> str:
    """A hash of what a model is trained from (config, domain, data, Rasa's version)."""
    import hashlib
    from importlib.metadata import version

    digest = hashlib.sha256(version("rasa").encode())
    files = [ROOT / "config.yml", ROOT / "domain.yml"]
    for folder in TRAINING_DATA:
        files += sorted(p for p in (ROOT / folder).rglob("*") if p.is_file())
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _stamp(model: Path) -> Path:
    return model.with_name(model.name + ".inputs")


def train(models_dir: Path) -> Path:
    """Train unless the newest model was trained from exactly these files: that check
    takes milliseconds here, while asking `rasa train` takes 10-30 s of imports (cold
    start of `borger run`)."""
    inputs = training_inputs()
    model = latest_model(models_dir)
    if model is not None and _stamp(model).is_file() and _stamp(model).read_text() == inputs:
        return model
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}  # nothing leaves the machine
    subprocess.run(train_command(models_dir), check=True, cwd=ROOT, env=env)  # noqa: S603
    model = latest_model(models_dir)
    if model is None:
        raise RuntimeError("Træningen gav ingen model")
    _stamp(model).write_text(inputs)
    prune_models(models_dir, keep=2)
    return model


def latest_model(models_dir: Path) -> Path | None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def prune_models(models_dir: Path, keep: int) -> None:
    models = sorted(models_dir.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for old in models[:-keep]:
        old.unlink()
        _stamp(old).unlink(missing_ok=True)


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
