"""live reply: live chats, their messages, the chat page's presence

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 19:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_presence",
        sa.Column("conversation_id", sa.String(length=100), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("conversation_id"),
    )
    op.create_table(
        "live_chat",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(length=100), nullable=False),
        sa.Column("started_by", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_at", sa.DateTime(), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case_case.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_chat", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_chat_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_live_chat_conversation_id"), ["conversation_id"], unique=False
        )

    op.create_table(
        "live_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("live_id", sa.Integer(), nullable=False),
        sa.Column("sender", sa.String(length=20), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["live_id"], ["live_chat.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("live_message", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_live_message_live_id"), ["live_id"], unique=False)



def downgrade() -> None:
    with op.batch_alter_table("live_message", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_message_live_id"))

    op.drop_table("live_message")
    with op.batch_alter_table("live_chat", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_live_chat_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_live_chat_case_id"))

    op.drop_table("live_chat")
    op.drop_table("chat_presence")
