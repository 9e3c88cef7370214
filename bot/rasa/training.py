"""Rasa for the guarded retrain: validate, train, evaluate, and the replicas' /status.

``RasaToolchain`` runs Rasa's own command line in subprocesses (as ``borger train``
does), so the web app and the CLI never import TensorFlow; the evaluation runs
``python -m bot.rasa.evaluate`` once per model (one model load, no k-fold training).
``HttpReplicas`` polls each Rasa replica's ``/status`` until it reports a model id.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Sequence

import httpx
from sqlalchemy.orm import sessionmaker

from bot.core.clock import Clock
from bot.core.settings import ROOT, Settings
from bot.features.training.gate import Metrics
from bot.features.training.retrain import Policy, ToolError, Trainer
from bot.features.training.workspace import Workspace

log = logging.getLogger(__name__)

OUTPUT_TAIL = 1500


def _env() -> Dict[str, str]:
    # Nothing leaves the machine; the project's modules (custom components) importable.
    python_path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "PYTHONPATH": python_path,
    }


def _run(command: List[str], cwd: Path, timeout: float, what: str) -> str:
    try:
        done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
            command,
            cwd=cwd,
            env=_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ToolError(f"{what} tog mere end {timeout:.0f} sekunder") from exc
    output = done.stdout.decode("utf-8", "replace")
    if done.returncode != 0:
        log.error("%s failed with exit code %d", what, done.returncode)
        raise ToolError(f"{what} fejlede (kode {done.returncode}):\n{_errors(output)}")
    return output


def _errors(output: str) -> str:
    """The lines that say what is wrong (Rasa's errors), else the end of the output."""
    lines = [
        line for line in output.splitlines()
        if "ERROR" in line or "Error" in line or "error:" in line.lower()
    ]
    text = "\n".join(lines) if lines else output
    return text[-OUTPUT_TAIL:]


@dataclass
class RasaToolchain:
    python: str = sys.executable
    train_timeout: float = 3600.0
    validate_timeout: float = 600.0
    evaluate_timeout: float = 1800.0
    extra_train_args: Sequence[str] = field(default_factory=list)

    def data_args(self, ws: Workspace) -> List[str]:
        return [
            "--config", str(ws.config_path),
            "--domain", str(ws.domain),
            "--data", *[str(d) for d in ws.data_dirs if d.exists()],
        ]

    def validate(self, ws: Workspace) -> None:
        command = [self.python, "-m", "rasa", "data", "validate", *self.data_args(ws)]
        _run(command, ws.root, self.validate_timeout, "rasa data validate")

    def train(self, ws: Workspace, out_dir: Path, name: str) -> Path:
        command = [
            self.python, "-m", "rasa", "train", *self.data_args(ws),
            "--out", str(out_dir), "--fixed-model-name", name, *self.extra_train_args,
        ]
        _run(command, ws.root, self.train_timeout, "rasa train")
        model = out_dir / f"{name}.tar.gz"
        if not model.exists():
            raise ToolError("rasa train gav ingen model")
        return model

    def evaluate(self, model: Path, ws: Workspace) -> Metrics:
        with tempfile.TemporaryDirectory(prefix="borger-eval-") as tmp:
            out = Path(tmp) / "metrics.json"
            command = [
                self.python, "-m", "bot.rasa.evaluate",
                "--model", str(model), "--root", str(ws.root), "--out", str(out),
            ]
            _run(command, ROOT, self.evaluate_timeout, "evalueringen")
            result: Metrics = json.loads(out.read_text(encoding="utf-8"))
            return result


@dataclass
class HttpReplicas:
    """The Rasa replicas to check after an activation (``Settings.rasa_replica_urls``)."""

    urls: Sequence[str]
    token: str | None
    poll_every: float = 1.0
    request_timeout: float = 5.0

    def model_ids(self, client: httpx.Client) -> Dict[str, str | None]:
        found: Dict[str, str | None] = {}
        params = {"token": self.token} if self.token else None
        for url in self.urls:
            try:
                response = client.get(f"{url.rstrip('/')}/status", params=params)
                model_id = response.json().get("model_id") if response.status_code == 200 else None
                found[url] = str(model_id) if model_id else None
            except (httpx.HTTPError, ValueError, AttributeError):
                found[url] = None
        return found

    def wait_for(self, model_id: str, timeout: float) -> Dict[str, str | None]:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=self.request_timeout, trust_env=False) as client:
            while True:
                seen = self.model_ids(client)
                if all(v == model_id for v in seen.values()) or time.monotonic() >= deadline:
                    return seen
                time.sleep(self.poll_every)


def trainer_from_settings(
    settings: Settings, sessions: sessionmaker, workspace: Workspace, clock: Clock
) -> Trainer:
    """The guarded retrain as the settings describe it (the CLI and the portal)."""
    return Trainer(
        sessions=sessions,
        workspace=workspace,
        store=settings.model_store,
        toolchain=RasaToolchain(),
        replicas=HttpReplicas(settings.replica_urls, settings.rasa_token),
        now=clock.now,
        policy=Policy(
            tolerance=settings.training_tolerance,
            intent_tolerance=settings.training_intent_tolerance,
            activation_timeout=settings.activation_timeout_seconds,
        ),
    )
