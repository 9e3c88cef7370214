"""`borger models list|activate|rollback` and `borger retrain --json`, on the same code
path as the portal; the replica check against a Rasa /status over real HTTP."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

import pytest
from fastapi import FastAPI

from bot.app import training_cli
from bot.core.settings import Settings
from bot.features.training import registry
from bot.features.training.workspace import Workspace
from bot.infra.db import session_scope
from tests.bot.features.training.helpers import fake_model, project_copy
from tests.web.conftest import serve

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def settings(tmp_path: Path) -> Iterator[Settings]:
    repo = project_copy(tmp_path / "repo", parts=("domain.yml", "config.yml", "data"))
    base = Settings(var_dir=tmp_path / "var", models_dir=tmp_path / "models",
                    training_repo_dir=repo, rasa_token="t", activation_timeout_seconds=20)
    factory = training_cli.sessions(base)

    # A Rasa replica that has loaded whatever model is active (as after a pull).
    rasa = FastAPI()

    @rasa.get("/status")
    def status(token: str = "") -> dict:
        with session_scope(factory) as s:
            active = registry.active_model(s)
        return {"model_id": active.model_id if active and token == "t" else None}

    with serve(rasa) as url:
        yield base.copy(update={"rasa_replica_urls": [url]})


def _models(settings: Settings, names: list) -> None:
    factory = training_cli.sessions(settings)
    with session_scope(factory) as s:
        for i, name in enumerate(names):
            path = fake_model(settings.model_store / f"{name}.tar.gz", f"id-{name}")
            registry.register(s, path, now=NOW.replace(minute=i), metrics={"intent_f1": 0.5})


def test_models_list_activate_and_rollback(settings: Settings, capsys) -> None:  # type: ignore[no-untyped-def]
    _models(settings, ["a", "b"])
    assert training_cli.main("models", ["activate", "a"], settings) == 0
    assert "a er aktiveret" in capsys.readouterr().out
    assert training_cli.main("models", ["activate", "b", "--json"], settings) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["activated"] and out["verified"] and out["model"] == "b"
    assert list(out["replicas"].values()) == ["id-b"]
    assert training_cli.main("models", ["list", "--json"], settings) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(m["id"], m["active"]) for m in listed] == [("b", True), ("a", False)]
    assert set(listed[0]) >= {"id", "active", "created", "metrics"}
    assert training_cli.main("models", ["rollback"], settings) == 0
    capsys.readouterr()
    training_cli.main("models", ["list", "--json"], settings)
    assert [m["id"] for m in json.loads(capsys.readouterr().out) if m["active"]] == ["a"]
    assert training_cli.main("models", ["activate", "findes-ikke"], settings) == 1
    assert "findes-ikke" in capsys.readouterr().out


def test_retrain_json_when_nothing_changed(settings: Settings, capsys) -> None:  # type: ignore[no-untyped-def]
    _models(settings, ["a"])
    ws = Workspace(settings.training_repo_dir, settings.training_config)
    factory = training_cli.sessions(settings)
    with session_scope(factory) as s:
        registry.activate(s, "a", now=NOW, actor="x", reason="r")
        s.query(registry.TrainedModel).update({"data_fingerprint": ws.data_fingerprint()})
    assert training_cli.main("retrain", ["--json"], settings) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"activated", "model", "reason", "metrics", "active_metrics", "job"}
    assert out["activated"] is False and out["model"] == "a"
    assert out["reason"].startswith("Intet er ændret siden den aktive model")


def test_an_override_needs_a_reason(settings: Settings, capsys) -> None:  # type: ignore[no-untyped-def]
    assert training_cli.main("retrain", ["--override", "kort"], settings) == 2
    assert "begrundelse" in capsys.readouterr().err
