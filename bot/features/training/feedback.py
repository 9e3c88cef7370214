""""Hjalp svaret?": the citizen's ja / nej after an answer, with an optional comment.

A "nej" puts the message answered into the training inbox (``inbox.scan`` picks it up).
The comment is masked before it is stored (CPR numbers, e-mail addresses, phone numbers,
names); the conversation is kept as its keyed hash, plus Rasa's sender id until the
retention policy deletes the conversation.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel
from sqlalchemy.orm import Session

from bot.core.content import cached
from bot.core.content import load as load_content
from bot.core.privacy import redact
from bot.features.training import pii
from bot.features.training.tables import Feedback
from bot.infra.recipients import conversation_key

MAX_COMMENT = 1000


def record(
    session: Session,
    *,
    secret: bytes,
    sender_id: str,
    helpful: bool,
    now: datetime,
    comment: str | None = None,
    response: str | None = None,
    names: pii.Names = pii.no_names,
) -> Feedback:
    cleaned = (comment or "").strip()[:MAX_COMMENT]
    row = Feedback(
        created_at=now.astimezone(timezone.utc).replace(tzinfo=None),
        sender_id=sender_id,
        conversation_key=conversation_key(secret, sender_id),
        helpful=helpful,
        comment=pii.mask(redact(cleaned), names) if cleaned else None,
        response=(response or None) and response[:100],
        scanned=helpful,  # only a "nej" goes to the inbox
    )
    session.add(row)
    session.flush()
    return row


class FeedbackTexts(BaseModel):
    """content/feedback.yml: what the chat page says around "Hjalp svaret?"."""

    spoergsmaal: str
    ja: str
    nej: str
    kommentar_label: str
    send: str
    spring_over: str
    tak: str
    fejl: str


def load_texts(path: Path) -> FeedbackTexts:
    return load_content(path, FeedbackTexts.parse_obj)


def cached_texts(path: Path) -> FeedbackTexts:
    return cached(path, FeedbackTexts.parse_obj)
