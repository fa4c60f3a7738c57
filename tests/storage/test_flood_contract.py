"""The flood guard's ledger: in memory (one process) and in PostgreSQL (every instance) keep
the same buckets, so a user who floods two instances is dropped as by one."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.core.flood import FloodGuard, LocalFlood, Verdict
from bot.ports import FloodLedger

BURST = 3
#: A fast refill, so that the test can wait for a token: one every 0.1 s.
RATE = 10.0


@pytest.fixture(params=["memory", "postgresql"])
async def ledgers(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[FloodLedger, FloodLedger]]:
    """Two instances' ledgers: one shared guard in memory, or two pools on one database."""
    if request.param == "memory":
        local = LocalFlood(FloodGuard(rate=RATE, burst=BURST), time.monotonic)
        yield local, local
        return
    from bot.storage.postgres.flood import PgFlood
    from bot.storage.postgres.pool import open_pool

    url = request.getfixturevalue("database_url")
    first = await open_pool(url, min_size=1, max_size=2)
    second = await open_pool(url, min_size=1, max_size=2)
    try:
        yield PgFlood(first, RATE, BURST), PgFlood(second, RATE, BURST)
    finally:
        await first.close()
        await second.close()


async def test_a_burst_then_one_warning_then_drops(
    ledgers: tuple[FloodLedger, FloodLedger],
) -> None:
    """Three updates pass, the fourth is warned about, the fifth dropped silently — counted
    across both instances as for one."""
    one, other = ledgers
    verdicts = [await (one if n % 2 else other).check(7) for n in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP]
    assert await one.check(8) is Verdict.ALLOW  # another user has their own bucket


async def test_tokens_come_back_with_time(ledgers: tuple[FloodLedger, FloodLedger]) -> None:
    """After the burst, a token comes back every 1 / rate seconds."""
    one, other = ledgers
    for _ in range(BURST):
        assert await one.check(9) is Verdict.ALLOW
    assert await other.check(9) is Verdict.WARN
    await asyncio.sleep(1.5 / RATE)
    assert await other.check(9) is Verdict.ALLOW
    assert await one.check(9) is Verdict.DROP
