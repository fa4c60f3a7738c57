"""The file_ids Telegram gave the pictures the bot uploaded, by the picture's content hash.

A cache shared by every instance: a picture is uploaded once per bot, not once per instance.
(down_revision 0001 for now: the revisions 0002–0005 of issue 13 come first when merged.)
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE file_ids (
            key text PRIMARY KEY,
            file_id text NOT NULL,
            updated_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE file_ids")
