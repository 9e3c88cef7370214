"""The job table: a retrain or an activation with its steps, visible while it runs.

Each step is written in its own unit of work as it starts and ends, so the portal
(which polls ``get_job``) shows the progress of a job running in another process.
Only one job runs at a time; a job that has run longer than ``STALE_AFTER`` is taken
to be dead (its process stopped) and no longer blocks a new one.
"""

from __future__ import annotations

import json
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict, Iterator, List

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.features.training.tables import FAILED, JOB_STATUSES, RUNNING, TrainingJob
from bot.infra.db import session_scope

STALE_AFTER = timedelta(hours=3)

STEP_LABELS = {
    "fingerprint": "Ser efter ændringer siden den aktive model",
    "validate": "Tjekker træningsdata (rasa data validate)",
    "train": "Træner en ny model",
    "evaluate": "Måler den nye model på evalueringssættet",
    "evaluate_active": "Måler den aktive model på samme sæt",
    "compare": "Sammenligner med den aktive model",
    "activate": "Aktiverer modellen",
    "verify": "Venter på, at alle Rasa-processer har indlæst modellen",
}
# Step status.
STEP_RUNNING, STEP_DONE, STEP_FAILED, STEP_SKIPPED = "koerer", "faerdig", "fejl", "sprunget over"


class JobBusy(Exception):
    """Another job is running (the message is Danish)."""


def _naive(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now


@dataclass(frozen=True)
class JobView:
    id: int
    kind: str
    status: str
    started: datetime
    finished: datetime | None
    actor: str
    steps: List[Dict[str, Any]]
    model: str | None
    reason: str | None
    result: Dict[str, Any]

    @property
    def status_label(self) -> str:
        return JOB_STATUSES.get(self.status, self.status)

    @property
    def running(self) -> bool:
        return self.status == RUNNING

    def as_json(self) -> Dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "status": self.status,
            "status_label": self.status_label,
            "started": self.started.isoformat(),
            "finished": self.finished.isoformat() if self.finished else None,
            "actor": self.actor,
            "steps": self.steps,
            "model": self.model,
            "reason": self.reason,
        }


def _view(row: TrainingJob) -> JobView:
    return JobView(
        id=row.id,
        kind=row.kind,
        status=row.status,
        started=row.started_at.replace(tzinfo=timezone.utc),
        finished=row.finished_at.replace(tzinfo=timezone.utc) if row.finished_at else None,
        actor=row.actor,
        steps=json.loads(row.steps_json or "[]"),
        model=row.model_name,
        reason=row.reason,
        result=json.loads(row.result_json or "{}"),
    )


def get_job(session: Session, job_id: int) -> JobView | None:
    row = session.get(TrainingJob, job_id)
    return _view(row) if row is not None else None


def recent_jobs(session: Session, limit: int = 20) -> List[JobView]:
    rows = session.execute(
        select(TrainingJob).order_by(TrainingJob.id.desc()).limit(limit)
    ).scalars()
    return [_view(r) for r in rows]


def running_job(session: Session, now: datetime) -> JobView | None:
    cutoff = _naive(now) - STALE_AFTER
    row = session.execute(
        select(TrainingJob)
        .where(TrainingJob.status == RUNNING, TrainingJob.started_at >= cutoff)
        .order_by(TrainingJob.id.desc())
        .limit(1)
    ).scalar()
    return _view(row) if row is not None else None


class Job:
    """A running job: its steps are committed as they happen."""

    def __init__(self, sessions: sessionmaker, job_id: int, now: Callable[[], datetime]) -> None:
        self.sessions = sessions
        self.id = job_id
        self.now = now

    @classmethod
    def start(
        cls,
        sessions: sessionmaker,
        *,
        kind: str,
        actor: str,
        now: Callable[[], datetime],
        override_reason: str | None = None,
    ) -> Job:
        with session_scope(sessions) as session:
            busy = running_job(session, now())
            if busy is not None:
                raise JobBusy(
                    f"Et andet job (nr. {busy.id}, startet af {busy.actor}) kører allerede."
                )
            row = TrainingJob(
                kind=kind,
                status=RUNNING,
                started_at=_naive(now()),
                actor=actor[:100],
                override_reason=override_reason,
            )
            session.add(row)
            session.flush()
            job_id = int(row.id)
        return cls(sessions, job_id, now)

    def _update(self, change: Callable[[TrainingJob, List[Dict[str, Any]]], None]) -> None:
        with session_scope(self.sessions) as session:
            row = session.get(TrainingJob, self.id)
            if row is None:
                return
            steps = json.loads(row.steps_json or "[]")
            change(row, steps)
            row.steps_json = json.dumps(steps, ensure_ascii=False)

    def _set_step(self, name: str, status: str, message: str | None = None) -> None:
        stamp = self.now().isoformat()

        def change(_row: TrainingJob, steps: List[Dict[str, Any]]) -> None:
            step = next((s for s in steps if s["name"] == name), None)
            if step is None:
                step = {"name": name, "label": STEP_LABELS.get(name, name), "started": stamp}
                steps.append(step)
            step["status"] = status
            if status != STEP_RUNNING:
                step["finished"] = stamp
            if message is not None:
                step["message"] = message

        self._update(change)

    @contextmanager
    def step(self, name: str) -> Iterator[Dict[str, str]]:
        """Run one step; the dict's "message" is stored with it when it ends."""
        note: Dict[str, str] = {}
        self._set_step(name, STEP_RUNNING)
        try:
            yield note
        except BaseException as exc:
            self._set_step(name, STEP_FAILED, note.get("message") or _short(exc))
            raise
        self._set_step(name, STEP_DONE, note.get("message"))

    def skip(self, name: str, message: str) -> None:
        self._set_step(name, STEP_SKIPPED, message)

    def fail_step(self, name: str, message: str) -> None:
        self._set_step(name, STEP_FAILED, message)

    def finish(
        self, status: str, *, reason: str, model: str | None, result: Dict[str, Any]
    ) -> None:
        stamp = _naive(self.now())

        def change(row: TrainingJob, _steps: List[Dict[str, Any]]) -> None:
            row.status = status
            row.finished_at = stamp
            row.reason = reason
            row.model_name = model
            row.result_json = json.dumps(result, ensure_ascii=False, default=str)

        self._update(change)

    def fail(self, reason: str) -> None:
        self.finish(FAILED, reason=reason, model=None, result={"error": reason})


def _short(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= 500 else text[:497] + "..."
