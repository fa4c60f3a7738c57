"""Connections to PostgreSQL: one pool per process, opened at start-up, closed at shutdown."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

__all__ = ["Pool", "new_pool", "open_pool"]

Pool = AsyncConnectionPool[AsyncConnection[Any]]


def new_pool(url: str, *, min_size: int = 2, max_size: int = 10) -> Pool:
    """A pool of autocommit connections, not yet open (open it inside the event loop): a
    statement on its own commits at once, and ``async with conn.transaction()`` groups the
    few that must go together."""
    return AsyncConnectionPool(
        url,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True},
        open=False,
        name="stretchbot",
    )


async def open_pool(url: str, *, min_size: int = 2, max_size: int = 10) -> Pool:
    """A pool, open."""
    pool = new_pool(url, min_size=min_size, max_size=max_size)
    await pool.open(wait=True, timeout=10)
    return pool
