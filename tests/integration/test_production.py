"""Production mode's faults, against the real PostgreSQL, Redis and nginx on the machine.

The stack is started once for this module the way ``borger run --prod`` starts it
(``bot.app.prod``: two Rasa replicas behind nginx on the Rasa port, the action server,
the web app, the worker, with a supervisor that starts a stopped process again), in a
PostgreSQL database of its own (created and dropped) and with its own Redis key prefix.

PostgreSQL and Redis are reached through TCP proxies (``tests/integration/tcp_proxy.py``):
the machine's servers are shared with other work and must not be restarted, so an
outage is the proxy stopping (every open connection cut, new ones refused) and the
restart is the proxy listening again on the same port. The replicas load the model in
models/ (trained once if there is none), as the embedded stack fixture does.

Select them with ``-m production``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Tuple

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.app import db_cli
from bot.app.prod import ProdSupervisor, production_specs, rasa_ports, wait_ready
from bot.app.run import runtime
from bot.core.settings import ROOT, Settings
from bot.features.contact import cached_contact
from bot.rasa.model import latest_model, train
from bot.web.texts import cached_web_texts
from tests.conftest import POSTGRES_ADMIN_URL
from tests.integration.conftest import free_port
from tests.integration.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.stack, pytest.mark.production]

REDIS = ("127.0.0.1", int(os.environ.get("BORGER_TEST_REDIS_PORT", "6379")))
HELLO = ["hej", "hvad er aktindsigt", "tak for det", "hvem er du", "hvad er en klage"]


class LoggingSupervisor(ProdSupervisor):
    """The production supervisor with the processes' output in a file."""

    log: Path

    @staticmethod
    def _pump(name: str, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        with open(LoggingSupervisor.log, "ab") as out:
            for raw in proc.stdout:
                out.write(f"[{name}] ".encode() + raw)
                out.flush()


@dataclass
class Prod:
    settings: Settings
    supervisor: LoggingSupervisor
    token: str
    pg: TcpProxy
    redis: TcpProxy
    direct_db: str  # the database without the proxy, for checking what was stored
    log: Path
    stop: threading.Event = field(default_factory=threading.Event)

    @property
    def rasa(self) -> str:
        return f"http://127.0.0.1:{self.settings.rasa_port}"

    @property
    def web(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def logs(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def send(self, sender: str, message: str) -> Tuple[int, str, list]:
        """One message through nginx to the REST channel: status, replica, replies."""
        resp = httpx.post(
            f"{self.rasa}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        # nginx lists every replica it tried; the last one answered.
        upstream = resp.headers.get("x-upstream", "").split(",")[-1].strip()
        body = resp.json() if resp.status_code in (200, 503) else []
        return resp.status_code, upstream, body

    def chat(self, sender: str, message: str) -> Tuple[int, dict]:
        resp = httpx.post(
            f"{self.web}/api/chat", json={"sender": sender, "message": message}, timeout=60
        )
        return resp.status_code, resp.json()

    def stored(self, sender: str) -> List[dict]:
        engine = create_engine(self.direct_db, future=True)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                    {"s": sender},
                ).all()
        finally:
            engine.dispose()
        return [json.loads(r[0]) for r in rows]

    def replica_port(self, name: str) -> int:
        return rasa_ports(self.settings)[int(name.split("-")[1]) - 1]


@pytest.fixture(scope="module")
def prod(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Prod]:
    if not POSTGRES_ADMIN_URL:
        pytest.skip("BORGER_TEST_POSTGRES_URL is empty")
    if shutil.which("nginx") is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is required in CI (scripts/setup.sh --dev installs it)")
        pytest.skip("nginx is not installed")
    models = ROOT / "models"
    if latest_model(models) is None:
        train(models)
    var = tmp_path_factory.mktemp("prod-var")
    name = f"borger_prod_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
    admin_url = make_admin_parts(POSTGRES_ADMIN_URL)
    pg = TcpProxy(admin_url[0], admin_url[1]).start()
    redis = TcpProxy(*REDIS).start()
    url = f"postgresql://{admin_url[2]}@127.0.0.1:{pg.port}/{name}"
    token = secrets.token_urlsafe(24)
    prefix = f"test{uuid.uuid4().hex[:10]}"
    env_settings = {
        "BORGER_VAR_DIR": str(var),
        "BORGER_RASA_PORT": str(free_port()),
        "BORGER_ACTION_PORT": str(free_port()),
        "BORGER_WEB_PORT": str(free_port()),
        "BORGER_INTERNAL_PORT_BASE": str(free_block(3)),
        "BORGER_RASA_REPLICAS": "2",
        "BORGER_DATABASE_URL": url,
        "BORGER_TRACKER_STORE_URL": url,
        "BORGER_LOCK_STORE_URL": f"redis://127.0.0.1:{redis.port}/0",
        "BORGER_LOCK_KEY_PREFIX": prefix,
        "BORGER_RASA_TOKEN": token,
        "BORGER_MODEL_PULL_SECONDS": "0",  # the shared models folder
        "BORGER_CHAT_PER_CLIENT_PER_MINUTE": "100000",
        "BORGER_CHAT_PER_CONVERSATION_PER_MINUTE": "100000",
        "BORGER_LOG_LEVEL": "INFO",
    }
    saved = {k: os.environ.get(k) for k in env_settings}
    os.environ.update(env_settings)
    try:
        settings = Settings()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    settings = settings.copy(
        update={"rasa_replica_urls": [f"http://127.0.0.1:{p}" for p in rasa_ports(settings)]}
    )
    db_cli.upgrade(url)
    env, endpoints, token = runtime(settings)
    env.update(env_settings, PYTHONUNBUFFERED="1", LOG_LEVEL="INFO")
    log = var / "prod.log"
    LoggingSupervisor.log = log
    supervisor = LoggingSupervisor(env, production_specs(settings, endpoints, token))
    stack = Prod(settings, supervisor, token, pg, redis, f"{base}/{name}", log)

    def watch() -> None:
        while not stack.stop.wait(0.5):
            supervisor.restart_dead()

    supervisor.start_all()
    try:
        ready = [f"http://127.0.0.1:{p}/" for p in rasa_ports(settings)]
        ready.append(f"{stack.web}/health")
        if not wait_ready(ready, supervisor, timeout=900):
            raise RuntimeError(f"production stack did not start:\n{stack.logs()[-5000:]}")
        threading.Thread(target=watch, daemon=True).start()
        yield stack
    finally:
        stack.stop.set()
        supervisor.stop()
        pg.stop()
        redis.stop()
        with admin.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()
        _clear_redis(prefix)


def make_admin_parts(url: str) -> Tuple[str, int, str]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    user = parsed.username or "postgres"
    if parsed.password:
        user += f":{parsed.password}"
    return parsed.host or "127.0.0.1", parsed.port or 5432, user


def free_block(n: int) -> int:
    import random
    import socket

    for _ in range(100):
        start = random.randint(30000, 45000)
        ok = True
        for port in range(start, start + n):
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port))
                except OSError:
                    ok = False
                    break
        if ok:
            return start
    raise RuntimeError("no free ports")


def _clear_redis(prefix: str) -> None:
    import redis

    client = redis.Redis(*REDIS)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)
    client.close()


