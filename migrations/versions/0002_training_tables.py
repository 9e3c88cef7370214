"""training tables (issue 14): model registry, jobs, inbox, provenance, feedback, scan

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "training_feedback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sender_id", sa.String(length=100), nullable=True),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("response", sa.String(length=100), nullable=True),
        sa.Column("scanned", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_training_feedback_conversation_key"),
        "training_feedback",
        ["conversation_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_feedback_created_at"), "training_feedback", ["created_at"], unique=False
    )
    op.create_index(
        op.f("ix_training_feedback_sender_id"), "training_feedback", ["sender_id"], unique=False
    )
    op.create_table(
        "training_inbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=120), nullable=False),
        sa.Column("sender_id", sa.String(length=100), nullable=True),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("message_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("context", sa.Text(), nullable=True),
        sa.Column("predicted_intent", sa.String(length=100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("decided_intent", sa.String(length=100), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source_key"),
    )
    op.create_index(
        op.f("ix_training_inbox_conversation_key"),
        "training_inbox",
        ["conversation_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_inbox_message_at"), "training_inbox", ["message_at"], unique=False
    )
    op.create_index(
        op.f("ix_training_inbox_sender_id"), "training_inbox", ["sender_id"], unique=False
    )
    op.create_index(
        "ix_training_inbox_status_intent",
        "training_inbox",
        ["status", "predicted_intent"],
        unique=False,
    )
    op.create_table(
        "training_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("steps_json", sa.Text(), nullable=False),
        sa.Column("model_name", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("result_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_training_job_status"), "training_job", ["status"], unique=False)
    op.create_table(
        "training_model",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("model_id", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("data_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("metrics_json", sa.Text(), nullable=False),
        sa.Column("eval_fingerprint", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("activated_at", sa.DateTime(), nullable=True),
        sa.Column("activated_by", sa.String(length=100), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("override", sa.Boolean(), nullable=False),
        sa.Column("origin", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_index(op.f("ix_training_model_active"), "training_model", ["active"], unique=False)
    op.create_table(
        "training_provenance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file", sa.String(length=200), nullable=False),
        sa.Column("intent", sa.String(length=100), nullable=False),
        sa.Column("example", sa.Text(), nullable=False),
        sa.Column("conversation_key", sa.String(length=64), nullable=False),
        sa.Column("message_at", sa.DateTime(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_training_provenance_conversation_key"),
        "training_provenance",
        ["conversation_key"],
        unique=False,
    )
    op.create_index(
        op.f("ix_training_provenance_message_at"),
        "training_provenance",
        ["message_at"],
        unique=False,
    )
    op.create_table(
        "training_scan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_event_id", sa.Integer(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("training_scan")
    op.drop_index(op.f("ix_training_provenance_message_at"), table_name="training_provenance")
    op.drop_index(op.f("ix_training_provenance_conversation_key"), table_name="training_provenance")
    op.drop_table("training_provenance")
    op.drop_index(op.f("ix_training_model_active"), table_name="training_model")
    op.drop_table("training_model")
    op.drop_index(op.f("ix_training_job_status"), table_name="training_job")
    op.drop_table("training_job")
    op.drop_index("ix_training_inbox_status_intent", table_name="training_inbox")
    op.drop_index(op.f("ix_training_inbox_sender_id"), table_name="training_inbox")
    op.drop_index(op.f("ix_training_inbox_message_at"), table_name="training_inbox")
    op.drop_index(op.f("ix_training_inbox_conversation_key"), table_name="training_inbox")
    op.drop_table("training_inbox")
    op.drop_index(op.f("ix_training_feedback_sender_id"), table_name="training_feedback")
    op.drop_index(op.f("ix_training_feedback_created_at"), table_name="training_feedback")
    op.drop_index(op.f("ix_training_feedback_conversation_key"), table_name="training_feedback")
    op.drop_table("training_feedback")
