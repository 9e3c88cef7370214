"""Rasa's SQL tracker store (SQLite or PostgreSQL), read and deleted directly.

Rasa 3.6 has no HTTP call that deletes a conversation (``PUT .../tracker/events``
only appends to a SQL tracker store), so "Slet min samtale" deletes the rows of the
``events`` table, as the retention purge does (``bot.app.retention``). Reading goes
the same way, so a citizen can download the conversation while Rasa is busy or down.
The text is as stored: CPR numbers were masked where the message entered Rasa.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

EVENTS_TABLE = "events"
MAX_EVENTS = 20_000  # a conversation longer than this is cut (the newest are kept)


@dataclass(frozen=True)
class Line:
    """One message of the conversation as the citizen saw it."""

    at: datetime  # aware UTC
    speaker: str  # "user" | "bot"
    text: str
    buttons: List[str] = field(default_factory=list)  # titles offered with a bot message


def _has_events(engine: Engine) -> bool:
    return bool(inspect(engine).has_table(EVENTS_TABLE))


def delete_conversation(engine: Engine, sender_id: str) -> int:
    """Delete every event of the conversation; the number of events deleted."""
    if not _has_events(engine):
        return 0
    with engine.begin() as conn:
        result = conn.execute(
            text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id}
        )
    deleted = int(result.rowcount or 0)
    log.info("tracker store: deleted a conversation (%d events)", deleted)
    return deleted


def conversation_lines(engine: Engine, sender_id: str) -> List[Line]:
    """The user and bot messages of the conversation, oldest first."""
    if not _has_events(engine):
        return []
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT type_name, timestamp, data FROM events"
                " WHERE sender_id = :sender AND type_name IN ('user', 'bot')"
                " ORDER BY id DESC LIMIT :limit"
            ),
            {"sender": sender_id, "limit": MAX_EVENTS},
        ).all()
    lines = [line for row in reversed(rows) if (line := _line(*row)) is not None]
    return lines


def _line(type_name: str, timestamp: Any, data: Any) -> Line | None:
    try:
        event: Dict[str, Any] = json.loads(data) if isinstance(data, str) else dict(data or {})
    except (TypeError, ValueError):
        return None
    at = datetime.fromtimestamp(float(timestamp or event.get("timestamp") or 0), timezone.utc)
    message = event.get("text")
    if type_name == "user":
        if not isinstance(message, str) or not message.strip():
            return None
        return Line(at=at, speaker="user", text=message)
    buttons = [
        str(b.get("title"))
        for b in (event.get("data") or {}).get("buttons") or []
        if isinstance(b, dict) and b.get("title")
    ]
    if not isinstance(message, str) and not buttons:
        return None
    said = message if isinstance(message, str) else ""
    return Line(at=at, speaker="bot", text=said, buttons=buttons)