def new_sender() -> str:
    return uuid.uuid4().hex


def user_texts(events: List[dict]) -> List[str]:
    return [e.get("text") for e in events if e.get("event") == "user"]


def assert_turns_not_interleaved(events: List[dict]) -> None:
    """Every user message's turn ends with action_listen before the next one starts."""
    previous = None
    for i, e in enumerate(events):
        if e.get("event") == "user":
            if previous is not None:
                before = [x for x in events[previous:i] if x.get("event") == "action"]
                assert before and before[-1].get("name") == "action_listen", events[previous:i]
            previous = i


def unavailable_text() -> str:
    texts = cached_web_texts(ROOT / "content" / "web.yml")
    phone = cached_contact(ROOT / "content" / "contact.yml").hovedtelefon
    return texts.utilgaengelig.format(telefon=phone)


# --------------------------------------------------------------------------- tests
def test_one_conversation_alternates_between_the_replicas_and_keeps_every_event(
    prod: Prod,
) -> None:
    sender = new_sender()
    sent, replicas = [], []
    for n in range(8):
        message = f"{HELLO[n % len(HELLO)]} ({n})"
        status, upstream, replies = prod.send(sender, message)
        assert status == 200 and replies, (status, replies)
        sent.append(message)
        replicas.append(upstream)
    ports = {f"127.0.0.1:{p}" for p in rasa_ports(prod.settings)}
    assert set(replicas) == ports, replicas  # both replicas served this conversation
    switches = sum(1 for a, b in zip(replicas, replicas[1:]) if a != b)
    assert switches >= 4, replicas
    events = prod.stored(sender)
    assert user_texts(events) == sent  # nothing lost, nothing reordered, nothing twice
    assert_turns_not_interleaved(events)
    assert len({json.dumps(e, sort_keys=True) for e in events}) == len(events)


