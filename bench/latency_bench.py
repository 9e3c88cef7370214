"""Message-path benchmark: latency, saturation, cold start, retrain, memory, and where
the time goes (issue 15).

Run from the project root (a trained model in models/; the production runs need the
local PostgreSQL 127.0.0.1:5432, Redis 127.0.0.1:6379 and nginx):

    .venv/bin/python bench/latency_bench.py                      # everything below
    .venv/bin/python bench/latency_bench.py --only latency       # 20 citizens, 1 s think
    .venv/bin/python bench/latency_bench.py --only saturation    # closed loop, 1 and 2 replicas
    .venv/bin/python bench/latency_bench.py --only profile       # what each part costs
    .venv/bin/python bench/latency_bench.py --only retrain
    .venv/bin/python bench/latency_bench.py --url http://127.0.0.1:8000 --only latency

Each run starts its own stacks the way ``borger run`` / ``borger run --prod`` start
them (own var/ folder, free ports, a PostgreSQL database it creates and drops, its own
Redis key prefix), so it does not touch anything else on the machine:

- **latency**: 20 citizens, each holding the conversations of tests/transcripts/ one
  after another with 1 s think time between a reply and the next message, for
  ``--seconds``; p50/p95/p99 of the round trip through the web app (POST /api/chat),
  embedded (SQLite, 1 Rasa) and production (PostgreSQL, Redis, nginx, 2 replicas).
- **saturation**: ``--clients`` citizens with no think time (closed loop); messages
  per second with 1 and with 2 Rasa replicas.
- **cold start**: from the command (``borger run``) to the first answer, model trained.
- **rss**: resident memory of every process of the stack after the load.
- **retrain**: a full ``rasa train --force`` into a temporary folder.
- **profile**: the message path inside one Rasa process (tracker store read, NLU,
  policies, action server round trip, tracker store write), per message.

Figures are printed (and written as JSON with ``--json``), never asserted. The machine
has 2 cores; other work on it makes the figures noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import yaml  # noqa: E402

PY = sys.executable
TARGETS = {
    "p95_ms_20_conversations": 150.0,
    "msg_per_s_2_replicas": 50.0,
    "speedup_2_over_1": 1.6,
    "cold_start_s": 20.0,
    "rasa_rss_mb": 1200.0,
}
Turn = Tuple[str, str]  # ("user", text) or ("click", title pattern)


# --------------------------------------------------------------------------- load
def conversations() -> List[List[Turn]]:
    """The citizens' turns of tests/transcripts/*.yml (up to a turn needing a capture)."""
    found: List[List[Turn]] = []
    for path in sorted((ROOT / "tests" / "transcripts").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for conv in data.get("conversations") or []:
            turns: List[Turn] = []
            for turn in conv.get("turns") or []:
                if "user" in turn and "{" not in str(turn["user"]):
                    turns.append(("user", str(turn["user"])))
                elif "click" in turn:
                    turns.append(("click", str(turn["click"])))
                else:
                    break
            if turns:
                found.append(turns)
    return found


@dataclass
class Sample:
    done: float  # monotonic time the reply arrived
    ms: float
    ok: bool
    status: int = 0


@dataclass
class Load:
    samples: List[Sample] = field(default_factory=list)

    def window(self, start: float, end: float) -> List[Sample]:
        return [s for s in self.samples if start <= s.done <= end]


async def citizen(
    client: httpx.AsyncClient,
    web: str,
    convs: List[List[Turn]],
    rng: random.Random,
    think: float,
    until: float,
    load: Load,
) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        sender = uuid.uuid4().hex
        last: List[Dict[str, Any]] = []
        for kind, value in rng.choice(convs):
            if loop.time() >= until:
                return
            text = value if kind == "user" else _button(last, value)
            if text is None:
                break
            started = loop.time()
            try:
                resp = await client.post(
                    f"{web}/api/chat", json={"sender": sender, "message": text}, timeout=60
                )
                ok, status = resp.status_code == 200, resp.status_code
                last = resp.json().get("messages", []) if ok else []
            except (httpx.HTTPError, ValueError):
                ok, last, status = False, [], -1
            done = loop.time()
            load.samples.append(Sample(done, (done - started) * 1000, ok, status))
            if think:
                await asyncio.sleep(think * rng.uniform(0.8, 1.2))


def _button(messages: List[Dict[str, Any]], pattern: str) -> str | None:
    for message in messages:
        for button in message.get("buttons") or []:
            if re.search(pattern, button.get("title", ""), re.I):
                return str(button.get("payload"))
    return None


def run_load(web: str, clients: int, think: float, seconds: float, warmup: float) -> Dict:
    convs = conversations()

    async def main() -> Dict:
        load = Load()
        limits = httpx.Limits(max_connections=clients + 4, max_keepalive_connections=clients)
        async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
            loop = asyncio.get_running_loop()
            start = loop.time()
            until = start + warmup + seconds
            await asyncio.gather(
                *[
                    citizen(client, web, convs, random.Random(i), think, until, load)
                    for i in range(clients)
                ]
            )
        measured = load.window(start + warmup, until + 60)
        result = summarise(measured, seconds)
        result["answered_incl_warmup"] = sum(1 for x in load.samples if x.ok)
        return result

    return asyncio.run(main())


def summarise(samples: List[Sample], seconds: float) -> Dict:
    ok = sorted(s.ms for s in samples if s.ok)
    return {
        "messages": len(samples),
        "failed": dict(Counter(s.status for s in samples if not s.ok)),
        "msg_per_s": round(len(ok) / seconds, 1) if seconds else None,
        "p50_ms": pct(ok, 50),
        "p95_ms": pct(ok, 95),
        "p99_ms": pct(ok, 99),
        "max_ms": round(ok[-1], 1) if ok else None,
    }


def pct(values: List[float], p: float) -> float | None:
    if not values:
        return None
    k = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return round(values[k], 1)


# -------------------------------------------------------------------------- stacks
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Stack:
    name: str
    proc: subprocess.Popen
    web: str
    rasa: str
    token: str
    cold_start_s: float
    log: Path
    cleanup: List[Any] = field(default_factory=list)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        for fn in self.cleanup:
            fn()


def start_stack(name: str, prod: bool, replicas: int, pg_admin: str, redis: str) -> Stack:
    var = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
    token = uuid.uuid4().hex
    ports = {k: free_port() for k in ("WEB", "RASA", "ACTION")}
    env = {
        **os.environ,
        "BORGER_VAR_DIR": str(var),
        "BORGER_WEB_PORT": str(ports["WEB"]),
        "BORGER_RASA_PORT": str(ports["RASA"]),
        "BORGER_ACTION_PORT": str(ports["ACTION"]),
        "BORGER_RASA_TOKEN": token,
        "BORGER_LOG_LEVEL": "WARNING",
        # The bench's many conversations from one address are not abuse.
        "BORGER_CHAT_PER_CLIENT_PER_MINUTE": "1000000",
        "BORGER_CHAT_PER_CONVERSATION_PER_MINUTE": "1000000",
    }
    cleanup: List[Any] = []
    for key in ("BORGER_DATABASE_URL", "BORGER_TRACKER_STORE_URL", "BORGER_LOCK_STORE_URL"):
        env.pop(key, None)
    if prod:
        db = f"borger_bench_{uuid.uuid4().hex[:8]}"
        url = create_database(pg_admin, db)
        cleanup.append(lambda: drop_database(pg_admin, db))
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        env.update(
            BORGER_DATABASE_URL=url,
            BORGER_TRACKER_STORE_URL=url,
            BORGER_LOCK_STORE_URL=redis,
            BORGER_LOCK_KEY_PREFIX=prefix,
            BORGER_RASA_REPLICAS=str(replicas),
            BORGER_INTERNAL_PORT_BASE=str(free_port_block(replicas + 2)),
        )
    log = var / "stack.log"
    command = [PY, "-m", "bot.app.cli", "run", *(["--prod"] if prod else [])]
    started = time.monotonic()
    proc = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )
    web = f"http://127.0.0.1:{ports['WEB']}"
    stack = Stack(
        name, proc, web, f"http://127.0.0.1:{ports['RASA']}", token, 0.0, log, cleanup
    )
    try:
        stack.cold_start_s = round(first_answer(web, proc, log) - started, 1)
    except Exception:
        stack.stop()
        raise
    return stack


