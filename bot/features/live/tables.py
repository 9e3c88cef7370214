"""The live reply's tables (on ``bot.infra.db.Base``; naive UTC datetimes).

``LiveChat``: one take-over of a case's conversation by a caseworker, from start to
"Giv tilbage til robotten". ``LiveMessage``: what was written in it (CPR numbers
masked), by the caseworker (``personale``), the citizen (``borger``) or the system
(the notices the citizen sees when it starts and ends). Both belong to the case and go
with it. ``ChatPresence``: when the citizen's page last asked for news, kept only for
conversations handed over as a case (so the portal can tell whether they are there).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text

from bot.infra.db import Base

STAFF = "personale"
CITIZEN = "borger"
SYSTEM = "system"


class LiveChat(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "live_chat"

    id = Column(Integer, primary_key=True)
    case_id = Column(
        Integer, ForeignKey("case_case.id", ondelete="CASCADE"), nullable=False, index=True
    )
    conversation_id = Column(String(100), nullable=False, index=True)
    started_by = Column(Integer, nullable=False)  # the staff user's id
    started_at = Column(DateTime, nullable=False)
    last_at = Column(DateTime, nullable=False)  # the newest message either way
    ended_at = Column(DateTime, nullable=True)


class LiveMessage(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "live_message"

    id = Column(Integer, primary_key=True)
    live_id = Column(
        Integer, ForeignKey("live_chat.id", ondelete="CASCADE"), nullable=False, index=True
    )
    sender = Column(String(20), nullable=False)  # STAFF | CITIZEN | SYSTEM
    author_id = Column(Integer, nullable=True)  # the staff user for STAFF
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)


class ChatPresence(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "chat_presence"

    conversation_id = Column(String(100), primary_key=True)
    seen_at = Column(DateTime, nullable=False)
