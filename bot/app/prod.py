"""`borger run --prod`: production mode, rehearsed on one machine.

Processes (docs/deployment.md has the same set as systemd units and for Kubernetes):

- ``rasa-1`` .. ``rasa-N``   N = BORGER_RASA_REPLICAS Rasa servers on internal ports
  (BORGER_INTERNAL_PORT_BASE, default rasa_port + 10, upwards), each serving the same
  model: the shared models folder, or BORGER_MODEL_SERVER_URL (Rasa's model server
  protocol with ETag, the training loop's endpoint);
- ``nginx``  the load balancer on the Rasa port (the REST channel at
  /webhooks/rest/webhook, the HTTP API, socket.io with sticky clients) and, with
  BORGER_ACTION_REPLICAS > 1, on the action port; it runs as this user with a
  config generated into var/nginx/, not as the system service;
- ``actions`` (``actions-1`` .. ``actions-M``), ``web``, ``worker`` as in ``borger run``.

Tracker store and app data on PostgreSQL (BORGER_TRACKER_STORE_URL,
BORGER_DATABASE_URL; the databases are created when missing and the app tables
migrated), lock store on Redis (BORGER_LOCK_STORE_URL). A process that stops is
started again (after 1, 2, 4 ... 30 s); nginx sends the messages to the other replicas
meanwhile and takes the restarted one back when it answers.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Dict, List

from sqlalchemy.engine import make_url

from bot.app.run import ProcessSpec, Supervisor, process_specs, runtime
from bot.core.settings import Settings

MAX_BACKOFF_SECONDS = 30.0
# Threads per Rasa replica for TensorFlow and the numeric libraries: the replicas are
# the parallelism; more threads per process only fight over the cores.
REPLICA_THREADS = "1"


def problems(settings: Settings) -> List[str]:
    """What stops production mode, in Danish; empty when it can start."""
    found = []
    for name, url in (
        ("BORGER_DATABASE_URL", settings.database_url),
        ("BORGER_TRACKER_STORE_URL", settings.tracker_store_url),
    ):
        if not url or make_url(url).get_backend_name() != "postgresql":
            found.append(f"{name} skal være en postgresql://-adresse i produktion.")
    if settings.rasa_replicas < 1 or settings.action_replicas < 1:
        found.append("BORGER_RASA_REPLICAS og BORGER_ACTION_REPLICAS skal være mindst 1.")
    if settings.rasa_replicas > 1 and not (settings.lock_store_url or "").startswith("redis"):
        found.append(
            "Med flere Rasa-replikaer skal BORGER_LOCK_STORE_URL være en redis://-adresse "
            "(ellers kan to replikaer skrive i samme samtale på én gang)."
        )
    if shutil.which(settings.nginx_bin) is None:
        found.append(
            f"nginx blev ikke fundet ({settings.nginx_bin}): kør 'scripts/setup.sh --prod' "
            "eller 'apt-get install nginx'."
        )
    return found


def internal_base(settings: Settings) -> int:
    return settings.internal_port_base or settings.rasa_port + 10


def rasa_ports(settings: Settings) -> List[int]:
    base = internal_base(settings)
    return [base + i for i in range(settings.rasa_replicas)]


def action_ports(settings: Settings) -> List[int]:
    """Internal ports of the action servers; with one, it listens on the action port."""
    if settings.action_replicas == 1:
        return [settings.action_port]
    base = internal_base(settings) + settings.rasa_replicas
    return [base + i for i in range(settings.action_replicas)]


def _with_port(spec: ProcessSpec, name: str, port: int) -> ProcessSpec:
    command = list(spec.command)
    command[command.index("--port") + 1] = str(port)
    return replace(spec, name=name, command=command)


def nginx_dir(settings: Settings) -> Path:
    return settings.var_dir / "nginx"


def nginx_config(settings: Settings) -> str:
    """nginx.conf: least-connections over the replicas; a replica that refuses the
    connection is skipped at once (the message goes to the next one, never twice:
    a POST already sent is not repeated) and tried again after 2 s."""
    root = nginx_dir(settings)
    temp = root / "tmp"

    def upstream(name: str, ports: List[int], balance: str, host: str) -> str:
        servers = "\n".join(
            f"    server {_reachable(host)}:{p} max_fails=1 fail_timeout=2s;" for p in ports
        )
        return f"  upstream {name} {{\n    {balance};\n{servers}\n    keepalive 32;\n  }}\n"

    proxy = (
        "      proxy_http_version 1.1;\n"
        '      proxy_set_header Connection "";\n'
        "      proxy_set_header Host $host;\n"
        "      proxy_connect_timeout 2s;\n"
        "      proxy_read_timeout 120s;\n"
        "      proxy_next_upstream error timeout;\n"
        "      proxy_next_upstream_tries 0;\n"
        "      add_header X-Upstream $upstream_addr always;\n"
    )
    user = "user nobody nogroup;\n" if os.geteuid() == 0 else ""
    conf = (
        f"# Generated by borger run --prod (bot/app/prod.py); changes are overwritten.\n"
        f"{user}worker_processes 1;\n"
        f"pid {root / 'nginx.pid'};\n"
        "error_log stderr warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "  access_log off;\n"
        "  server_tokens off;\n"
        # A message may be 20 000 characters JSON-escaped: keep bodies in memory.
        "  client_max_body_size 1m;\n"
        "  client_body_buffer_size 1m;\n"
        + "".join(
            f"  {kind}_temp_path {temp / kind};\n"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + upstream("rasa", rasa_ports(settings), "least_conn", settings.rasa_host)
        # socket.io (polling + websocket) must stay on one replica per client.
        + upstream("rasa_sticky", rasa_ports(settings), "ip_hash", settings.rasa_host)
        + "  server {\n"
        f"    listen {settings.rasa_host}:{settings.rasa_port};\n"
        "    location / {\n"
        "      proxy_pass http://rasa;\n"
        f"{proxy}"
        "    }\n"
        "    location /socket.io/ {\n"
        "      proxy_pass http://rasa_sticky;\n"
        "      proxy_http_version 1.1;\n"
        "      proxy_set_header Upgrade $http_upgrade;\n"
        '      proxy_set_header Connection "upgrade";\n'
        "      proxy_set_header Host $host;\n"
        "      proxy_read_timeout 120s;\n"
        "    }\n"
        "  }\n"
    )
    if settings.action_replicas > 1:
        conf += (
            upstream("actions", action_ports(settings), "least_conn", settings.action_host)
            + "  server {\n"
            f"    listen {settings.action_host}:{settings.action_port};\n"
            "    location / {\n"
            "      proxy_pass http://actions;\n"
            f"{proxy}"
            "    }\n"
            "  }\n"
        )
    return conf + "}\n"


def _reachable(interface: str) -> str:
    """The address to connect to a server listening on ``interface``."""
    loopback = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104
    return loopback.get(interface, interface)


def write_nginx_config(settings: Settings) -> Path:
    root = nginx_dir(settings)
    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        path = root / "tmp" / kind
        path.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # the workers run as nobody
            shutil.chown(path, "nobody", "nogroup")
    conf = root / "nginx.conf"
    conf.write_text(nginx_config(settings), encoding="utf-8")
    return conf


def production_specs(settings: Settings, endpoints: Path, token: str) -> List[ProcessSpec]:
    """The processes of production mode, made from the ones `borger run` starts."""
    base = {spec.name: spec for spec in process_specs(settings, endpoints, token)}
    specs = [
        _with_port(base["rasa"], f"rasa-{i + 1}", port)
        for i, port in enumerate(rasa_ports(settings))
    ]
    ports = action_ports(settings)
    if len(ports) == 1:
        specs.append(base["actions"])
    else:
        specs += [
            _with_port(base["actions"], f"actions-{i + 1}", port) for i, port in enumerate(ports)
        ]
    conf = write_nginx_config(settings)
    root = nginx_dir(settings)
    specs.append(
        ProcessSpec(
            "nginx",
            [settings.nginx_bin, "-e", "stderr", "-p", str(root), "-c", str(conf),
             "-g", "daemon off;"],
        )
    )
    specs += [base["web"], base["worker"]]
    return specs


def write_config(settings: Settings) -> List[Path]:
    """The files the systemd units use (deploy/systemd/): endpoints.yml and nginx.conf in
    BORGER_VAR_DIR. The tokens stay in the environment (``${BORGER_ACTION_TOKEN}``)."""
    from bot.rasa.endpoints import write_endpoints

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    return [
        write_endpoints(settings, settings.var_dir / "endpoints.yml"),
        write_nginx_config(settings),
    ]


@dataclass
class _Restart:
    failures: int = 0
    due: float = 0.0


class ProdSupervisor(Supervisor):
    """Like ``Supervisor``, but a process that stops is started again (with backoff)."""

    def __init__(self, env: Dict[str, str], specs: List[ProcessSpec]) -> None:
        super().__init__(env)
        self.specs = {spec.name: spec for spec in specs}
        self.restarts: Dict[str, _Restart] = {}
        self.started_at: Dict[str, float] = {}

    def start_all(self, first: str | None = None, ready: Callable[[], bool] | None = None) -> None:
        """Start every process; ``first`` alone until ``ready()`` (or it stops)."""
        if first is not None:
            self.start(self.specs[first])
            deadline = time.monotonic() + 120
            while ready is not None and not ready() and time.monotonic() < deadline:
                if self.dead():
                    return
                time.sleep(0.2)
        for name, spec in self.specs.items():
            if name != first:
                self.start(spec)

    def start(self, spec: ProcessSpec) -> None:
        super().start(spec)
        self.started_at[spec.name] = time.monotonic()

    def restart_dead(self, now: float | None = None) -> List[str]:
        """Start again what stopped (when its backoff is over); the names started.
        A process that has run for a minute gets the short backoff back."""
        now = time.monotonic() if now is None else now
        started = []
        for name, proc in list(self.procs.items()):
            if proc.poll() is None:
                if now - self.started_at.get(name, now) > 60:
                    self.restarts.pop(name, None)
                continue
            state = self.restarts.setdefault(name, _Restart())
            if state.due == 0.0:
                delay = min(MAX_BACKOFF_SECONDS, 2.0 ** state.failures)
                state.due = now + delay
                print(
                    f"Processen '{name}' stoppede (kode {proc.returncode}); "
                    f"starter den igen om {delay:.0f} s.",
                    file=sys.stderr,
                    flush=True,
                )
            elif now >= state.due:
                state.failures, state.due = state.failures + 1, 0.0
                self.start(self.specs[name])
                started.append(name)
        return started


def wait_ready(urls: List[str], supervisor: ProdSupervisor, timeout: float = 600.0) -> bool:
    deadline = time.monotonic() + timeout
    todo = list(urls)
    while todo and time.monotonic() < deadline:
        if supervisor.dead():
            return False
        try:
            with urllib.request.urlopen(todo[0], timeout=2) as resp:  # noqa: S310
                if resp.status == 200:
                    todo.pop(0)
                    continue
        except OSError:
            pass
        time.sleep(0.5)
    return not todo


def _listening(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def prepare_production(settings: Settings) -> None:
    """Databases (created when missing, app tables migrated), booking hours, model."""
    from bot.app.db_cli import ensure_database
    from bot.app.run import prepare

    for url in {settings.app_database_url, settings.tracker_database_url}:
        ensure_database(url)
    prepare(settings, train_model=settings.model_server_url is None)


def run_production(settings: Settings) -> int:
    found = problems(settings)
    if found:
        for line in found:
            print(f"FEJL: {line}", file=sys.stderr)
        return 2
    # The model registry checks every replica when a model is activated (issue 14).
    replicas = [f"http://127.0.0.1:{p}" for p in rasa_ports(settings)]
    settings = settings.copy(update={"rasa_replica_urls": replicas})
    prepare_production(settings)
    env, endpoints, token = runtime(settings)
    env.update(
        BORGER_RASA_REPLICA_URLS=",".join(replicas),
        TF_INTRA_OP_PARALLELISM_THREADS=REPLICA_THREADS,
        TF_INTER_OP_PARALLELISM_THREADS=REPLICA_THREADS,
        OMP_NUM_THREADS=REPLICA_THREADS,
    )
    specs = production_specs(settings, endpoints, token)
    supervisor = ProdSupervisor(env, specs)
    stop = threading.Event()

    def _signal(_signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, _signal)
    signal.signal(signal.SIGTERM, _signal)
    # Replicas that pull the active model from the web app (/models/active) find it up.
    pulls_from_web = settings.model_pull_seconds > 0 and not settings.model_server_url
    supervisor.start_all(
        first="web" if pulls_from_web else None,
        ready=lambda: _listening(settings.host, settings.web_port),
    )
    try:
        print(
            f"Starter {settings.rasa_replicas} Rasa-replika(er) bag nginx, action-server, "
            "web-app og e-mail-kø ...",
            flush=True,
        )
        ready = [f"http://127.0.0.1:{p}/" for p in rasa_ports(settings)]
        ready.append(f"http://{settings.host}:{settings.web_port}/health")
        if not wait_ready(ready, supervisor):
            print(
                f"En proces stoppede under opstarten: {supervisor.dead() or 'ukendt'}",
                file=sys.stderr,
            )
            return 1
        print(
            f"\n  Chatten kører (produktion, {settings.rasa_replicas} replika(er)): "
            f"http://{settings.host}:{settings.web_port}/\n  Stop med Ctrl-C.\n",
            flush=True,
        )
        while not stop.wait(1.0):
            supervisor.restart_dead()
        return 0
    finally:
        print("Stopper ...", flush=True)
        supervisor.stop()
