"""The training tables (on ``bot.infra.db.Base``).

- ``training_model``: the model registry. One row per trained model kept in the model
  store (``Settings.model_store``): its metrics on the evaluation set, the fingerprint of
  the data it was trained on, and whether it is the active one (exactly one is).
- ``training_job``: one guarded retrain (or activation) with its steps, for the portal's
  progress view and the history.
- ``training_inbox``: messages from real conversations that need a look (masked text).
- ``training_provenance``: where an office example came from (date and the keyed hash of
  the source conversation, never the conversation or any personal data).
- ``training_feedback``: "Hjalp svaret?" answers from the chat page.
- ``training_scan``: how far the inbox scan has read the tracker store.

Datetimes are naive UTC, as in the other tables. Conversation ids (Rasa's sender ids)
are kept only in the inbox and the feedback rows, which the retention policy deletes
with the conversation (``bot.features.training.privacy.purge``).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.engine import Engine

from bot.infra.db import Base

# Inbox reasons (stored; shown to the office in Danish by ``REASONS``).
LOW_CONFIDENCE = "usikker"
FALLBACK = "fallback"
HANDOVER = "overdragelse"
FLAGGED = "markeret"
FEEDBACK = "feedback"
REASONS = {
    LOW_CONFIDENCE: "Usikker forståelse",
    FALLBACK: "Forstod ikke (fallback)",
    HANDOVER: "Overdraget til et menneske",
    FLAGGED: "Markeret af en rådgiver",
    FEEDBACK: "Borgeren svarede nej til 'Hjalp svaret?'",
}

# Inbox status.
OPEN = "ny"
DONE = "afgjort"
IGNORED = "ignoreret"

# Job status.
RUNNING = "koerer"
ACTIVATED = "aktiveret"
REFUSED = "afvist"
UNCHANGED = "uaendret"
FAILED = "fejlet"
JOB_STATUSES = {
    RUNNING: "Kører",
    ACTIVATED: "Aktiveret",
    REFUSED: "Afvist af kontrollen",
    UNCHANGED: "Intet ændret",
    FAILED: "Fejlet",
}


class TrainedModel(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "training_model"

    id = Column(Integer, primary_key=True)
    # The model's name: its file in the model store is "<name>.tar.gz".
    name = Column(String(100), nullable=False, unique=True)
    # Rasa's own id of the model (metadata.json: model_id): what /status reports.
    model_id = Column(String(64), nullable=False)
    sha256 = Column(String(64), nullable=False)
    created_at = Column(DateTime, nullable=False)
    # Fingerprint of config, domain and training data the model was trained on.
    data_fingerprint = Column(String(64), nullable=True)
    # Metrics on the evaluation set (JSON) and the fingerprint of that set.
    metrics_json = Column(Text, nullable=False, default="{}")
    eval_fingerprint = Column(String(64), nullable=True)
    active = Column(Boolean, nullable=False, default=False, index=True)
    activated_at = Column(DateTime, nullable=True)
    activated_by = Column(String(100), nullable=True)
    # Why it was activated: the gate's verdict, a roll-back, or an admin's written reason.
    reason = Column(Text, nullable=True)
    override = Column(Boolean, nullable=False, default=False)
    origin = Column(String(40), nullable=False, default="retrain")  # retrain | train | import


class TrainingJob(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "training_job"

    id = Column(Integer, primary_key=True)
    kind = Column(String(20), nullable=False, default="retrain")
    status = Column(String(20), nullable=False, default=RUNNING, index=True)
    started_at = Column(DateTime, nullable=False)
    finished_at = Column(DateTime, nullable=True)
    actor = Column(String(100), nullable=False)
    override_reason = Column(Text, nullable=True)
    # [{"name", "label", "status", "started", "finished", "message"}] (JSON)
    steps_json = Column(Text, nullable=False, default="[]")
    model_name = Column(String(100), nullable=True)
    reason = Column(Text, nullable=True)
    result_json = Column(Text, nullable=False, default="{}")


class InboxItem(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "training_inbox"
    __table_args__ = (Index("ix_training_inbox_status_intent", "status", "predicted_intent"),)

    id = Column(Integer, primary_key=True)
    # "<conversation key>:<event timestamp>": one row per message and reason source.
    source_key = Column(String(120), nullable=False, unique=True)
    # Rasa's sender id, kept while the conversation exists (deleted with it).
    sender_id = Column(String(100), nullable=True, index=True)
    conversation_key = Column(String(64), nullable=False, index=True)
    message_at = Column(DateTime, nullable=False, index=True)
    reason = Column(String(20), nullable=False)
    # Masked: CPR numbers, names, phone numbers and e-mail addresses replaced.
    text = Column(Text, nullable=False)
    context = Column(Text, nullable=True)  # the assistant's turn before it, masked
    predicted_intent = Column(String(100), nullable=True)
    confidence = Column(Float, nullable=True)
    comment = Column(Text, nullable=True)  # feedback comment, masked
    status = Column(String(20), nullable=False, default=OPEN)
    decided_intent = Column(String(100), nullable=True)
    decided_by = Column(String(100), nullable=True)
    decided_at = Column(DateTime, nullable=True)


class Provenance(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "training_provenance"

    id = Column(Integer, primary_key=True)
    # The office file and the example in it (the text holds no personal data).
    file = Column(String(200), nullable=False)
    intent = Column(String(100), nullable=False)
    example = Column(Text, nullable=False)
    conversation_key = Column(String(64), nullable=False, index=True)
    message_at = Column(DateTime, nullable=False, index=True)
    added_at = Column(DateTime, nullable=False)
    added_by = Column(String(100), nullable=False)


class Feedback(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "training_feedback"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime, nullable=False, index=True)
    sender_id = Column(String(100), nullable=True, index=True)
    conversation_key = Column(String(64), nullable=False, index=True)
    helpful = Column(Boolean, nullable=False)
    comment = Column(Text, nullable=True)  # masked
    # The response the citizen judged (a response name such as utter_scope_can), if known.
    response = Column(String(100), nullable=True)
    scanned = Column(Boolean, nullable=False, default=False)


class ScanState(Base):  # type: ignore[valid-type,misc]
    __tablename__ = "training_scan"

    id = Column(Integer, primary_key=True)
    # The highest tracker event id read so far.
    last_event_id = Column(Integer, nullable=False, default=0)
    scanned_at = Column(DateTime, nullable=True)


TABLES = [
    TrainedModel.__table__,
    TrainingJob.__table__,
    InboxItem.__table__,
    Provenance.__table__,
    Feedback.__table__,
    ScanState.__table__,
]


def create_tables(engine: Engine) -> None:
    """Create the training tables on an embedded SQLite file (PostgreSQL: migrations)."""
    if engine.dialect.name == "sqlite":
        Base.metadata.create_all(engine, tables=TABLES)