def test_messages_sent_at_once_in_one_conversation_are_handled_one_after_another(
    prod: Prod,
) -> None:
    sender = new_sender()
    assert prod.send(sender, "hej")[0] == 200
    results: Dict[int, int] = {}

    def one(n: int) -> None:
        results[n] = prod.send(sender, f"{HELLO[n % len(HELLO)]} [{n}]")[0]

    threads = [threading.Thread(target=one, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert sorted(results.values()) == [200] * 6
    events = prod.stored(sender)
    texts = user_texts(events)
    assert sorted(texts[1:]) == sorted(f"{HELLO[n % len(HELLO)]} [{n}]" for n in range(6))
    assert_turns_not_interleaved(events)


def test_a_killed_replica_is_skipped_and_joins_again_when_it_is_back(prod: Prod) -> None:
    sender = new_sender()
    for n in range(2):
        assert prod.send(sender, f"{HELLO[n]} ({n})")[0] == 200
    victim = prod.supervisor.procs["rasa-1"]
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(30)
    survivor = f"127.0.0.1:{prod.replica_port('rasa-2')}"
    sent = [f"{HELLO[n]} ({n})" for n in range(2)]
    for n in range(2, 8):
        message = f"{HELLO[n % len(HELLO)]} ({n})"
        status, upstream, replies = prod.send(sender, message)
        assert status == 200 and replies, (status, replies)
        assert upstream == survivor
        sent.append(message)
    assert user_texts(prod.stored(sender)) == sent
    # The supervisor starts it again; once it answers, nginx gives it messages again.
    back = f"http://127.0.0.1:{prod.replica_port('rasa-1')}/"
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline and not _answers(back):
        time.sleep(1)
    assert _answers(back), prod.logs()[-3000:]
    assert prod.supervisor.procs["rasa-1"].pid != victim.pid
    seen = set()
    for n in range(8, 16):
        message = f"{HELLO[n % len(HELLO)]} ({n})"
        status, upstream, _ = prod.send(sender, message)
        assert status == 200
        sent.append(message)
        seen.add(upstream)
    assert f"127.0.0.1:{prod.replica_port('rasa-1')}" in seen
    events = prod.stored(sender)
    assert user_texts(events) == sent
    assert_turns_not_interleaved(events)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as resp:  # noqa: S310
            return resp.status == 200
    except OSError:
        return False


def test_postgres_restarted_under_load_fails_in_danish_and_recovers_losing_nothing(
    prod: Prod,
) -> None:
    citizens = [new_sender() for _ in range(4)]
    acknowledged: Dict[str, List[str]] = {c: [] for c in citizens}
    refused: List[dict] = []
    other: List[Tuple[int, dict]] = []
    stop = threading.Event()
    phase = {"name": "before"}
    after_ok: Dict[str, int] = {c: 0 for c in citizens}

    def citizen(sender: str) -> None:
        n = 0
        while not stop.is_set():
            message = f"{HELLO[n % len(HELLO)]} #{n}"
            n += 1
            try:
                status, body = prod.chat(sender, message)
            except httpx.HTTPError:
                continue
            if status == 200:
                acknowledged[sender].append(message)
                if phase["name"] == "after":
                    after_ok[sender] += 1
            elif status == 503:
                refused.append(body)
            else:
                other.append((status, body))
            time.sleep(0.2)

    threads = [threading.Thread(target=citizen, args=(c,)) for c in citizens]
    for t in threads:
        t.start()
    time.sleep(5)
    prod.pg.stop()  # PostgreSQL "restarts": connections cut, new ones refused
    phase["name"] = "outage"
    time.sleep(8)
    refused_during = len(refused)
    prod.pg.start()
    phase["name"] = "after"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and min(after_ok.values()) < 3:
        time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join(120)

    assert refused_during > 0
    assert all(r == {"error": "unavailable", "message": unavailable_text()} for r in refused)
    assert "Prøv igen" in unavailable_text() and "ring" in unavailable_text()
    assert other == []
    assert min(after_ok.values()) >= 3, after_ok  # recovered by itself
    for sender, messages in acknowledged.items():
        stored = user_texts(prod.stored(sender))
        # Every acknowledged message is stored, in order (a refused one may be too).
        it = iter(stored)
        assert all(m in it for m in messages), (messages, stored)


def test_redis_gone_refuses_messages_without_writing_and_recovers(prod: Prod) -> None:
    sender = new_sender()
    assert prod.chat(sender, "hej")[0] == 200
    before = prod.stored(sender)
    prod.redis.stop()
    try:
        for n in range(3):
            status, body = prod.chat(sender, f"hvad er aktindsigt {n}")
            assert status == 503
            assert body["message"] == unavailable_text()
        assert prod.stored(sender) == before  # nothing written without the lock
    finally:
        prod.redis.start()
    deadline = time.monotonic() + 60
    status = 0
    while time.monotonic() < deadline:
        status, _ = prod.chat(sender, "hvad er aktindsigt")
        if status == 200:
            break
        time.sleep(1)
    assert status == 200
    events = prod.stored(sender)
    assert user_texts(events) == ["hej", "hvad er aktindsigt"]  # the refused ones: not at all
    assert events[: len(before)] == before
    assert_turns_not_interleaved(events)


def test_production_mode_refuses_to_start_without_its_services() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("BORGER_DATABASE_URL", "BORGER_TRACKER_STORE_URL", "BORGER_LOCK_STORE_URL")
    }
    env["BORGER_RASA_REPLICAS"] = "2"
    done = subprocess.run(
        [sys.executable, "-m", "bot.app.cli", "run", "--prod"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert "BORGER_DATABASE_URL skal være en postgresql://-adresse" in done.stderr
    assert "BORGER_LOCK_STORE_URL være en redis://-adresse" in done.stderr
