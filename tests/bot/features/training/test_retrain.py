"""The guarded retrain with a fake Rasa: no change, better, harmful, override, roll-back,
a replica that does not load the model, data that does not validate."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Dict

import pytest
from sqlalchemy import select

from bot.features.audit import Actor, AuditEntry
from bot.features.training import registry, retrain
from bot.features.training.gate import Metrics
from bot.features.training.jobs import JobBusy, get_job, recent_jobs
from bot.features.training.tables import ACTIVATED, FAILED, REFUSED, UNCHANGED
from bot.features.training.workspace import Workspace
from bot.infra.db import session_scope
from tests.bot.features.training.helpers import FakeReplicas, FakeToolchain, metrics

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)
TRAINER = Actor(7, "trine")
GOOD = metrics({"greet": 1.0, "skat": 0.9}, passed=["hilsen"])
BETTER = metrics({"greet": 1.0, "skat": 1.0}, passed=["hilsen"])
HARMFUL = metrics({"greet": 0.5, "skat": 0.4}, passed=["hilsen"])


def _workspace(root: Path) -> Workspace:
    for name, text in {
        "config.yml": "pipeline: []\n",
        "domain.yml": "intents: [greet]\n",
        "data/nlu/general.yml": "nlu: []\n",
        "data/eval/nlu_holdout.yml": "holdout: []\n",
        "tests/stories/test_x.yml": "stories: []\n",
    }.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return Workspace(root, Path("config.yml"))


@pytest.fixture
def setup(session_factory, tmp_path: Path):  # type: ignore[no-untyped-def]
    quality: Dict[str, Metrics] = {"now": GOOD}
    ws = _workspace(tmp_path / "repo")
    tools = FakeToolchain(score=lambda _ws: quality["now"])
    replicas = FakeReplicas(["http://rasa-1", "http://rasa-2"])
    trainer = retrain.Trainer(
        sessions=session_factory, workspace=ws, store=tmp_path / "store", toolchain=tools,
        replicas=replicas, now=lambda: NOW,
    )
    return trainer, tools, replicas, quality


def _change_data(trainer: retrain.Trainer, text: str) -> None:
    (trainer.workspace.root / "data/nlu/general.yml").write_text(text, encoding="utf-8")


def _active(trainer: retrain.Trainer) -> str | None:
    with session_scope(trainer.sessions) as s:
        info = registry.active_model(s)
        return info.name if info else None


def _audit(trainer: retrain.Trainer) -> list:
    with session_scope(trainer.sessions) as s:
        return [(e.action, e.username, e.target) for e in s.execute(select(AuditEntry)).scalars()]


def test_first_model_is_activated_and_every_replica_has_it(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, tools, replicas, _ = setup
    out = retrain.retrain(trainer, TRAINER)
    assert out.activated and out.verified and out.status == ACTIVATED
    assert out.metrics == GOOD and out.active_metrics is None
    assert _active(trainer) == out.model
    assert replicas.calls == [f"id-{out.model}"]
    assert out.replicas == {"http://rasa-1": f"id-{out.model}", "http://rasa-2": f"id-{out.model}"}
    assert ("model-aktiveret", "trine", out.model) in _audit(trainer)
    with session_scope(trainer.sessions) as s:
        job = get_job(s, out.job_id)  # type: ignore[arg-type]
    assert job is not None and job.status == ACTIVATED
    assert [st["name"] for st in job.steps] == [
        "fingerprint", "validate", "train", "evaluate", "evaluate_active", "compare",
        "activate", "verify",
    ]
    assert all(st["status"] in ("faerdig", "sprunget over") for st in job.steps)


def test_nothing_changed_means_no_training(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, tools, _, _ = setup
    first = retrain.retrain(trainer, TRAINER)
    again = retrain.retrain(trainer, TRAINER)
    assert again.status == UNCHANGED and not again.activated
    assert again.model == first.model and "Intet er ændret" in again.reason
    assert len(tools.trained) == 1


def test_a_harmful_change_is_refused_and_the_active_model_stays(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, tools, replicas, quality = setup
    first = retrain.retrain(trainer, TRAINER)
    _change_data(trainer, "nlu: [] # byttet om\n")
    quality["now"] = HARMFUL
    out = retrain.retrain(trainer, TRAINER)
    assert out.status == REFUSED and not out.activated
    assert "hensigten 'skat' faldt" in out.reason and "Den aktive model bliver" in out.reason
    assert out.active_metrics == GOOD
    assert _active(trainer) == first.model
    assert len(replicas.calls) == 1  # nothing was activated
    # The refused model is kept with its figures (history), but was never active.
    with session_scope(trainer.sessions) as s:
        refused = registry.get_model(s, out.model)  # type: ignore[arg-type]
    assert refused.metrics == HARMFUL and refused.activated_at is None


def test_an_override_with_a_reason_activates_and_is_audited(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, _, _, quality = setup
    retrain.retrain(trainer, TRAINER)
    _change_data(trainer, "nlu: [] # ny\n")
    quality["now"] = HARMFUL
    admin = Actor(1, "anne")
    out = retrain.retrain(trainer, admin, override_reason="Nye ord fra kommunens nye brev")
    assert out.activated and out.status == ACTIVATED
    with session_scope(trainer.sessions) as s:
        info = registry.active_model(s)
    assert info is not None and info.override and info.name == out.model
    assert "Nye ord fra kommunens nye brev" in (info.reason or "")
    assert ("model-tvunget", "anne", out.model) in _audit(trainer)


def test_a_better_model_replaces_the_active_one_and_rollback_restores(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, _, replicas, quality = setup
    first = retrain.retrain(trainer, TRAINER)
    _change_data(trainer, "nlu: [] # bedre\n")
    quality["now"] = BETTER
    second = retrain.retrain(trainer, TRAINER)
    assert second.activated and _active(trainer) == second.model
    back = retrain.rollback(trainer, TRAINER)
    assert back.activated and back.model == first.model and _active(trainer) == first.model
    assert replicas.calls[-1] == f"id-{first.model}"
    assert ("model-rullet-tilbage", "trine", first.model) in _audit(trainer)
    again = retrain.activate(trainer, TRAINER, second.model)  # type: ignore[arg-type]
    assert again.verified and _active(trainer) == second.model


def test_a_replica_without_the_model_means_the_activation_is_not_done(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, _, replicas, _ = setup
    replicas.stuck = True
    out = retrain.retrain(trainer, TRAINER)
    assert out.activated and not out.verified and out.status == FAILED
    assert "http://rasa-1" in out.reason and "har ikke indlæst" in out.reason
    with session_scope(trainer.sessions) as s:
        job = recent_jobs(s)[0]
    assert job.status == FAILED
    assert job.steps[-1]["name"] == "verify" and job.steps[-1]["status"] == "fejl"


def test_data_that_does_not_validate_trains_nothing(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, tools, _, _ = setup
    tools.invalid = "domain.yml: ukendt hensigt"
    out = retrain.retrain(trainer, TRAINER)
    assert out.status == FAILED and not out.activated and out.model is None
    assert "ukendt hensigt" in out.reason and tools.trained == []
    assert _active(trainer) is None


def test_an_unknown_model_cannot_be_activated(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, _, _, _ = setup
    out = retrain.activate(trainer, TRAINER, "findes-ikke")
    assert out.status == FAILED and "findes-ikke" in out.reason


def test_only_one_job_at_a_time(setup) -> None:  # type: ignore[no-untyped-def]
    trainer, _, _, _ = setup
    retrain.start_job(trainer, TRAINER, "retrain")
    with pytest.raises(JobBusy, match="kører allerede"):
        retrain.retrain(trainer, TRAINER)
