"""Chats, their session history, sessions in progress, open questions, and unreadable rows.

A chat is one JSONB document (the same flat form the TinyDB files keep: ``bot.core.documents``)
with its version beside it, so a save can check it is not writing over a newer one; the
columns that queries need (reminders on) are kept apart.
"""

from __future__ import annotations

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE chats (
            chat_id bigint PRIMARY KEY,
            version integer NOT NULL,
            subscribed boolean NOT NULL,
            doc jsonb NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE sessions (
            chat_id bigint NOT NULL,
            started_at timestamptz NOT NULL,
            doc jsonb NOT NULL,
            PRIMARY KEY (chat_id, started_at)
        );
        CREATE TABLE active_sessions (
            chat_id bigint PRIMARY KEY,
            doc jsonb NOT NULL
        );
        CREATE TABLE prompts (
            chat_id bigint NOT NULL,
            kind text NOT NULL,
            message_id bigint NOT NULL,
            payload text NOT NULL DEFAULT '',
            PRIMARY KEY (chat_id, kind)
        );
        CREATE TABLE unreadable (
            id bigserial PRIMARY KEY,
            chat_id bigint NOT NULL,
            doc text NOT NULL,
            reason text NOT NULL,
            set_aside_at timestamptz NOT NULL DEFAULT now(),
            told boolean NOT NULL DEFAULT false
        );
        CREATE INDEX unreadable_chat ON unreadable (chat_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE unreadable, prompts, active_sessions, sessions, chats")
