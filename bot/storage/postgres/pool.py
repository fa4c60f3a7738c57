"""Connections to PostgreSQL: one pool per process, opened at start-up, closed at shutdown."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

__all__ = ["open_pool"]


async def open_pool(
    url: str, *, min_size: int = 2, max_size: int = 10
) -> AsyncConnectionPool[AsyncConnection[Any]]:
    """An open pool of autocommit connections: a statement on its own commits at once, and
    ``async with conn.transaction()`` groups the few that must go together."""
    pool: AsyncConnectionPool[AsyncConnection[Any]] = AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True},
        open=False,
        name="stretchbot",
    )
    await pool.open(wait=True, timeout=10)
    return pool