def free_port_block(n: int) -> int:
    for _ in range(50):
        base = random.randint(20000, 40000)
        if all(_port_free(base + i) for i in range(n)):
            return base
    raise RuntimeError("no free block of ports")


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def first_answer(web: str, proc: subprocess.Popen, log: Path, timeout: float = 600) -> float:
    deadline = time.monotonic() + timeout
    sender = uuid.uuid4().hex
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"stack stopped:\n{log.read_text()[-3000:]}")
        try:
            resp = httpx.post(
                f"{web}/api/chat", json={"sender": sender, "message": "hej"}, timeout=30
            )
            if resp.status_code == 200 and resp.json().get("messages"):
                return time.monotonic()
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"no answer after {timeout} s:\n{log.read_text()[-3000:]}")


def create_database(admin_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT", future=True)
    with engine.connect() as conn:
        conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :n AND pid <> pg_backend_pid()"
            ),
            {"n": name},
        )
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    engine.dispose()


# ----------------------------------------------------------------------------- rss
def process_tree(root: int) -> Iterator[int]:
    children: Dict[int, List[int]] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line
            )
            children.setdefault(int(fields["PPid"]), []).append(int(fields["Pid"]))
        except (OSError, KeyError, ValueError):
            continue
    todo = [root]
    while todo:
        pid = todo.pop()
        yield pid
        todo.extend(children.get(pid, []))


