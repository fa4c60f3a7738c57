"""The :class:`~bot.ports.SendBudget` in PostgreSQL: one budget for every instance on a token.

Each take is one statement (a function of revision 0004) that locks the bucket's row, takes
the next slot by the server's clock and answers its instant; the GCRA arithmetic is the same
as the in-memory budget's (``bot.telegram.budget``). The instant is placed on this process's
monotonic clock by an offset measured NTP-style (the fastest of a few round trips, again every
minute): a reply that was slow to arrive does not push its send later than the others', so
instances do not bunch by their own delays. The limiter reserves bulk slots a block at a time,
so a fan-out costs a round trip per block, not per message. Rows of chats gone quiet are
deleted now and then: an idle bucket remembers nothing a new one would not.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from bot.ports import Slots

__all__ = ["PgSendBudget"]

_LOGGER = logging.getLogger(__name__)


class PgSendBudget:
    """The budget's buckets as rows of ``send_budget`` and ``send_windows``."""

    #: Takes between two clean-ups of idle buckets.
    prune_every = 5000
    #: A bucket idle this long (seconds) is deleted.
    idle = 3600.0

    #: Seconds between two measurements of the server's clock.
    recalibrate_every = 60.0
    #: Round trips per measurement (the fastest one counts).
    samples = 5

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]]) -> None:
        self.pool = pool
        self._takes = 0
        #: The server's epoch seconds minus this process's monotonic clock.
        self._offset = 0.0
        self._calibrated_at: float | None = None

    async def calibrate(self) -> float:
        """Measure the offset of the server's clock; the round trip it was measured with."""
        best: tuple[float, float] | None = None
        async with self.pool.connection() as conn:
            for _ in range(self.samples):
                sent = time.monotonic()
                cursor = await conn.execute("SELECT extract(epoch FROM clock_timestamp())")
                row = await cursor.fetchone()
                back = time.monotonic()
                assert row is not None
                if best is None or back - sent < best[0]:
                    best = (back - sent, float(row[0]) - (sent + back) / 2)
        assert best is not None
        self._offset = best[1]
        self._calibrated_at = time.monotonic()
        return best[0]

    def _to_wait(self, slot: float) -> float:
        """Seconds from now until ``slot`` (an instant on the server's clock)."""
        return slot - self._offset - time.monotonic()

    async def _ready(self) -> None:
        at = self._calibrated_at
        if at is None or time.monotonic() - at > self.recalibrate_every:
            await self.calibrate()

    async def take(self, bucket: str, interval: float, *, burst: int = 1, count: int = 1) -> Slots:
        await self._ready()
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT * FROM send_budget_take(%s, %s, %s, %s)", (bucket, interval, burst, count)
            )
            row = await cursor.fetchone()
        await self._tick()
        assert row is not None
        return Slots(self._to_wait(float(row[0])), int(row[1]))

    async def answered(self, bucket: str, interval: float, limit: int, number: int) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(
                "SELECT send_budget_answered(%s, %s, %s, %s)", (bucket, interval, limit, number)
            )

    async def take_window(self, bucket: str, limit: int, seconds: float) -> float:
        await self._ready()
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT send_window_take(%s, %s, %s)", (bucket, limit, seconds)
            )
            row = await cursor.fetchone()
        await self._tick()
        assert row is not None
        return self._to_wait(float(row[0]))

    async def _tick(self) -> None:
        self._takes += 1
        if self._takes % self.prune_every == 0:
            await self.prune()

    async def prune(self) -> int:
        """Delete buckets idle for an hour (never ``overall`` or ``paid``); how many."""
        async with self.pool.connection() as conn:
            gone = await conn.execute(
                "DELETE FROM send_budget WHERE bucket LIKE 'chat:%%' "
                "AND tat < now() - make_interval(secs => %s)",
                (self.idle,),
            )
            windows = await conn.execute(
                "DELETE FROM send_windows "
                "WHERE times[cardinality(times)] < now() - make_interval(secs => %s)",
                (self.idle,),
            )
        count = gone.rowcount + windows.rowcount
        _LOGGER.debug("Send budget: %d idle bucket(s) deleted", count)
        return count
