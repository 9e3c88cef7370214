"""The training inbox: messages from real conversations that need a look.

``scan`` reads the Rasa tracker store (table ``events``; SQLite or PostgreSQL) from
where it stopped and takes in every citizen message that the NLU was unsure of (top
confidence below the threshold), that ended in the fallback, or that led to a hand-over;
``flag`` adds a message a caseworker marked in a case, and "nej" to "Hjalp svaret?"
(``training_feedback``) adds the message answered. Texts are masked (``pii.mask``) before
they are stored. ``groups`` shows them by predicted intent with counts; ``resolve`` turns
the trainer's choice into an office example with its provenance (``examples``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Sequence, Tuple

from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from bot.core.privacy import redact
from bot.features.training import pii
from bot.features.training.tables import (
    FALLBACK,
    FEEDBACK,
    FLAGGED,
    HANDOVER,
    LOW_CONFIDENCE,
    OPEN,
    REASONS,
    Feedback,
    InboxItem,
    ScanState,
)
from bot.infra.recipients import conversation_key

FALLBACK_ACTIONS = {"action_fallback", "action_default_fallback", "action_two_stage_fallback"}
HANDOVER_INTENTS = {"request_human"}
HANDOVER_PREFIXES = ("action_handover", "action_case")
NO_INTENT = "(ingen)"


@dataclass(frozen=True)
class ScanConfig:
    secret: bytes
    names: pii.Names = pii.no_names
    confidence: float = 0.6
    batch: int = 5000


def _naive(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=timezone.utc).replace(tzinfo=None)


def _has_events(engine: Engine) -> bool:
    from sqlalchemy import inspect

    return bool(inspect(engine).has_table("events"))


def _top_intent(parse: Dict[str, Any]) -> Tuple[str | None, float | None]:
    """The predicted intent (the best one behind a fallback) and its confidence."""
    intent = parse.get("intent") or {}
    name, confidence = intent.get("name"), intent.get("confidence")
    if name == "nlu_fallback":
        ranking = [r for r in parse.get("intent_ranking") or [] if r.get("name") != name]
        if ranking:
            name, confidence = ranking[0].get("name"), ranking[0].get("confidence")
    return name, float(confidence) if confidence is not None else None


def _reason(parse: Dict[str, Any], next_actions: Sequence[str], threshold: float) -> str | None:
    intent = (parse.get("intent") or {}).get("name")
    if intent == "nlu_fallback" or any(a in FALLBACK_ACTIONS for a in next_actions):
        return FALLBACK
    if intent in HANDOVER_INTENTS or any(a.startswith(HANDOVER_PREFIXES) for a in next_actions):
        return HANDOVER
    confidence = (parse.get("intent") or {}).get("confidence")
    if confidence is not None and float(confidence) < threshold:
        return LOW_CONFIDENCE
    return None


def _is_message(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip()) and not value.startswith("/")


def _previous_bot_text(conn: Any, sender: str, before_id: int) -> str | None:
    row = conn.execute(
        text(
            "SELECT data FROM events WHERE sender_id = :s AND id < :i AND type_name = 'bot' "
            "ORDER BY id DESC LIMIT 1"
        ),
        {"s": sender, "i": before_id},
    ).first()
    if row is None:
        return None
    value = json.loads(row[0]).get("text")
    return value if isinstance(value, str) else None


def _add(session: Session, item: InboxItem) -> bool:
    exists = session.execute(
        select(InboxItem.id).where(InboxItem.source_key == item.source_key)
    ).first()
    if exists:
        return False
    session.add(item)
    return True


def scan(session: Session, tracker: Engine, config: ScanConfig, now: datetime) -> int:
    """Read new tracker events into the inbox; the number of new items."""
    state = session.get(ScanState, 1)
    if state is None:
        state = ScanState(id=1, last_event_id=0)
        session.add(state)
    added = 0
    if _has_events(tracker):
        with tracker.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, sender_id, type_name, timestamp, data FROM events "
                    "WHERE id > :last ORDER BY id LIMIT :n"
                ),
                {"last": state.last_event_id, "n": config.batch},
            ).all()
            added += _scan_rows(session, conn, rows, config)
            if rows:
                state.last_event_id = int(rows[-1][0])
            added += _scan_feedback(session, conn, config)
    state.scanned_at = now.astimezone(timezone.utc).replace(tzinfo=None)
    session.flush()
    return added


def _scan_rows(session: Session, conn: Any, rows: Sequence[Any], config: ScanConfig) -> int:
    by_sender: Dict[str, List[Any]] = {}
    for row in rows:
        by_sender.setdefault(str(row[1]), []).append(row)
    added = 0
    for sender, events in by_sender.items():
        for i, row in enumerate(events):
            if row[2] != "user":
                continue
            data = json.loads(row[4])
            message = data.get("text")
            if not _is_message(message):
                continue
            parse = data.get("parse_data") or {}
            following = []
            for later in events[i + 1 :]:
                if later[2] == "user":
                    break
                if later[2] == "action":
                    following.append(json.loads(later[4]).get("name") or "")
            reason = _reason(parse, following, config.confidence)
            if reason is None:
                continue
            intent, confidence = _top_intent(parse)
            key = conversation_key(config.secret, sender)
            context = _previous_bot_text(conn, sender, int(row[0]))
            added += _add(session, InboxItem(
                source_key=f"{key[:40]}:{row[3]:.6f}",
                sender_id=sender,
                conversation_key=key,
                message_at=_naive(float(row[3])),
                reason=reason,
                text=pii.mask(redact(message), config.names),
                context=pii.mask(redact(context), config.names) if context else None,
                predicted_intent=intent,
                confidence=confidence,
            ))
    return added


def _scan_feedback(session: Session, conn: Any, config: ScanConfig) -> int:
    """Each unscanned "nej": the citizen's last message before it."""
    added = 0
    pending = session.execute(
        select(Feedback).where(Feedback.scanned.is_(False), Feedback.helpful.is_(False))
    ).scalars().all()
    for fb in pending:
        fb.scanned = True
        if not fb.sender_id:
            continue
        at = fb.created_at.replace(tzinfo=timezone.utc).timestamp()
        row = conn.execute(
            text(
                "SELECT id, timestamp, data FROM events WHERE sender_id = :s AND "
                "type_name = 'user' AND timestamp <= :t ORDER BY id DESC LIMIT 5"
            ),
            {"s": fb.sender_id, "t": at},
        ).all()
        chosen = next((r for r in row if _is_message(json.loads(r[2]).get("text"))), None)
        if chosen is None:
            continue
        data = json.loads(chosen[2])
        intent, confidence = _top_intent(data.get("parse_data") or {})
        context = _previous_bot_text(conn, fb.sender_id, int(chosen[0]))
        added += _add(session, InboxItem(
            source_key=f"{fb.conversation_key[:40]}:{chosen[1]:.6f}:fb",
            sender_id=fb.sender_id,
            conversation_key=fb.conversation_key,
            message_at=_naive(float(chosen[1])),
            reason=FEEDBACK,
            text=pii.mask(redact(data["text"]), config.names),
            context=pii.mask(redact(context), config.names) if context else None,
            predicted_intent=intent,
            confidence=confidence,
            comment=fb.comment,
        ))
    return added


