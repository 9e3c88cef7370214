"""What the office sees: conversations per day and week, routes, fallback and hand-over
rates, satisfaction and the most frequent misunderstood messages; CSV export.

Computed from the Rasa tracker store (``events``), the feedback and the inbox. No
personal data: counts only, and a misunderstood message is listed (masked) only when
it came from at least ``MIN_CONVERSATIONS`` different conversations. The annual report
(vedtægt § 6) can take its figures from here.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Dict, List, Set, Tuple
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.features.training.inbox import FALLBACK_ACTIONS, HANDOVER_INTENTS, HANDOVER_PREFIXES
from bot.features.training.tables import FALLBACK, LOW_CONFIDENCE, Feedback, InboxItem

MIN_CONVERSATIONS = 2
TOP = 10


@dataclass
class Day:
    day: date
    conversations: int = 0
    messages: int = 0
    fallbacks: int = 0
    handovers: int = 0
    helpful: int = 0
    not_helpful: int = 0


@dataclass
class Overview:
    start: date
    end: date
    days: List[Day]
    routes: List[Tuple[str, int]]
    misunderstood: List[Tuple[str, int]]
    conversations: int = 0
    messages: int = 0
    fallbacks: int = 0
    handover_conversations: int = 0
    helpful: int = 0
    not_helpful: int = 0
    weeks: List[Tuple[str, int]] = field(default_factory=list)

    @property
    def fallback_rate(self) -> float:
        return self.fallbacks / self.messages if self.messages else 0.0

    @property
    def handover_rate(self) -> float:
        return self.handover_conversations / self.conversations if self.conversations else 0.0

    @property
    def satisfaction(self) -> float | None:
        answers = self.helpful + self.not_helpful
        return self.helpful / answers if answers else None


def _events(tracker: Engine, start: datetime, end: datetime) -> List[Tuple]:
    if not inspect(tracker).has_table("events"):
        return []
    with tracker.connect() as conn:
        return list(conn.execute(
            text(
                "SELECT sender_id, type_name, timestamp, data FROM events WHERE "
                "timestamp >= :a AND timestamp < :b AND type_name IN ('user', 'action', 'slot') "
                "ORDER BY sender_id, id"
            ),
            {"a": start.timestamp(), "b": end.timestamp()},
        ).all())


def build(
    session: Session, tracker: Engine, *, start: date, end: date, tz: str
) -> Overview:
    """Figures for the days ``start`` to ``end`` (both included) in zone ``tz``."""
    zone = ZoneInfo(tz)
    a = datetime.combine(start, time(0), zone)
    b = datetime.combine(end + timedelta(days=1), time(0), zone)
    days: Dict[date, Day] = {}
    d = start
    while d <= end:
        days[d] = Day(d)
        d += timedelta(days=1)
    first_day: Dict[str, date] = {}
    handover: Set[str] = set()
    routes: Counter[str] = Counter()
    last_user: Tuple[str, date] | None = None
    counted_fallback = False
    for sender, kind, ts, raw in _events(tracker, a, b):
        data = json.loads(raw)
        day = datetime.fromtimestamp(float(ts), zone).date()
        if day not in days:
            continue
        if kind == "user":
            first_day.setdefault(sender, day)
            days[day].messages += 1
            last_user, counted_fallback = (sender, day), False
            intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name")
            if intent == "nlu_fallback":
                days[day].fallbacks += 1
                counted_fallback = True
            if intent in HANDOVER_INTENTS and sender not in handover:
                handover.add(sender)
                days[day].handovers += 1
        elif kind == "action":
            name = str(data.get("name") or "")
            same = last_user is not None and last_user[0] == sender
            if name in FALLBACK_ACTIONS and same and not counted_fallback and last_user:
                days[last_user[1]].fallbacks += 1
                counted_fallback = True
            if name.startswith(HANDOVER_PREFIXES) and sender not in handover:
                handover.add(sender)
                days[day].handovers += 1
        elif kind == "slot" and data.get("name") == "route" and data.get("value"):
            routes[str(data["value"])] += 1
    for day in first_day.values():
        days[day].conversations += 1
    _feedback(session, days, a, b, zone)
    ordered = list(days.values())
    weeks: Counter[str] = Counter()
    for row in ordered:
        iso = row.day.isocalendar()
        weeks[f"{iso[0]}-U{iso[1]:02d}"] += row.conversations
    return Overview(
        start=start,
        end=end,
        days=ordered,
        routes=routes.most_common(),
        misunderstood=misunderstood(session, a, b),
        conversations=len(first_day),
        messages=sum(r.messages for r in ordered),
        fallbacks=sum(r.fallbacks for r in ordered),
        handover_conversations=len(handover),
        helpful=sum(r.helpful for r in ordered),
        not_helpful=sum(r.not_helpful for r in ordered),
        weeks=sorted(weeks.items()),
    )


def _utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc).replace(tzinfo=None)


def _feedback(session: Session, days: Dict[date, Day], a: datetime, b: datetime,
              zone: ZoneInfo) -> None:
    rows = session.execute(
        select(Feedback.created_at, Feedback.helpful)
        .where(Feedback.created_at >= _utc(a), Feedback.created_at < _utc(b))
    ).all()
    for created, helpful in rows:
        day = created.replace(tzinfo=timezone.utc).astimezone(zone).date()
        if day in days:
            if helpful:
                days[day].helpful += 1
            else:
                days[day].not_helpful += 1


def misunderstood(session: Session, a: datetime, b: datetime) -> List[Tuple[str, int]]:
    """The most frequent masked messages the assistant did not understand, each from at
    least ``MIN_CONVERSATIONS`` conversations."""
    rows = session.execute(
        select(func.lower(InboxItem.text), func.count(func.distinct(InboxItem.conversation_key)))
        .where(
            InboxItem.reason.in_([FALLBACK, LOW_CONFIDENCE]),
            InboxItem.message_at >= _utc(a),
            InboxItem.message_at < _utc(b),
        )
        .group_by(func.lower(InboxItem.text))
    ).all()
    common = [(str(t), int(n)) for t, n in rows if int(n) >= MIN_CONVERSATIONS]
    return sorted(common, key=lambda r: (-r[1], r[0]))[:TOP]


CSV_HEADER = ["dato", "samtaler", "beskeder", "ikke_forstaaet", "overdraget", "hjalp_ja",
              "hjalp_nej"]


def to_csv(overview: Overview) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for r in overview.days:
        writer.writerow([r.day.isoformat(), r.conversations, r.messages, r.fallbacks,
                         r.handovers, r.helpful, r.not_helpful])
    return out.getvalue()
