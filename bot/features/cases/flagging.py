"""A caseworker sends a citizen's message from a case to the training inbox
("Send til træning"): the office then decides what the assistant should have
understood (issue 14). The message is taken from the case's masked transcript and
masked again by the inbox (names, phone numbers, e-mail addresses)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import List

from sqlalchemy.orm import Session

from bot.features.audit import log as audit
from bot.features.cases.casework import CaseError, find_case
from bot.features.handover import conversation
from bot.features.handover.conversation import BUTTON, SPEAKERS
from bot.features.training import inbox

CITIZEN = SPEAKERS[conversation.CITIZEN]
# The start of one message in ``conversation.transcript``: a line "[2026-12-01 10:02]
# Borger: ..." (a message's own line breaks continue it).
_START = re.compile(
    r"^(?:\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}\] )?(?P<who>"
    + "|".join(re.escape(name) for name in SPEAKERS.values())
    + r"): ",
    re.MULTILINE,
)


@dataclass(frozen=True)
class TranscriptMessage:
    position: int  # 1 for the citizen's first message in the case
    text: str
    context: str | None  # the assistant's message before it


def citizen_messages(transcript: str) -> List[TranscriptMessage]:
    """What the citizen wrote in the transcript (not button presses), in order."""
    starts = list(_START.finditer(transcript or ""))
    found: List[TranscriptMessage] = []
    previous: str | None = None
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(transcript)
        text = transcript[match.end() : end].strip()
        if match.group("who") != CITIZEN:
            previous = text or previous
            continue
        if text and not text.startswith(BUTTON):
            found.append(TranscriptMessage(len(found) + 1, text, previous))
    return found


def flag_for_training(
    session: Session,
    number: str,
    position: str,
    *,
    config: inbox.ScanConfig,
    actor: audit.Actor,
    now: datetime,
) -> bool:
    """Put message ``position`` of case ``number`` in the training inbox; False when it
    is there already. Raises ``CaseError`` (Danish) for a position that is not there."""
    case = find_case(session, number)
    messages = {str(m.position): m for m in citizen_messages(case.transcript)}
    chosen = messages.get((position or "").strip())
    if chosen is None:
        raise CaseError("Vælg en af borgerens beskeder på listen.")
    added = inbox.flag(
        session,
        config,
        sender_id=case.conversation_id,
        message=chosen.text,
        at=case.created_at,
        context=chosen.context,
        position=chosen.position,
    )
    session.flush()
    audit.record(
        session, actor, audit.FLAG_FOR_TRAINING, now=now, case=case.number,
        detail=f"besked {chosen.position}",
    )
    return added
