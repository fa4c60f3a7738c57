"""The :class:`~bot.ports.Updates` port in PostgreSQL: one row per update id taken.

``INSERT … ON CONFLICT DO NOTHING`` decides in one statement which instance takes an update:
the one whose insert made the row. Telegram keeps an update for at most a day, so rows older
than that are pruned, by whichever instance notices first (at most once an hour each).
"""

from __future__ import annotations

import time
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

__all__ = ["PgUpdates"]

#: Seconds between one instance's prunes of rows older than a day.
PRUNE_EVERY = 3600.0


class PgUpdates:
    """Update ids taken by any instance on this database (table ``updates_seen``)."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]]) -> None:
        self._pool = pool
        self._pruned_at: float | None = None

    async def first_time(self, update_id: int) -> bool:
        async with self._pool.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO updates_seen (update_id) VALUES (%s) ON CONFLICT DO NOTHING",
                (update_id,),
            )
            first = cursor.rowcount == 1
            now = time.monotonic()
            if self._pruned_at is None or now - self._pruned_at > PRUNE_EVERY:
                self._pruned_at = now
                await self.prune(conn)
        return first

    async def prune(self, conn: AsyncConnection[Any] | None = None) -> int:
        """Forget updates taken more than a day ago; how many were forgotten."""
        sql = "DELETE FROM updates_seen WHERE seen_at < now() - interval '1 day'"
        if conn is not None:
            return (await conn.execute(sql)).rowcount
        async with self._pool.connection() as own:
            return (await own.execute(sql)).rowcount
