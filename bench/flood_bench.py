"""Flood benchmark: do other citizens keep their latency while one client floods /api/chat?

Run from the project root:

    .venv/bin/python bench/flood_bench.py                 # the web app in front of a stand-in Rasa
    .venv/bin/python bench/flood_bench.py --url http://127.0.0.1:8000   # a running `borger run`

Without ``--url`` the real web app (uvicorn ``bot.web.app:create_default_app``, its own
process, as ``borger run`` starts it) runs in front of a stand-in Rasa (another process)
that handles one message at a time and spends ``--work-ms`` on each (as Rasa's event
loop does with NLU), twice: with the rate limits off and with the default limits
(``BORGER_CHAT_PER_CLIENT_PER_MINUTE`` / ``..._PER_CONVERSATION_PER_MINUTE``). With
``--url`` it measures the running stack as it is configured. The load comes from this
process, so client and servers do not share an interpreter.

For each: ``--citizens`` citizens, each from its own address (127.0.0.10, .11, ...), send
a message every second; first alone (baseline), then while one client (127.0.0.99)
floods with ``--flood`` requests in flight at all times, each with a new conversation
id. Reported: the citizens' median and p95 latency and how the flood was answered.
Timings are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from fastapi import FastAPI, Request  # noqa: E402

FLOODER = "127.0.0.99"


def stand_in_rasa(work_ms: float) -> FastAPI:
    """Rasa's REST channel with Rasa's weak spot: one message at a time, blocking."""
    app = FastAPI()
    lock = threading.Lock()

    @app.post("/webhooks/rest/webhook")
    def webhook(body: Dict[str, Any]) -> Any:  # a sync route: runs in a worker thread
        with lock:
            time.sleep(work_ms / 1000)
        return [{"recipient_id": body.get("sender"), "text": "Svar"}]

    @app.get("/status")
    def status(request: Request) -> Any:
        return {"model_file": "stand-in.tar.gz"}

    @app.get("/health")
    def health() -> Any:
        return {"status": "ok"}

    return app


@contextmanager
def process(command: List[str], port: int, env: Dict[str, str]) -> Iterator[str]:
    """Start a server process and wait until it answers on ``port``."""
    proc = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{url}/health", timeout=1, trust_env=False)
                break
            except httpx.HTTPError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[:4]} did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client(address: str) -> httpx.AsyncClient:
    transport = httpx.AsyncHTTPTransport(local_address=address)
    return httpx.AsyncClient(transport=transport, timeout=120, trust_env=False)


async def citizen(url: str, address: str, seconds: float, out: List[float]) -> None:
    sender = uuid.uuid4().hex
    async with client(address) as http:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.monotonic()
            r = await http.post(f"{url}/api/chat", json={"sender": sender, "message": "hej"})
            if r.status_code == 200:
                out.append((time.monotonic() - started) * 1000)
            await asyncio.sleep(max(0.0, 1.0 - (time.monotonic() - started)))


async def flood(url: str, in_flight: int, stop: asyncio.Event, codes: Dict[int, int]) -> None:
    async with client(FLOODER) as http:

        async def one() -> None:
            while not stop.is_set():
                body = {"sender": uuid.uuid4().hex, "message": "spam " * 20}
                try:
                    r = await http.post(f"{url}/api/chat", json=body)
                    codes[r.status_code] = codes.get(r.status_code, 0) + 1
                except httpx.HTTPError:
                    codes[0] = codes.get(0, 0) + 1

        await asyncio.gather(*(one() for _ in range(in_flight)))


async def measure(url: str, citizens: int, seconds: float, in_flight: int) -> Dict[str, Any]:
    addresses = [f"127.0.0.{10 + n}" for n in range(citizens)]
    result: Dict[str, Any] = {}
    for phase in ("alone", "flood"):
        latencies: List[float] = []
        codes: Dict[int, int] = {}
        stop = asyncio.Event()
        flooding = None
        if phase == "flood":
            flooding = asyncio.create_task(flood(url, in_flight, stop, codes))
            await asyncio.sleep(1.0)  # let the flood build up
        await asyncio.gather(*(citizen(url, a, seconds, latencies) for a in addresses))
        stop.set()
        if flooding is not None:
            await flooding
        ordered = sorted(latencies) or [float("nan")]
        result[phase] = {
            "answered": len(latencies),
            "median_ms": statistics.median(ordered),
            "p95_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
            "flood": dict(sorted(codes.items())),
        }
    return result


def report(name: str, result: Dict[str, Any]) -> None:
    for phase, r in result.items():
        flood_text = ", ".join(f"{code}: {n}" for code, n in r["flood"].items()) or "-"
        print(
            f"{name:<24} {phase:<6} citizens answered {r['answered']:>3}  "
            f"median {r['median_ms']:7.1f} ms  p95 {r['p95_ms']:7.1f} ms  flood {flood_text}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--url", help="a running web app instead of the stand-in setup")
    parser.add_argument("--citizens", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--flood", type=int, default=20, help="flood requests in flight")
    parser.add_argument("--work-ms", type=float, default=20.0, help="stand-in Rasa per message")
    parser.add_argument("--stand-in", type=int, help=argparse.SUPPRESS)  # the Rasa process
    args = parser.parse_args()
    if args.stand_in:
        uvicorn.run(stand_in_rasa(args.work_ms), host="127.0.0.1", port=args.stand_in,
                    log_level="error", ws="none")  # fmt: skip
        return
    if args.url:
        result = asyncio.run(measure(args.url, args.citizens, args.seconds, args.flood))
        report("running stack", result)
        return
    py = sys.executable
    rasa_port = free_port()
    rasa = [py, __file__, "--stand-in", str(rasa_port), "--work-ms", str(args.work_ms)]
    with tempfile.TemporaryDirectory() as var, process(rasa, rasa_port, dict(os.environ)):
        scenarios = {"no rate limits": {"BORGER_CHAT_PER_CLIENT_PER_MINUTE": str(10**9),
                                        "BORGER_CHAT_PER_CONVERSATION_PER_MINUTE": str(10**9)},
                     "default rate limits": {}}  # fmt: skip
        for name, limits in scenarios.items():
            port = free_port()
            env = {
                **os.environ, **limits, "BORGER_VAR_DIR": var, "BORGER_RASA_TOKEN": "bench",
                "BORGER_RASA_PORT": str(rasa_port), "BORGER_ACTION_PORT": str(rasa_port),
                "BORGER_LOG_LEVEL": "WARNING",
            }  # fmt: skip
            web = [py, "-m", "uvicorn", "bot.web.app:create_default_app", "--factory",
                   "--port", str(port), "--no-access-log", "--ws", "none",
                   "--log-level", "warning"]  # fmt: skip
            with process(web, port, env) as url:
                report(name, asyncio.run(measure(url, args.citizens, args.seconds, args.flood)))


if __name__ == "__main__":
    main()
