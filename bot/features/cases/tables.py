"""The case tables (on ``bot.infra.db.Base``).

A ``Case`` is one hand-over: the masked transcript and the structured summary the
citizen agreed to share, the consent that allowed it, how the citizen wants to be
contacted, and the staff side (status, assignee, due date, tags, outcome, legal hold).
A ``CaseEntry`` is one line of the case's history: more text from the citizen in the
same conversation (kind ``borger``), a staff note (``note``) or a system line.

All datetimes are naive UTC, as in the booking tables.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text

from bot.infra.db import Base

# Status values (shown to staff in Danish as they are written).
NEW = "ny"
IN_PROGRESS = "i gang"
CLOSED = "afsluttet"
STATUSES = (NEW, IN_PROGRESS, CLOSED)

# Entry kinds.
CITIZEN = "borger"
NOTE = "note"
SYSTEM = "system"


class Case(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "case_case"

    id = Column(Integer, primary_key=True)
    # Shown to the citizen in the receipt and to staff, e.g. "BR-2026-0042".
    number = Column(String(20), nullable=False, unique=True)
    # Rasa's sender id of the conversation (unguessable; the citizen's key to it).
    conversation_id = Column(String(100), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)
    # The promise in the receipt ("Du hører fra os senest ...").
    due_at = Column(DateTime, nullable=False)

    # What the citizen shared: masked transcript and the structured summary (JSON).
    transcript = Column(Text, nullable=False)
    summary_json = Column(Text, nullable=False, default="{}")

    # Consent: the version of the consent text shown, when, and what it covered.
    consent_version = Column(String(40), nullable=False)
    consent_at = Column(DateTime, nullable=False)
    consent_scope = Column(String(200), nullable=False)

    # How the citizen wants to be contacted (all optional: the citizen may call).
    contact_method = Column(String(20), nullable=True)  # "telefon" | "mail" | None
    contact_value = Column(String(200), nullable=True)
    contact_when = Column(String(200), nullable=True)

    # Staff side.
    status = Column(String(20), nullable=False, default=NEW, index=True)
    assignee_id = Column(Integer, nullable=True, index=True)  # a staff user's id
    tags = Column(String(500), nullable=False, default="")  # comma-separated
    outcome = Column(String(100), nullable=True)  # category chosen when closing
    closed_at = Column(DateTime, nullable=True)
    legal_hold = Column(Boolean, nullable=False, default=False)


class CaseEntry(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "case_entry"

    id = Column(Integer, primary_key=True)
    case_id = Column(
        Integer, ForeignKey("case_case.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind = Column(String(20), nullable=False)  # CITIZEN | NOTE | SYSTEM
    author_id = Column(Integer, nullable=True)  # staff user id for notes
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