def rss_by_process(root: int) -> Dict[str, float]:
    """Resident MB per process of the stack, named by role (rasa-1, actions, web, ...)."""
    found: Dict[str, float] = {}
    for pid in process_tree(root):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            rss_kb = next(
                int(line.split()[1])
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration, ValueError):
            continue
        role = _role(cmd)
        if role is None:
            continue
        n = 1
        while f"{role}-{n}" in found:
            n += 1
        found[f"{role}-{n}"] = round(rss_kb / 1024, 0)
    return found


def cpu_by_process(root: int) -> Dict[str, float]:
    """CPU seconds (user + system) used so far by every process of the stack, by role."""
    tick = os.sysconf("SC_CLK_TCK")
    found: Dict[str, float] = {}
    for pid in process_tree(root):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        role = _role(cmd)
        if role is None:
            continue
        n = 1
        while f"{role}-{n}" in found:
            n += 1
        found[f"{role}-{n}"] = (int(fields[11]) + int(fields[12])) / tick
    return found


def _role(cmd: str) -> str | None:
    for needle, role in (
        ("bot.rasa.main", "rasa"),
        ("rasa_sdk", "actions"),
        ("bot.rasa.action_server", "actions"),
        ("uvicorn", "web"),
        ("cli worker", "worker"),
        ("nginx", "nginx"),
        ("cli run", "supervisor"),
    ):
        if needle in cmd:
            return role
    return None


# ---------------------------------------------------------------------- cold start
def cold_parts() -> Dict:
    """Where a Rasa replica's start goes: Python importing Rasa, importing TensorFlow
    (TED), and the whole start of a Rasa process up to its first answer is in
    ``cold_start_s`` of each stack."""
    parts: Dict[str, float] = {}
    for name, code in (
        ("python_s", "pass"),
        ("import_tensorflow_s", "import tensorflow"),
        ("import_rasa_agent_s", "import rasa.core.agent"),
        ("import_rasa_and_ted_s", "import rasa.core.agent, rasa.core.policies.ted_policy"),
    ):
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603
            [PY, "-c", f"{code}\nimport resource\n"
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
            cwd=ROOT, check=True, capture_output=True, text=True,
        )
        parts[name] = round(time.monotonic() - started, 1)
        parts[name.replace("_s", "_rss_mb")] = round(int(done.stdout.split()[-1]) / 1024)
    from bot.rasa.model import train

    started = time.monotonic()
    train(ROOT / "models")  # nothing changed: the inputs' hash matches (bot/rasa/model.py)
    parts["train_check_s"] = round(time.monotonic() - started, 2)
    return parts


