"""The model registry: every kept model, its metrics, and which one is active.

Exactly one model is active; every Rasa replica loads it from the web app's model
endpoint (``GET /models/active``). Activating locks the registry rows, so two
activations at once cannot leave two active models. Earlier models stay in the store,
so a roll-back is one call. Nothing here commits: the caller's unit of work does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.features.training.modelfile import (
    copy_into_store,
    model_name,
    read_model_id,
    sha256_of,
    store_path,
)
from bot.features.training.tables import TrainedModel

# Who activated a model outside the portal and the job.
CLI_ACTOR = "kommandolinje"


class RegistryError(Exception):
    """A registry operation that cannot be done (the message is Danish)."""


def _naive(now: datetime) -> datetime:
    return now.astimezone(timezone.utc).replace(tzinfo=None) if now.tzinfo else now


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=timezone.utc) if value is not None else None


@dataclass(frozen=True)
class ModelInfo:
    name: str
    model_id: str
    sha256: str
    created: datetime
    metrics: Dict[str, Any]
    active: bool
    reason: str | None
    override: bool
    activated_at: datetime | None
    activated_by: str | None
    origin: str
    data_fingerprint: str | None
    eval_fingerprint: str | None

    @property
    def etag(self) -> str:
        """The ETag of the model endpoint: Rasa's model id, quoted."""
        return f'"{self.model_id}"'

    def as_json(self) -> Dict[str, Any]:
        return {
            "id": self.name,
            "active": self.active,
            "created": self.created.isoformat(),
            "metrics": self.metrics,
            "model_id": self.model_id,
            "reason": self.reason,
            "override": self.override,
            "activated_at": self.activated_at.isoformat() if self.activated_at else None,
            "activated_by": self.activated_by,
            "origin": self.origin,
        }


def _info(row: TrainedModel) -> ModelInfo:
    return ModelInfo(
        name=row.name,
        model_id=row.model_id,
        sha256=row.sha256,
        created=_aware(row.created_at) or datetime.now(timezone.utc),
        metrics=json.loads(row.metrics_json or "{}"),
        active=bool(row.active),
        reason=row.reason,
        override=bool(row.override),
        activated_at=_aware(row.activated_at),
        activated_by=row.activated_by,
        origin=row.origin,
        data_fingerprint=row.data_fingerprint,
        eval_fingerprint=row.eval_fingerprint,
    )


def list_models(session: Session) -> List[ModelInfo]:
    """Every model, newest first."""
    rows = session.execute(
        select(TrainedModel).order_by(TrainedModel.created_at.desc(), TrainedModel.id.desc())
    ).scalars()
    return [_info(r) for r in rows]


def active_model(session: Session) -> ModelInfo | None:
    row = session.execute(select(TrainedModel).where(TrainedModel.active.is_(True))).scalar()
    return _info(row) if row is not None else None


def get_model(session: Session, name: str) -> ModelInfo:
    row = _row(session, name)
    return _info(row)


def _row(session: Session, name: str, lock: bool = False) -> TrainedModel:
    query = select(TrainedModel).where(TrainedModel.name == name)
    if lock:
        query = query.with_for_update()
    row = session.execute(query).scalar()
    if row is None:
        raise RegistryError(f"Der er ingen model med id '{name}'.")
    return row


def register(
    session: Session,
    path: Path,
    *,
    now: datetime,
    metrics: Dict[str, Any] | None = None,
    data_fingerprint: str | None = None,
    eval_fingerprint: str | None = None,
    origin: str = "retrain",
) -> ModelInfo:
    """Add a model file that is already in the store (not active)."""
    row = TrainedModel(
        name=model_name(path),
        model_id=read_model_id(path),
        sha256=sha256_of(path),
        created_at=_naive(now),
        data_fingerprint=data_fingerprint,
        metrics_json=json.dumps(metrics or {}, sort_keys=True),
        eval_fingerprint=eval_fingerprint,
        active=False,
        origin=origin,
    )
    session.add(row)
    session.flush()
    return _info(row)


def set_metrics(
    session: Session, name: str, metrics: Dict[str, Any], eval_fingerprint: str | None
) -> None:
    row = _row(session, name)
    row.metrics_json = json.dumps(metrics, sort_keys=True)
    row.eval_fingerprint = eval_fingerprint
    session.flush()


def activate(
    session: Session,
    name: str,
    *,
    now: datetime,
    actor: str,
    reason: str,
    override: bool = False,
    store: Path | None = None,
) -> ModelInfo:
    """Make ``name`` the one active model (the others become inactive)."""
    if store is not None and not store_path(store, name).exists():
        raise RegistryError(f"Modelfilen for '{name}' findes ikke i modellageret.")
    rows = session.execute(select(TrainedModel).with_for_update()).scalars().all()
    target = next((r for r in rows if r.name == name), None)
    if target is None:
        raise RegistryError(f"Der er ingen model med id '{name}'.")
    for row in rows:
        if row is not target and row.active:
            row.active = False
    target.active = True
    target.activated_at = _naive(now)
    target.activated_by = actor[:100]
    target.reason = reason
    target.override = override
    session.flush()
    return _info(target)


def previous_model(session: Session) -> ModelInfo | None:
    """The model that was active before the active one (the roll-back target)."""
    row = session.execute(
        select(TrainedModel)
        .where(TrainedModel.active.is_(False), TrainedModel.activated_at.is_not(None))
        .order_by(TrainedModel.activated_at.desc(), TrainedModel.id.desc())
        .limit(1)
    ).scalar()
    return _info(row) if row is not None else None


def rollback(
    session: Session, *, now: datetime, actor: str, store: Path | None = None
) -> ModelInfo:
    """Activate the model that was active before the current one."""
    current = active_model(session)
    target = previous_model(session)
    if target is None:
        raise RegistryError("Der er ingen tidligere model at rulle tilbage til.")
    reason = f"Rullet tilbage fra {current.name}" if current else "Rullet tilbage"
    return activate(session, target.name, now=now, actor=actor, reason=reason, store=store)


def adopt(
    session: Session,
    source: Path,
    store: Path,
    *,
    now: datetime,
    actor: str = CLI_ACTOR,
    reason: str = "Trænet med 'borger train' / 'borger run'",
    data_fingerprint: str | None = None,
) -> ModelInfo | None:
    """Take a model trained outside the job (``borger train``) into the registry and
    make it active, unless a model with the same Rasa id is already registered.
    Returns the new model, or None when it was known already."""
    model_id = read_model_id(source)
    known = session.execute(
        select(TrainedModel).where(TrainedModel.model_id == model_id)
    ).scalar()
    if known is not None:
        return None
    path = copy_into_store(source, store, model_name(source))
    register(session, path, now=now, origin="train", data_fingerprint=data_fingerprint)
    return activate(session, model_name(path), now=now, actor=actor, reason=reason)
