"""Real HTTP servers for the web tests: the fake Rasa + fake action server and the real web
app, each run by uvicorn on a free port in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, List

import pytest
import uvicorn

from bot.core.settings import Settings
from bot.infra.rasa_client import RasaClient
from bot.web.app import create_app
from tests.web.fakes import ALLOWED_ORIGIN, MAX_CHARS, TOKEN, FakeRasa


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any, port: int | None = None) -> Iterator[str]:
    """Run an ASGI app with uvicorn in a thread; yields its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="on",
        access_log=False,
        # No websockets needed; uvicorn's auto-detection breaks on Rasa's websockets 10 pin.
        ws="none",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture
def free_port_factory() -> Callable[[], int]:
    """A function returning a free TCP port on 127.0.0.1 (nothing listens on it)."""
    return free_port


@pytest.fixture
def serve_app() -> Callable[..., Any]:
    """``with serve_app(asgi_app) as url:`` runs an app with uvicorn in a thread."""
    return serve


class FakeStack:
    def __init__(self, rasa: FakeRasa, rasa_port: int, action_port: int) -> None:
        self.rasa = rasa
        self.rasa_port = rasa_port
        self.action_port = action_port


@pytest.fixture(scope="session")
def fake_stack() -> Iterator[FakeStack]:
    fake = FakeRasa()
    rasa_port, action_port = free_port(), free_port()
    with serve(fake.rasa_app(), rasa_port), serve(fake.actions_app(), action_port):
        yield FakeStack(fake, rasa_port, action_port)


@pytest.fixture
def fake_rasa(fake_stack: FakeStack) -> Iterator[FakeRasa]:
    fake_stack.rasa.reset()
    yield fake_stack.rasa
    fake_stack.rasa.reset()


def web_settings(stack: FakeStack, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "host": "127.0.0.1",
        "rasa_port": stack.rasa_port,
        "action_port": stack.action_port,
        "rasa_token": TOKEN,
        "cors_origins": [ALLOWED_ORIGIN],
        "max_message_chars": MAX_CHARS,
        "var_dir": tmp_path / "var",
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture
def start_web(fake_stack: FakeStack, tmp_path: Path) -> Iterator[Callable[..., str]]:
    """Starts the real web app (settings overrides and RasaClient kwargs as arguments)."""
    exits: List[Any] = []

    def start(client_kwargs: dict[str, Any] | None = None, **overrides: Any) -> str:
        settings = web_settings(fake_stack, tmp_path, **overrides)
        rasa = RasaClient.from_settings(settings, **client_kwargs) if client_kwargs else None
        cm = serve(create_app(settings, rasa))
        url = cm.__enter__()
        exits.append(cm)
        return url

    yield start
    for cm in reversed(exits):
        cm.__exit__(None, None, None)


@pytest.fixture
def web_url(start_web: Callable[..., str], fake_rasa: FakeRasa) -> str:
    """The web app in front of the (healthy) fake Rasa."""
    return start_web()


@pytest.fixture
def down_web_url(start_web: Callable[..., str], fake_rasa: FakeRasa) -> str:
    """The web app with Rasa and the action server unreachable (nothing on their ports)."""
    return start_web(rasa_port=free_port(), action_port=free_port())
