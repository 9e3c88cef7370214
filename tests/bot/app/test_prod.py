"""Production mode's plan: checks, ports, processes, nginx config, restarts."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.app import prod
from bot.app.run import ProcessSpec
from bot.core.settings import Settings

PG = "postgresql://postgres@127.0.0.1:5432/borger"


def settings(tmp_path: Path, **values: object) -> Settings:
    base = dict(
        var_dir=tmp_path,
        rasa_port=5005,
        action_port=5055,
        web_port=8000,
        database_url=PG,
        tracker_store_url=PG,
        lock_store_url="redis://127.0.0.1:6379/0",
        rasa_replicas=2,
        model_pull_seconds=0,
    )
    base.update(values)
    return Settings(**base)  # type: ignore[arg-type]


def test_production_needs_postgresql_redis_and_nginx(tmp_path: Path) -> None:
    bad = settings(
        tmp_path,
        database_url="sqlite:///x.db",
        tracker_store_url=None,
        lock_store_url=None,
        nginx_bin="no-such-nginx",
    )
    found = prod.problems(bad)
    assert "BORGER_DATABASE_URL skal være en postgresql://-adresse i produktion." in found
    assert "BORGER_TRACKER_STORE_URL skal være en postgresql://-adresse i produktion." in found
    assert any("BORGER_LOCK_STORE_URL være en redis://-adresse" in f for f in found)
    assert any("nginx blev ikke fundet" in f for f in found)
    one = settings(tmp_path, rasa_replicas=1, lock_store_url=None, nginx_bin=sys.executable)
    assert prod.problems(one) == []  # one replica needs no lock store


def test_replicas_listen_on_internal_ports_behind_the_rasa_port(tmp_path: Path) -> None:
    s = settings(tmp_path, rasa_replicas=3)
    assert prod.rasa_ports(s) == [5015, 5016, 5017]
    assert prod.action_ports(s) == [5055]  # one action server: on the action port itself
    s2 = settings(tmp_path, internal_port_base=7000, action_replicas=2)
    assert prod.rasa_ports(s2) == [7000, 7001]
    assert prod.action_ports(s2) == [7002, 7003]


def _port(spec: ProcessSpec) -> int:
    return int(spec.command[spec.command.index("--port") + 1])


def test_the_processes_are_the_ones_borger_run_starts_times_the_replicas(tmp_path: Path) -> None:
    s = settings(tmp_path, action_replicas=2)
    specs = {spec.name: spec for spec in prod.production_specs(s, tmp_path / "e.yml", "tok")}
    assert list(specs) == ["rasa-1", "rasa-2", "actions-1", "actions-2", "nginx", "web", "worker"]
    assert [_port(specs[n]) for n in ("rasa-1", "rasa-2", "actions-1", "actions-2")] == [
        5015,
        5016,
        5017,
        5018,
    ]
    assert "bot.rasa.main" in specs["rasa-1"].command
    assert specs["nginx"].command[-2:] == ["-g", "daemon off;"]
    conf = (tmp_path / "nginx" / "nginx.conf").read_text()
    assert "listen 127.0.0.1:5005;" in conf and "listen 127.0.0.1:5055;" in conf
    assert "server 127.0.0.1:5015 max_fails=1 fail_timeout=2s;" in conf
    assert "server 127.0.0.1:5018 max_fails=1 fail_timeout=2s;" in conf
    single = prod.production_specs(settings(tmp_path), tmp_path / "e.yml", "tok")
    names = [spec.name for spec in single]
    assert names == ["rasa-1", "rasa-2", "actions", "nginx", "web", "worker"]
    assert "listen 127.0.0.1:5055;" not in (tmp_path / "nginx" / "nginx.conf").read_text()


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_generated_config(tmp_path: Path) -> None:
    s = settings(tmp_path, action_replicas=2)
    conf = prod.write_nginx_config(s)
    done = subprocess.run(
        [s.nginx_bin, "-t", "-e", "stderr", "-p", str(conf.parent), "-c", str(conf)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 0, done.stderr
    assert "syntax is ok" in done.stderr


def test_a_stopped_process_is_started_again_after_a_growing_pause(tmp_path: Path) -> None:
    marker = tmp_path / "starts"
    code = f"open({str(marker)!r}, 'a').write('x'); raise SystemExit(3)"
    spec = ProcessSpec("flaky", [sys.executable, "-c", code])
    sup = prod.ProdSupervisor({}, [spec])
    sup.start_all()
    sup.procs["flaky"].wait(30)
    now = time.monotonic()
    assert sup.restart_dead(now) == []  # stopped: restart planned in 1 s
    assert sup.restart_dead(now + 0.5) == []
    assert sup.restart_dead(now + 1.1) == ["flaky"]
    sup.procs["flaky"].wait(30)
    later = time.monotonic()
    assert sup.restart_dead(later) == []  # second time: 2 s
    assert sup.restart_dead(later + 1.5) == []
    assert sup.restart_dead(later + 2.1) == ["flaky"]
    sup.procs["flaky"].wait(30)
    sup.stop()
    assert marker.read_text() == "xxx"


def _exec_start(unit: str) -> list:
    import shlex

    text = (Path(__file__).resolve().parents[3] / "deploy" / "systemd" / unit).read_text()
    line = next(x for x in text.splitlines() if x.startswith("ExecStart="))
    return shlex.split(line.split("=", 1)[1])


@pytest.mark.parametrize(
    "unit, process",
    [
        ("borger-rasa@.service", "rasa-1"),
        ("borger-actions.service", "actions"),
        ("borger-web.service", "web"),
        ("borger-worker.service", "worker"),
        ("borger-nginx.service", "nginx"),
    ],
)
def test_the_systemd_units_run_what_production_mode_runs(
    tmp_path: Path, unit: str, process: str
) -> None:
    """deploy/systemd/ is kept working: the same program, module and options."""
    spec = next(
        s for s in prod.production_specs(settings(tmp_path), tmp_path / "e.yml", "t")
        if s.name == process
    )
    ours, theirs = _exec_start(unit), spec.command
    assert Path(ours[0]).name.startswith(Path(theirs[0]).name[:5])  # python / nginx
    assert [t for t in ours if t.startswith("-")] == [t for t in theirs if t.startswith("-")]
    import re

    modules = [t for t in theirs[1:] if re.fullmatch(r"[a-z_]+(\.[a-z_]+)+(:[a-z_]+)?", t)]
    assert modules or process == "nginx"
    assert [t for t in ours[1:] if t in modules] == modules
