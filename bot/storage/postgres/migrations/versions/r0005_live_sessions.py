"""Sessions in progress carry their running state and a version, so that any instance can play
a session's next cue and two instances never both move it on (a save checks the version).

The state itself is in the ``doc`` JSONB (``state``), beside the fields it had; the version is
a column so the check is one ``UPDATE … WHERE version = …``.
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE active_sessions ADD COLUMN version integer NOT NULL DEFAULT 0")


def downgrade() -> None:
    op.execute("ALTER TABLE active_sessions DROP COLUMN version")
