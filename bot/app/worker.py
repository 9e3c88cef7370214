"""The worker process: delivers queued mails and runs the retention policy.

`borger worker` runs ``run_worker`` until it is stopped; errors are logged
(without personal data) and retried on the next round.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone

from bot.app.retention import run_policy
from bot.app.schema import ensure_embedded_schema
from bot.core.settings import Settings
from bot.infra.db import make_engine, make_session_factory
from bot.infra.mail import build_mailer
from bot.infra.outbox import deliver_due

log = logging.getLogger(__name__)

# How often the worker runs the retention policy.
PURGE_INTERVAL_SECONDS = 3600


def run_worker(settings: Settings, stop_event: threading.Event, interval: float = 2.0) -> None:
    """Deliver due mails every ``interval`` seconds until ``stop_event`` is set."""
    engine = make_engine(settings.app_database_url)
    try:
        for attempt in range(3):  # other processes may create the schema at the same time
            try:
                ensure_embedded_schema(engine)  # PostgreSQL: borger db upgrade
                break
            except Exception:
                if attempt == 2:
                    raise
                stop_event.wait(1.0)
        factory = make_session_factory(engine)
        mailer = build_mailer(settings)
        log.info("outbox worker started (%s)", type(mailer).__name__)
        next_purge = 0.0
        while not stop_event.is_set():
            try:
                if time.monotonic() >= next_purge:
                    run_policy(
                        factory,
                        settings.tracker_database_url,
                        datetime.now(timezone.utc),
                        settings.retention_days,
                        settings.case_retention_days,
                        outbox_dir=settings.mail_outbox_dir,
                        conversation_max_days=settings.conversation_max_days,
                    )
                    next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
                deliver_due(factory, mailer, timezone_name=settings.timezone)
            except Exception as exc:  # keep the worker alive; no personal data in the log
                log.error("outbox worker round failed: %s", type(exc).__name__)
            stop_event.wait(interval)
    finally:
        engine.dispose()
        log.info("outbox worker stopped")
