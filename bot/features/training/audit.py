"""Audit entries of the training tools (in the staff portal's append-only audit log).

The codes below are registered in ``bot.features.audit.ACTIONS`` with their Danish
labels. An entry is written in the caller's unit of work, together with what it records.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.features.audit import ACTIONS, Actor, record

MODEL_ACTIVATED = "model-aktiveret"
MODEL_OVERRIDE = "model-tvunget"
MODEL_ROLLBACK = "model-rullet-tilbage"
EXAMPLE_ADDED = "eksempel-tilfoejet"
EDIT_SAVED = "indhold-aendret"
EDIT_REVERTED = "aendring-fortrudt"
STORY_SAVED = "testhistorie-gemt"

LABELS = {
    MODEL_ACTIVATED: "Model aktiveret",
    MODEL_OVERRIDE: "Model aktiveret trods kontrollen",
    MODEL_ROLLBACK: "Model rullet tilbage",
    EXAMPLE_ADDED: "Træningseksempel tilføjet",
    EDIT_SAVED: "Tekst, indhold eller historie ændret",
    EDIT_REVERTED: "Ændring fortrudt",
    STORY_SAVED: "Samtale gemt som testhistorie",
}

# Registered once, at import: the audit log refuses codes it does not know.
for _code, _label in LABELS.items():
    ACTIONS.setdefault(_code, _label)


def actor_named(name: str, user_id: int | None = None) -> Actor:
    return Actor(user_id, name)


def audit(
    session: Session,
    actor: Actor,
    action: str,
    *,
    now: datetime,
    target: str | None = None,
    detail: str | None = None,
) -> None:
    record(session, actor, action, now=now, target=target, detail=detail)