def flag(
    session: Session,
    config: ScanConfig,
    *,
    sender_id: str,
    message: str,
    at: datetime,
    predicted_intent: str | None = None,
    context: str | None = None,
    position: int = 0,
) -> bool:
    """A message a caseworker marked in a case (from the case's masked transcript);
    ``position`` tells messages of one case apart. False when it was marked before."""
    key = conversation_key(config.secret, sender_id)
    stamp = at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at
    suffix = f":{position}" if position else ""
    return _add(session, InboxItem(
        source_key=f"{key[:40]}:{stamp.timestamp():.6f}:flag{suffix}",
        sender_id=sender_id,
        conversation_key=key,
        message_at=stamp,
        reason=FLAGGED,
        text=pii.mask(redact(message), config.names),
        context=pii.mask(redact(context), config.names) if context else None,
        predicted_intent=predicted_intent,
    ))


@dataclass
class Message:
    text: str
    count: int
    ids: List[int]
    reasons: List[str]
    context: str | None
    confidence: float | None
    comment: str | None

    @property
    def reason_labels(self) -> List[str]:
        return [REASONS.get(r, r) for r in self.reasons]


@dataclass
class Group:
    intent: str
    count: int
    messages: List[Message] = field(default_factory=list)


def groups(session: Session, limit: int = 500) -> List[Group]:
    """Open items by predicted intent (most first), equal texts counted together."""
    rows = session.execute(
        select(InboxItem).where(InboxItem.status == OPEN)
        .order_by(InboxItem.message_at.desc()).limit(limit)
    ).scalars().all()
    by_intent: Dict[str, Dict[str, Message]] = {}
    for row in rows:
        intent = row.predicted_intent or NO_INTENT
        texts = by_intent.setdefault(intent, {})
        msg = texts.get(row.text.lower())
        if msg is None:
            msg = texts[row.text.lower()] = Message(
                row.text, 0, [], [], row.context, row.confidence, row.comment
            )
        msg.count += 1
        msg.ids.append(row.id)
        if row.reason not in msg.reasons:
            msg.reasons.append(row.reason)
        msg.comment = msg.comment or row.comment
    out = [
        Group(intent, sum(m.count for m in texts.values()),
              sorted(texts.values(), key=lambda m: -m.count))
        for intent, texts in by_intent.items()
    ]
    return sorted(out, key=lambda g: (-g.count, g.intent))


def open_count(session: Session) -> int:
    from sqlalchemy import func

    return int(session.execute(
        select(func.count(InboxItem.id)).where(InboxItem.status == OPEN)
    ).scalar_one())