# ------------------------------------------------------------------------- retrain
def retrain() -> Dict:
    from bot.rasa.model import train_command

    with tempfile.TemporaryDirectory() as out:
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false"}
        started = time.monotonic()
        subprocess.run(  # noqa: S603
            train_command(Path(out), ["--force"]),
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return {"retrain_s": round(time.monotonic() - started, 1)}


# ------------------------------------------------------------------------- profile
STAGES = ("retrieve", "nlu", "policies", "actions", "save", "tracker_copy")


def profile(messages: int, stock: bool = False) -> Dict:
    """The message path inside one Rasa process: the model from models/, the tracker
    store on a temporary SQLite file (or ``BENCH_TRACKER_URL``), an action server of its
    own; every stage timed around Rasa's own methods. Per message, in ms."""
    os.environ["RASA_TELEMETRY_ENABLED"] = "false"
    import logging

    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # Rasa's debug log prints every message
    logging.getLogger().setLevel(logging.WARNING)
    var = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    port = free_port()
    env = {**os.environ, "BORGER_VAR_DIR": str(var)}
    actions = subprocess.Popen(  # noqa: S603
        [PY, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        _wait_http(f"http://127.0.0.1:{port}/health")
        return asyncio.run(_profile(messages, var, port, stock))
    finally:
        actions.terminate()
        actions.wait(30)


def _wait_http(url: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


async def _profile(messages: int, var: Path, action_port: int, stock: bool) -> Dict:
    from bot.rasa import hooks, speed, tracker_store

    hooks.install()
    if not stock:
        tracker_store.install()
        speed.install()
    from rasa.core.actions.action import RemoteAction
    from rasa.core.agent import Agent
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.core.lock_store import InMemoryLockStore
    from rasa.core.policies.memoization import MemoizationPolicy
    from rasa.core.policies.rule_policy import RulePolicy
    from rasa.core.policies.ted_policy import TEDPolicy
    from rasa.core.processor import MessageProcessor
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.rasa.model import latest_model
    from bot.rasa.tracker_store import BorgerTrackerStore

    store_class = SQLTrackerStore if stock else BorgerTrackerStore

    spent: Dict[str, List[float]] = {}
    current: Dict[str, float] = {}

    def add(stage: str, seconds: float) -> None:
        current[stage] = current.get(stage, 0.0) + seconds

    def timed_async(cls: Any, name: str, stage: str) -> None:
        original = getattr(cls, name)

        async def wrapper(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return await original(*a, **k)
            finally:
                add(stage, time.perf_counter() - t)

        setattr(cls, name, wrapper)

    def timed_sync(cls: Any, name: str, stage: str) -> None:
        original = getattr(cls, name)

        def wrapper(*a: Any, **k: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*a, **k)
            finally:
                add(stage, time.perf_counter() - t)

        setattr(cls, name, wrapper)

    timed_async(store_class, "retrieve", "retrieve")
    timed_async(store_class, "save", "save")
    timed_async(MessageProcessor, "parse_message", "nlu")
    timed_sync(MessageProcessor, "_predict_next_with_tracker", "policies")
    timed_async(RemoteAction, "run", "actions")
    per_action: Dict[str, List[float]] = {}
    remote_run = RemoteAction.run

    async def run_action(self: Any, *a: Any, **k: Any) -> Any:
        t = time.perf_counter()
        try:
            return await remote_run(self, *a, **k)
        finally:
            per_action.setdefault(self.name(), []).append(time.perf_counter() - t)

    RemoteAction.run = run_action  # type: ignore[method-assign]
    timed_sync(DialogueStateTracker, "copy", "tracker_copy")
    for policy, label in ((TEDPolicy, "ted"), (RulePolicy, "rule"), (MemoizationPolicy, "memo")):
        if "predict_action_probabilities" in policy.__dict__:
            timed_sync(policy, "predict_action_probabilities", f"policy_{label}")

    url = os.environ.get("BENCH_TRACKER_URL") or f"sqlite:///{var / 'rasa.db'}"
    from bot.rasa.endpoints import tracker_store_config

    config = tracker_store_config(url)
    config.pop("type")
    host = config.pop("url", None)
    store = store_class(host=host, **config)
    model = latest_model(ROOT / "models")
    if model is None:
        raise RuntimeError("no model in models/: run 'borger train'")
    t = time.perf_counter()
    agent = Agent.load(
        str(model),
        tracker_store=store,
        lock_store=InMemoryLockStore(),
        action_endpoint=EndpointConfig(f"http://127.0.0.1:{action_port}/webhook"),
    )
    load_s = time.perf_counter() - t
    convs = conversations()
    rng = random.Random(1)
    # Warm up (the first letter explanation loads spaCy, the first queries compile).
    for text in ("hej", "hvad er aktindsigt", "Kære borger. Du har ret til aktindsigt."):
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), "warmup"))
    per_action.clear()
    load_before = os.getloadavg()[0]
    totals: List[float] = []
    events: List[int] = []
    done = 0
    while done < messages:
        sender = uuid.uuid4().hex
        last: List[Dict[str, Any]] = []
        for kind, value in rng.choice(convs):
            text = value if kind == "user" else _button(last, value)
            if text is None or done >= messages:
                break
            current.clear()
            out = CollectingOutputChannel()
            t = time.perf_counter()
            await agent.handle_message(UserMessage(text, out, sender))
            totals.append(time.perf_counter() - t)
            for stage, seconds in current.items():
                spent.setdefault(stage, []).append(seconds)
            last = out.messages
            tracker = await store.retrieve(sender)
            events.append(len(tracker.events) if tracker else 0)
            done += 1
    n = len(totals)
    result: Dict[str, Any] = {
        "load_avg_1min": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "model_load_s": round(load_s, 1),
        "messages": n,
        "events_per_conversation_max": max(events) if events else 0,
        "total_ms_mean": round(1000 * sum(totals) / n, 1),
        "total_ms_p95": pct(sorted(1000 * x for x in totals), 95),
    }
    for stage in sorted(spent):
        values = spent[stage] + [0.0] * (n - len(spent[stage]))
        result[f"{stage}_ms_mean"] = round(1000 * sum(values) / n, 2)
    if not stock:
        result["predictions"] = dict(speed.stats)
    slowest = sorted(per_action.items(), key=lambda kv: -sum(kv[1]))[:8]
    result["actions_slowest"] = {
        name: f"{len(v)} calls, mean {1000 * sum(v) / len(v):.0f} ms" for name, v in slowest
    }
    accounted = sum(result.get(f"{s}_ms_mean", 0.0) for s in STAGES if s != "tracker_copy")
    result["other_ms_mean"] = round(result["total_ms_mean"] - accounted, 2)
    return result


# ---------------------------------------------------------------------------- main
def main(argv: List[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", default=[],
                    choices=["latency", "saturation", "retrain", "profile", "cold"])
    ap.add_argument("--url", help="measure a running web app instead of starting stacks")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=10.0)
    ap.add_argument("--conversations", type=int, default=20)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--clients", type=int, default=16, help="saturation: closed-loop citizens")
    ap.add_argument("--replicas", type=int, default=2, help="latency: production replicas")
    ap.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    ap.add_argument("--messages", type=int, default=200, help="profile: messages")
    ap.add_argument("--stock", action="store_true",
                    help="profile: Rasa as it comes (no bot.rasa.speed, Rasa's tracker store)")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    args = ap.parse_args(argv)
    what = set(args.only) or {"latency", "saturation", "retrain", "profile", "cold"}
    report: Dict[str, Any] = {"targets": TARGETS, "cpus": os.cpu_count()}

    if args.url:
        report["latency"] = run_load(
            args.url, args.conversations, args.think, args.seconds, args.warmup
        )
        print(json.dumps(report, indent=2))
        return 0

    if what - {"retrain", "profile"}:
        from bot.rasa.model import train

        train(ROOT / "models")  # the stacks start from a trained model (cold start)
    if "cold" in what:
        report["cold"] = cold_parts()
        _print("cold start parts", report["cold"])
    if "profile" in what:
        report["profile"] = profile(args.messages, args.stock)
        ms = report["profile"]["total_ms_mean"]
        # CPU-bound ceiling on this machine's cores, from the in-process cost.
        report["profile"]["ceiling_msg_per_s"] = round((os.cpu_count() or 1) * 1000 / ms, 1)
        _print("profile", report["profile"])
    if "latency" in what:
        for name, prod, replicas in (
            ("embedded", False, 1),
            (f"production-{args.replicas}", True, args.replicas),
        ):
            report[f"latency_{name}"] = _measure(
                name, prod, replicas, args, clients=args.conversations, think=args.think
            )
            _print(f"latency {name}", report[f"latency_{name}"])
    if "saturation" in what:
        for replicas in (1, 2):
            report[f"saturation_{replicas}"] = _measure(
                f"sat-{replicas}", True, replicas, args, clients=args.clients, think=0.0
            )
            _print(f"saturation {replicas} replica(s)", report[f"saturation_{replicas}"])
        one = report["saturation_1"]["msg_per_s"] or 0
        two = report["saturation_2"]["msg_per_s"] or 0
        report["speedup_2_over_1"] = round(two / one, 2) if one else None
        print(f"speedup 2 over 1 replica: {report['speedup_2_over_1']}")
    if "retrain" in what:
        report["retrain"] = retrain()
        _print("retrain", report["retrain"])
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


def _measure(name: str, prod: bool, replicas: int, args: Any, clients: int, think: float) -> Dict:
    stack = start_stack(name, prod, replicas, args.postgres, args.redis)
    try:
        before = os.getloadavg()[0]
        cpu_before = cpu_by_process(stack.proc.pid)
        result = run_load(stack.web, clients, think, args.seconds, args.warmup)
        cpu_after = cpu_by_process(stack.proc.pid)
        # What each process spent per answered message.
        answered = max(1, result.pop("answered_incl_warmup"))
        result["cpu_ms_per_message"] = {
            role: round(1000 * (cpu_after[role] - cpu_before.get(role, 0.0)) / answered, 1)
            for role in cpu_after
        }
        # The machine's load (other work included): the figures mean little when it is
        # well over the core count.
        result["load_avg_1min"] = [round(before, 1), round(os.getloadavg()[0], 1)]
        result["cold_start_s"] = stack.cold_start_s
        result["rss_mb"] = rss_by_process(stack.proc.pid)
        return result
    finally:
        stack.stop()


def _print(title: str, figures: Dict) -> None:
    print(f"== {title}")
    for key, value in figures.items():
        print(f"   {key}: {value}")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
