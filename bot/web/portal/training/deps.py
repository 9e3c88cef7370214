"""What the training pages share: the services, the role checks, the job thread."""

from __future__ import annotations

import logging
import threading
from typing import Callable

from fastapi import Depends

from bot.features.staff.sessions import SessionUser
from bot.features.staff.tables import ADMIN, TRAENER
from bot.web.portal.deps import USER, Forbidden
from bot.web.training.context import TrainingWeb, get_training

log = logging.getLogger(__name__)

PREFIX = "/personale/traening"
TRAINING_ROLES = (TRAENER, ADMIN)
TRAINING = Depends(get_training)


def may_activate(user: SessionUser, training: TrainingWeb) -> bool:
    return user.has(training.settings.activation_role, ADMIN)


def require_activation(
    user: SessionUser = USER, training: TrainingWeb = TRAINING
) -> SessionUser:
    """Activation, roll-back and overriding the gate: ``activation_role`` (admin)."""
    if not may_activate(user, training):
        raise Forbidden()
    return user


ACTIVATOR = Depends(require_activation)


def run_in_background(name: str, work: Callable[[], object]) -> None:
    """Run a job's remaining steps in a thread; its progress is in the job table."""

    def target() -> None:
        try:
            work()
        except Exception:  # noqa: BLE001 - the job row says what failed
            log.exception("training job %s stopped", name)

    threading.Thread(target=target, name=f"training-{name}", daemon=True).start()
