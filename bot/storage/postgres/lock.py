"""The poller lock: with several instances on one database, only the holder long-polls.

Telegram answers a second poller on the same token with 409 Conflict and ends the first one's
poll, so two pollers take turns failing. A PostgreSQL session-level advisory lock on a
connection of its own (not the pool's: the lock belongs to the connection) says who polls; when
the holder dies its connection closes and PostgreSQL releases the lock at once, so the next
instance to ask gets it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import psycopg
from psycopg import AsyncConnection

__all__ = ["POLLER_LOCK_KEY", "PollerLock"]

_LOGGER = logging.getLogger(__name__)

#: The advisory lock's key ("stretch" in ASCII): one bot per database.
POLLER_LOCK_KEY = 0x73_74_72_65_74_63_68
#: Seconds a connection or a check may take before it counts as lost.
_TIMEOUT = 5.0


class PollerLock:
    """``pg_try_advisory_lock`` on a dedicated connection to ``url``."""

    def __init__(self, url: str, key: int = POLLER_LOCK_KEY) -> None:
        self._url = url
        self._key = key
        self._conn: AsyncConnection[Any] | None = None

    async def try_acquire(self) -> bool:
        """Take the lock if nobody holds it; False if another instance does (or the database
        cannot be reached: then nobody here polls, and the caller asks again later)."""
        try:
            if self._conn is None or self._conn.closed:
                self._conn = await AsyncConnection.connect(
                    self._url, autocommit=True, connect_timeout=int(_TIMEOUT)
                )
            cursor = await asyncio.wait_for(
                self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self._key,)), _TIMEOUT
            )
            row = await cursor.fetchone()
            return bool(row and row[0])
        except (psycopg.Error, TimeoutError) as exc:
            _LOGGER.warning("Could not ask for the poller lock: %s", str(exc).splitlines()[0])
            await self._drop()
            return False

    async def still_held(self) -> bool:
        """Whether the lock's connection still answers (if it does, the lock is still ours)."""
        if self._conn is None or self._conn.closed:
            return False
        try:
            await asyncio.wait_for(self._conn.execute("SELECT 1"), _TIMEOUT)
        except (psycopg.Error, TimeoutError) as exc:
            _LOGGER.warning("Lost the poller lock's connection: %s", str(exc).splitlines()[0])
            await self._drop()
            return False
        return True

    async def release(self) -> None:
        """Give the lock up at once (closing the connection would too, but the server notices
        that a moment later), and close its connection."""
        if self._conn is not None and not self._conn.closed:
            with contextlib.suppress(psycopg.Error, TimeoutError):
                await asyncio.wait_for(
                    self._conn.execute("SELECT pg_advisory_unlock(%s)", (self._key,)), _TIMEOUT
                )
        await self._drop()

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()
