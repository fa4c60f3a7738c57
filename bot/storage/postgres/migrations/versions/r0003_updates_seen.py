"""Updates already taken by some instance (webhook redeliveries, a new poller's first batch),
so each is handled once; rows older than a day are pruned (Telegram keeps none longer)."""

from __future__ import annotations

from alembic import op

revision = "0003"
# Issue 13's parts are numbered 0002-0005; on this branch 0003 follows 0001 (re-chained at merge).
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE updates_seen (
            update_id bigint PRIMARY KEY,
            seen_at timestamptz NOT NULL DEFAULT now()
        );
        CREATE INDEX updates_seen_at ON updates_seen (seen_at);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE updates_seen")
