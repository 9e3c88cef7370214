"""A tracker store with Rasa's ``events`` table (as rasa.core.tracker_store.SQLTrackerStore
creates it), filled with conversations for the inbox and overview tests."""

from __future__ import annotations

import json
from typing import Any, Dict, List

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, text
from sqlalchemy.engine import Engine

from bot.infra.db import make_engine

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255), nullable=False, index=True),
    Column("type_name", String(255), nullable=False),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)


class Tracker:
    def __init__(self, url: str) -> None:
        self.engine: Engine = make_engine(url)
        EVENTS.create(self.engine)
        self.ts = 1_796_119_200.0  # 2026-12-01 10:00 UTC

    def _add(self, sender: str, kind: str, data: Dict[str, Any], **cols: Any) -> None:
        self.ts += 1.0
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO events (sender_id, type_name, timestamp, intent_name, "
                    "action_name, data) VALUES (:s, :k, :t, :i, :a, :d)"
                ),
                {"s": sender, "k": kind, "t": self.ts, "i": cols.get("intent"),
                 "a": cols.get("action"), "d": json.dumps({"event": kind, **data})},
            )

    def bot(self, sender: str, said: str) -> None:
        self._add(sender, "bot", {"text": said})

    def user(self, sender: str, said: str, intent: str, confidence: float,
             ranking: List[tuple] = ()) -> None:
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking],
            "text": said,
        }
        self._add(sender, "user", {"text": said, "parse_data": parse}, intent=intent)

    def action(self, sender: str, name: str) -> None:
        self._add(sender, "action", {"name": name}, action=name)

    def slot(self, sender: str, name: str, value: Any) -> None:
        self._add(sender, "slot", {"name": name, "value": value})
