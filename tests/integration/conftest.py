"""The whole stack, started once per test run the way `borger run` starts it.

Rasa (with the privacy choke point), the action server, the web app and the
outbox worker run as subprocesses on free ports, with their own var/ folder
(SQLite tracker store and app database) and the model trained in models/.
Their combined output is kept in a log file that tests can read.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List

import pytest

from bot.app.run import process_specs
from bot.core.settings import ROOT, Settings
from bot.rasa.endpoints import write_endpoints
from bot.rasa.model import latest_model, train


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    settings: Settings
    token: str
    log_path: Path
    procs: List[subprocess.Popen]

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _wait(url: str, procs: List[subprocess.Popen], log: Path, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for p in procs:
            if p.poll() is not None:
                raise RuntimeError(f"a process died while starting:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise RuntimeError(f"stack not healthy after {timeout} s:\n{log.read_text()[-4000:]}")


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    models = ROOT / "models"
    if latest_model(models) is None:
        train(models)
    var = tmp_path_factory.mktemp("stack-var")
    # The office's content files, copied so a test can edit them while the stack runs.
    content = tmp_path_factory.mktemp("stack-content")
    shutil.copytree(ROOT / "content", content, dirs_exist_ok=True)
    token = secrets.token_urlsafe(24)
    action_token = secrets.token_urlsafe(24)  # Rasa -> action server (bot.rasa.action_server)
    env = {
        **os.environ,
        "BORGER_VAR_DIR": str(var),
        "BORGER_CONTENT_DIR": str(content),
        "BORGER_RASA_PORT": str(free_port()),
        "BORGER_ACTION_PORT": str(free_port()),
        "BORGER_WEB_PORT": str(free_port()),
        "BORGER_RASA_TOKEN": token,
        "BORGER_ACTION_TOKEN": action_token,
        "BORGER_LOG_LEVEL": "INFO",
        "BORGER_CORS_ORIGINS": "https://www.aalborg.dk",
        # Every conversation comes from 127.0.0.1 and books with the same few test phone
        # numbers, and a test sends a conversation's turns faster than anyone types: the
        # abuse limits (tested on their own) would refuse the later ones.
        "BORGER_CHAT_PER_CLIENT_PER_MINUTE": "100000",
        "BORGER_CHAT_PER_CONVERSATION_PER_MINUTE": "100000",
        "BORGER_BOOKING_MAX_OPEN_PER_CONTACT": "1000",
        "BORGER_BOOKING_MAX_PER_CONTACT_PER_DAY": "1000",
        "BORGER_BOOKING_RESERVED_SHARE": "0",
        "SANIC_HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "LOG_LEVEL": "INFO",
    }
    for key in ("BORGER_DATABASE_URL", "BORGER_TRACKER_STORE_URL", "BORGER_LOCK_STORE_URL"):
        env.pop(key, None)
    settings = Settings(
        var_dir=var,
        content_dir=content,
        rasa_port=int(env["BORGER_RASA_PORT"]),
        action_port=int(env["BORGER_ACTION_PORT"]),
        web_port=int(env["BORGER_WEB_PORT"]),
        rasa_token=token,
        action_token=action_token,
    )
    endpoints = write_endpoints(settings, var / "endpoints.yml")
    from bot.app.schema import create_schema
    from bot.infra.db import make_engine

    engine = make_engine(settings.app_database_url)
    create_schema(engine)
    engine.dispose()

    log_path = var / "stack.log"
    log = log_path.open("w", encoding="utf-8")
    procs = [
        subprocess.Popen(spec.command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        for spec in process_specs(settings, endpoints, token)
    ]
    stack = Stack(settings, token, log_path, procs)
    try:
        _wait(f"{stack.web}/health", procs, log_path)
        yield stack
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        log.close()
