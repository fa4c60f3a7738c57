"""The updates contract: an update id is taken once, whichever instance asks, on both backends
(in memory for the data folder's single process, PostgreSQL for several instances)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import psycopg
import pytest

from bot.ports import Updates
from bot.storage.updates import RecentUpdates

BACKENDS = ["memory", "postgresql"]


@pytest.fixture(params=BACKENDS)
async def updates(request: pytest.FixtureRequest) -> AsyncIterator[Updates]:
    if request.param == "memory":
        yield RecentUpdates()
        return
    from bot.storage.postgres.pool import open_pool
    from bot.storage.postgres.updates import PgUpdates

    pool = await open_pool(request.getfixturevalue("database_url"), min_size=1, max_size=4)
    try:
        yield PgUpdates(pool)
    finally:
        await pool.close()


async def test_an_update_is_taken_once(updates: Updates) -> None:
    """The first caller takes an update id; every later call for it is told it was seen."""
    assert await updates.first_time(101)
    assert not await updates.first_time(101)
    assert not await updates.first_time(101)
    assert await updates.first_time(102)


async def test_concurrent_callers_take_an_update_once(updates: Updates) -> None:
    """Twenty callers racing for one update id: exactly one takes it."""
    results = await asyncio.gather(*(updates.first_time(7) for _ in range(20)))
    assert results.count(True) == 1


def test_memory_forgets_the_oldest_past_its_limit() -> None:
    """The in-memory record is bounded: past ``limit`` ids the oldest is forgotten, the newer
    ones are still known."""

    async def scenario() -> list[bool]:
        recent = RecentUpdates(limit=3)
        for update_id in (1, 2, 3, 4):
            await recent.first_time(update_id)
        return [await recent.first_time(update_id) for update_id in (4, 3, 2, 1)]

    assert asyncio.run(scenario()) == [False, False, False, True]


async def test_two_instances_on_one_database_take_an_update_once(database_url: str) -> None:
    """Two instances (two pools) racing for the same ids: each id is taken by exactly one."""
    from bot.storage.postgres.pool import open_pool
    from bot.storage.postgres.updates import PgUpdates

    pools = [await open_pool(database_url, min_size=1, max_size=4) for _ in range(2)]
    try:
        first, second = (PgUpdates(pool) for pool in pools)
        ids = range(1000, 1050)
        results = await asyncio.gather(
            *(instance.first_time(i) for i in ids for instance in (first, second))
        )
        assert sum(results) == len(ids)
    finally:
        for pool in pools:
            await pool.close()


async def test_postgres_prunes_updates_older_than_a_day(database_url: str) -> None:
    """Rows older than a day are deleted by the prune, newer ones kept."""
    from bot.storage.postgres.pool import open_pool
    from bot.storage.postgres.updates import PgUpdates

    pool = await open_pool(database_url, min_size=1, max_size=2)
    try:
        updates = PgUpdates(pool)
        assert await updates.first_time(1)
        assert await updates.first_time(2)
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(
                "UPDATE updates_seen SET seen_at = now() - interval '25 hours' WHERE update_id = 1"
            )
        assert await updates.prune() == 1
        assert await updates.first_time(1)
        assert not await updates.first_time(2)
    finally:
        await pool.close()
