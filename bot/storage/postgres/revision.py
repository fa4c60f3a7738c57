"""The schema revision this bot needs, checked at start-up without Alembic.

Alembic with SQLAlchemy costs about 0.7 s of CPU to import, on every start of every instance,
only to read one row. So start-up reads Alembic's ``alembic_version`` table through psycopg and
compares it with :data:`HEAD`, the newest revision in ``migrations/versions`` (a test checks the
two agree with Alembic's own script directory). ``stretchbot migrate`` still goes through Alembic
(:mod:`bot.storage.postgres.schema`).
"""

from __future__ import annotations

import psycopg

__all__ = ["HEAD", "SchemaError", "applied", "check", "refusal"]

#: The newest revision in ``migrations/versions``: raise it with every new revision.
HEAD = "0006"


class SchemaError(RuntimeError):
    """The database's schema is not the one this bot needs; the message says what to do."""


def refusal(current: str | None, needed: str = HEAD) -> SchemaError | None:
    """Why a database at revision ``current`` will not do (None if it will), in one line."""
    if current == needed:
        return None
    if current is None:
        return SchemaError(
            f"the database has no stretch-bot schema yet: run `stretchbot migrate` (to {needed})"
        )
    return SchemaError(
        f"the database schema is at {current}, this bot needs {needed}: run `stretchbot migrate`"
    )


async def applied(url: str) -> str | None:
    """The revision the database is at (Alembic's table); None for a database never migrated."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        try:
            cursor = await conn.execute("SELECT version_num FROM alembic_version")
        except psycopg.errors.UndefinedTable:
            return None
        row = await cursor.fetchone()
    return str(row[0]) if row is not None else None


async def check(url: str) -> None:
    """Raise :class:`SchemaError` unless the database is at the revision this bot needs."""
    problem = refusal(await applied(url))
    if problem is not None:
        raise problem
