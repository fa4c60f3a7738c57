"""The poller lock on a real PostgreSQL: one holder at a time, and free again the moment the
holder lets go or its connection dies."""

from __future__ import annotations

import asyncio
import time

import psycopg

from bot.storage.postgres.lock import POLLER_LOCK_KEY, PollerLock


async def test_one_holder_at_a_time(database_url: str) -> None:
    """Of two instances only the first gets the lock; after it releases, the second does."""
    first, second = PollerLock(database_url), PollerLock(database_url)
    try:
        assert await first.try_acquire()
        assert not await second.try_acquire()
        assert await first.still_held()
        await first.release()
        assert not await first.still_held()
        assert await second.try_acquire()
    finally:
        await first.release()
        await second.release()


async def test_a_dead_holder_frees_the_lock(database_url: str) -> None:
    """When the holder's connection is killed (as when its process dies), the lock is free
    for the next instance, and the old holder sees it lost its hold."""
    holder, next_one = PollerLock(database_url), PollerLock(database_url)
    try:
        assert await holder.try_acquire()
        with psycopg.connect(database_url, autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_locks"
                " WHERE locktype = 'advisory' AND objid = %s",
                (POLLER_LOCK_KEY & 0xFFFFFFFF,),
            )
        # The terminated backend exits a moment after the call returns.
        deadline = time.monotonic() + 5
        while not await next_one.try_acquire():
            assert time.monotonic() < deadline, "the lock was not freed"
            await asyncio.sleep(0.01)
        assert not await holder.still_held()
    finally:
        await holder.release()
        await next_one.release()
