"""The guarded retrain, and activation / roll-back with the check that every Rasa has it.

``retrain``: nothing changed since the active model → no training. Otherwise validate
(``rasa data validate``) → train → evaluate the new model on the fixed evaluation set
(and the active one, unless its figures on the same set are stored) → compare per intent
and per story (``gate.compare``) → activate only if not worse, or when an admin overrides
with a written reason (audited) → wait until every Rasa replica's ``/status`` reports the
new model. The portal and the CLI call the same functions.

Rasa itself is reached through the ``Toolchain`` and ``Replicas`` given by the caller
(``bot.rasa.training`` in production, fakes in unit tests).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Dict, Protocol

from sqlalchemy.orm import sessionmaker

from bot.features.audit import Actor
from bot.features.training import registry
from bot.features.training.audit import (
    MODEL_ACTIVATED,
    MODEL_OVERRIDE,
    MODEL_ROLLBACK,
    audit,
)
from bot.features.training.gate import Metrics, Verdict, compare
from bot.features.training.jobs import Job
from bot.features.training.modelfile import copy_into_store, store_path
from bot.features.training.tables import ACTIVATED, FAILED, REFUSED, UNCHANGED
from bot.features.training.workspace import Workspace
from bot.infra.db import session_scope


class ToolError(Exception):
    """Rasa refused the data or failed (the message is Danish, with Rasa's output)."""


class Toolchain(Protocol):
    def validate(self, workspace: Workspace) -> None:
        """Raise ``ToolError`` when ``rasa data validate`` refuses the data."""

    def train(self, workspace: Workspace, out_dir: Path, name: str) -> Path:
        """Train a model named ``name`` into ``out_dir``; its path."""

    def evaluate(self, model: Path, workspace: Workspace) -> Metrics:
        """The model's metrics on the evaluation set (``gate`` format)."""


class Replicas(Protocol):
    def wait_for(self, model_id: str, timeout: float) -> Dict[str, str | None]:
        """Poll every Rasa's /status until it reports ``model_id`` or ``timeout``
        passes; the model id each replica reported last (None: unreachable)."""


@dataclass
class Policy:
    """The gate's settings."""

    tolerance: float = 0.01
    intent_tolerance: float = 0.10
    activation_timeout: float = 120.0


@dataclass
class Outcome:
    activated: bool
    model: str | None
    reason: str
    metrics: Metrics | None = None
    active_metrics: Metrics | None = None
    status: str = UNCHANGED
    job_id: int | None = None
    replicas: Dict[str, str | None] = field(default_factory=dict)
    verified: bool = False

    def as_json(self) -> Dict[str, Any]:
        return {
            "activated": self.activated,
            "model": self.model,
            "reason": self.reason,
            "metrics": self.metrics,
            "active_metrics": self.active_metrics,
            "status": self.status,
            "job": self.job_id,
            "verified": self.verified,
            "replicas": self.replicas,
        }


@dataclass
class Trainer:
    """Everything the job needs, given by the caller."""

    sessions: sessionmaker
    workspace: Workspace
    store: Path
    toolchain: Toolchain
    replicas: Replicas
    now: Callable[[], datetime]
    policy: Policy = field(default_factory=Policy)


def _verify(trainer: Trainer, job: Job, info: registry.ModelInfo) -> Dict[str, str | None]:
    """The model id each replica reported; the step fails when one lacks the model."""
    with job.step("verify") as note:
        seen = trainer.replicas.wait_for(info.model_id, trainer.policy.activation_timeout)
        missing = [url for url, got in seen.items() if got != info.model_id]
        note["message"] = f"{len(seen)} Rasa-proces(ser) har modellen {info.name}"
    if missing:
        job.fail_step("verify", "Har ikke indlæst modellen: " + ", ".join(missing))
    return dict(seen)


def start_job(trainer: Trainer, actor: Actor, kind: str, override_reason: str | None = None) -> Job:
    """Start a job now (``JobBusy`` when one runs); the portal runs the rest in a thread."""
    return Job.start(
        trainer.sessions, kind=kind, actor=actor.username, now=trainer.now,
        override_reason=override_reason,
    )


def retrain(
    trainer: Trainer,
    actor: Actor,
    *,
    override_reason: str | None = None,
    force: bool = False,
    job: Job | None = None,
) -> Outcome:
    """Run the guarded retrain as one job; see the module docstring."""
    ws, policy = trainer.workspace, trainer.policy
    job = job or start_job(trainer, actor, "retrain", override_reason)
    try:
        return _retrain(trainer, job, actor, ws, policy, override_reason, force)
    except BaseException as exc:
        job.fail(f"Jobbet stoppede: {str(exc) or type(exc).__name__}")
        raise


def _retrain(
    trainer: Trainer,
    job: Job,
    actor: Actor,
    ws: Workspace,
    policy: Policy,
    override_reason: str | None,
    force: bool,
) -> Outcome:
    with job.step("fingerprint") as note:
        data_fp, eval_fp = ws.data_fingerprint(), ws.eval_fingerprint()
        with session_scope(trainer.sessions) as session:
            active = registry.active_model(session)
        unchanged = active is not None and active.data_fingerprint == data_fp
        note["message"] = "Intet ændret" if unchanged else "Træningsdata er ændret"
    if unchanged and not force and active is not None:
        reason = f"Intet er ændret siden den aktive model ({active.name}); ingen træning."
        outcome = Outcome(False, active.name, reason, active.metrics or None,
                          active.metrics or None, UNCHANGED, job.id)
        job.finish(UNCHANGED, reason=reason, model=active.name, result=outcome.as_json())
        return outcome

    try:
        with job.step("validate"):
            trainer.toolchain.validate(ws)
    except ToolError as exc:
        return _failed(job, f"Træningsdata blev ikke godkendt: {exc}")

    name = f"{trainer.now().strftime('%Y%m%d-%H%M%S')}-kontor-{job.id}"
    with tempfile.TemporaryDirectory(prefix="borger-train-") as tmp:
        try:
            with job.step("train") as note:
                trained = trainer.toolchain.train(ws, Path(tmp), name)
                path = copy_into_store(trained, trainer.store, name)
                note["message"] = name
        except ToolError as exc:
            return _failed(job, f"Træningen fejlede: {exc}")
    with job.step("evaluate"):
        metrics = trainer.toolchain.evaluate(path, ws)
    with session_scope(trainer.sessions) as session:
        candidate = registry.register(
            session, path, now=trainer.now(), metrics=metrics,
            data_fingerprint=data_fp, eval_fingerprint=eval_fp,
        )
    active_metrics = _active_metrics(trainer, job, active, eval_fp)

    with job.step("compare") as note:
        verdict = compare(
            metrics, active_metrics,
            tolerance=policy.tolerance, intent_tolerance=policy.intent_tolerance,
        )
        note["message"] = verdict.text
    if not verdict.ok and not override_reason:
        job.skip("activate", "Den aktive model bliver")
        reason = verdict.text + " Den aktive model bliver."
        outcome = Outcome(False, candidate.name, reason, metrics, active_metrics, REFUSED, job.id)
        job.finish(REFUSED, reason=reason, model=candidate.name, result=outcome.as_json())
        return outcome
    return _activate_in_job(
        trainer, job, actor, candidate.name, _reason(verdict, override_reason, actor),
        override=not verdict.ok, metrics=metrics, active_metrics=active_metrics,
    )


def _reason(verdict: Verdict, override_reason: str | None, actor: Actor) -> str:
    if verdict.ok:
        return verdict.text
    return f"Aktiveret af {actor.username} trods kontrollen: {override_reason}. ({verdict.text})"


def _failed(job: Job, reason: str) -> Outcome:
    outcome = Outcome(False, None, reason, status=FAILED, job_id=job.id)
    job.finish(FAILED, reason=reason, model=None, result=outcome.as_json())
    return outcome


def _active_metrics(
    trainer: Trainer, job: Job, active: registry.ModelInfo | None, eval_fp: str
) -> Metrics | None:
    """The active model's figures on the current evaluation set (measured if needed)."""
    if active is None:
        job.skip("evaluate_active", "Der er ingen aktiv model")
        return None
    if active.eval_fingerprint == eval_fp and active.metrics:
        job.skip("evaluate_active", "Målt før på samme evalueringssæt")
        return active.metrics
    path = store_path(trainer.store, active.name)
    with job.step("evaluate_active"):
        metrics = trainer.toolchain.evaluate(path, trainer.workspace)
    with session_scope(trainer.sessions) as session:
        registry.set_metrics(session, active.name, metrics, eval_fp)
    return metrics


def _activate_in_job(
    trainer: Trainer,
    job: Job,
    actor: Actor,
    name: str,
    reason: str,
    *,
    override: bool = False,
    rollback: bool = False,
    metrics: Metrics | None = None,
    active_metrics: Metrics | None = None,
) -> Outcome:
    with job.step("activate") as note:
        with session_scope(trainer.sessions) as session:
            now = trainer.now()
            if rollback:
                info = registry.rollback(session, now=now, actor=actor.username,
                                         store=trainer.store)
                reason = info.reason or reason
            else:
                info = registry.activate(
                    session, name, now=now, actor=actor.username, reason=reason,
                    override=override, store=trainer.store,
                )
            code = MODEL_ROLLBACK if rollback else MODEL_OVERRIDE if override else MODEL_ACTIVATED
            audit(session, actor, code, now=now, target=info.name, detail=reason[:300])
        note["message"] = info.name
    seen = _verify(trainer, job, info)
    missing = [url for url, got in seen.items() if got != info.model_id]
    verified = not missing
    status = ACTIVATED if verified else FAILED
    text = f"{info.name} er aktiveret. {reason}"
    if missing:
        text = (
            f"{info.name} er aktiveret i registret, men disse Rasa-processer har ikke "
            f"indlæst den inden for {trainer.policy.activation_timeout:.0f} sekunder: "
            f"{', '.join(missing)}. De henter den, så snart de kan nå web-appen."
        )
    outcome = Outcome(True, info.name, text, metrics if metrics is not None else info.metrics,
                      active_metrics, status, job.id, seen, verified)
    job.finish(status, reason=text, model=info.name, result=outcome.as_json())
    return outcome


def activate(
    trainer: Trainer, actor: Actor, name: str, reason: str | None = None, job: Job | None = None
) -> Outcome:
    """Activate a kept model (one-click in the portal, ``borger models activate ID``)."""
    job = job or start_job(trainer, actor, "aktivering")
    try:
        with session_scope(trainer.sessions) as session:
            registry.get_model(session, name)
        return _activate_in_job(
            trainer, job, actor, name, reason or f"Aktiveret af {actor.username}"
        )
    except registry.RegistryError as exc:
        return _failed(job, str(exc))
    except BaseException as exc:
        job.fail(f"Jobbet stoppede: {str(exc) or type(exc).__name__}")
        raise


def rollback(trainer: Trainer, actor: Actor, job: Job | None = None) -> Outcome:
    """Activate the model that was active before (``borger models rollback``)."""
    job = job or start_job(trainer, actor, "rul-tilbage")
    try:
        return _activate_in_job(trainer, job, actor, "", "", rollback=True)
    except registry.RegistryError as exc:
        return _failed(job, str(exc))
    except BaseException as exc:
        job.fail(f"Jobbet stoppede: {str(exc) or type(exc).__name__}")
        raise

