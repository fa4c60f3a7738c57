"""Timers as rows: every pending reminder, snooze, follow-up and retry, with its due instant.

Any instance claims the due ones (``bot.storage.postgres.timers``). ``urgent`` rows (a guided
session's next cue) are claimed before bulk ones (a 10 000-reminder fan-out), each kind from its
own index range, so a cue never queues behind a fan-out.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE timers (
            name text PRIMARY KEY,
            kind text NOT NULL,
            chat_id bigint NOT NULL,
            due timestamptz NOT NULL,
            urgent boolean NOT NULL DEFAULT false,
            data jsonb NOT NULL DEFAULT '{}'
        );
        CREATE INDEX timers_due ON timers (urgent, due);
        CREATE INDEX timers_chat ON timers (chat_id);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE timers")
