"""`borger run`: train if needed, then run every process until Ctrl-C.

Processes (ports from the settings):
- rasa     Rasa server with the privacy choke point (REST + socket.io), 5005
- actions  rasa-sdk action server, 5055
- web      FastAPI web app: the citizen chat page and /health, 8000
- worker   the e-mail outbox worker (fuldmagt, booking confirmations)
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

from bot.core.settings import ROOT, Settings
from bot.rasa.endpoints import write_endpoints
from bot.rasa.model import latest_model, train

logger = logging.getLogger(__name__)


@dataclass
class ProcessSpec:
    name: str
    command: List[str]


def process_specs(settings: Settings, endpoints: Path, token: str) -> List[ProcessSpec]:
    """The commands. No secret is on a command line (``ps`` shows them to every user):
    Rasa and the action server read the Rasa token and the action token from their
    environment (``BORGER_RASA_TOKEN``, ``BORGER_ACTION_TOKEN``); Rasa writes its
    channels from the settings (``bot.rasa.main``). Rasa and the action server listen
    on their own interfaces (``BORGER_RASA_HOST``, ``BORGER_ACTION_HOST``: loopback)."""
    py = sys.executable
    return [
        ProcessSpec(
            "rasa",
            [
                py,
                "-m",
                "bot.rasa.main",
                "run",
                "--model",
                str(settings.models_dir),
                "--endpoints",
                str(endpoints),
                "--interface",
                settings.rasa_host,
                "--port",
                str(settings.rasa_port),
                "--enable-api",
            ],
        ),
        ProcessSpec(
            "actions",
            [
                py,
                "-m",
                "bot.rasa.action_server",
                "--actions",
                "actions",
                "--port",
                str(settings.action_port),
            ],
        ),
        ProcessSpec(
            "web",
            [
                py,
                "-m",
                "uvicorn",
                "bot.web.app:create_default_app",
                "--factory",
                "--host",
                settings.host,
                "--port",
                str(settings.web_port),
                "--no-access-log",
                "--ws",
                "none",
            ],
        ),
        ProcessSpec("worker", [py, "-m", "bot.app.cli", "worker"]),
    ]


class Supervisor:
    """Starts processes, prefixes their output, and stops them all together."""

    def __init__(self, env: Dict[str, str]) -> None:
        self.env = env
        self.procs: Dict[str, subprocess.Popen[bytes]] = {}

    def start(self, spec: ProcessSpec) -> None:
        proc = subprocess.Popen(  # noqa: S603
            spec.command,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.procs[spec.name] = proc
        threading.Thread(target=self._pump, args=(spec.name, proc), daemon=True).start()

    @staticmethod
    def _pump(name: str, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            sys.stdout.write(f"[{name}] {raw.decode('utf-8', 'replace')}")
            sys.stdout.flush()

    def dead(self) -> str | None:
        for name, proc in self.procs.items():
            if proc.poll() is not None:
                return name
        return None

    def stop(self, timeout: float = 15.0) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        for proc in self.procs.values():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_healthy(url: str, supervisor: Supervisor, timeout: float = 300.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if supervisor.dead():
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310
                if resp.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(1.0)
    return False


def prepare(settings: Settings, train_model: bool = True) -> None:
    """Everything before the processes start: model, database, data."""
    from bot.app.datafiles import check_all
    from bot.app.db_cli import upgrade
    from bot.features.booking.sync import ensure_seeded
    from bot.infra.db import make_engine, make_session_factory, session_scope

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    print("Tjekker datafilerne i data/ ...", flush=True)
    check_all(settings.content_dir)
    if train_model:  # production with a model server: the replicas pull the model
        print("Tjekker modellen (træner kun, hvis data, domæne eller config er ændret) ...")
        train(settings.models_dir)
    print("Opdaterer databasen (borger db upgrade) ...", flush=True)
    upgrade(settings.app_database_url)
    engine = make_engine(settings.app_database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            if ensure_seeded(session, settings.content_dir / "booking.yml", tz=settings.timezone):
                print("Mødebooking: åbningstider indlæst fra content/booking.yml", flush=True)
        from bot.app.training_cli import adopt_trained_model

        adopt_trained_model(settings, make_session_factory(engine))  # the model registry
    finally:
        engine.dispose()


def runtime(settings: Settings) -> Tuple[Dict[str, str], Path, str]:
    """The processes' environment, the endpoints file and the Rasa token of this run
    (``borger run`` and ``borger run --prod``)."""
    token = settings.rasa_token or secrets.token_urlsafe(32)
    action_token = settings.action_token or secrets.token_urlsafe(32)
    env = dict(
        os.environ,
        BORGER_RASA_TOKEN=token,
        BORGER_ACTION_TOKEN=action_token,
        PYTHONUNBUFFERED="1",
        SANIC_HOST=settings.action_host,
        RASA_TELEMETRY_ENABLED="false",  # no telemetry or error reports leave the machine
    )
    # The endpoints name the tokens (read from Rasa's environment): the replicas pull the
    # active model from /models/active with the Rasa token.
    endpoints = write_endpoints(
        settings.copy(update={"rasa_token": token, "action_token": action_token}),
        settings.var_dir / "endpoints.yml",
    )
    return env, endpoints, token


def run_all(settings: Settings) -> int:
    prepare(settings)
    if latest_model(settings.models_dir) is None:
        print("Der er ingen model at starte.", file=sys.stderr)
        return 1
    env, endpoints, token = runtime(settings)
    supervisor = Supervisor(env)

    stop = threading.Event()

    def _signal(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _signal)
    signal.signal(signal.SIGTERM, _signal)

    for spec in process_specs(settings, endpoints, token):
        supervisor.start(spec)
    try:
        print(
            "Starter Rasa, action-server, web-app og e-mail-kø (typisk 30-60 sekunder) ...",
            flush=True,
        )
        if not wait_healthy(f"http://{settings.host}:{settings.web_port}/health", supervisor):
            print(
                f"En proces stoppede under opstarten: {supervisor.dead() or 'ukendt'}",
                file=sys.stderr,
            )
            return 1
        print(
            f"\n  Chatten kører: http://{settings.host}:{settings.web_port}/\n  Stop med Ctrl-C.\n",
            flush=True,
        )
        while not stop.wait(1.0):
            dead = supervisor.dead()
            if dead:
                print(f"Processen '{dead}' stoppede uventet; stopper resten.", file=sys.stderr)
                return 1
        return 0
    finally:
        print("Stopper ...", flush=True)
        supervisor.stop()
