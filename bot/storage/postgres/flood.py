"""The :class:`~bot.ports.FloodLedger` in PostgreSQL: the flood guard's bucket of each user in
one row (revision 0004), so that behind a load balancer a user's updates are counted the same
whichever instance gets them. The arithmetic is ``bot.core.flood.FloodGuard``'s, run by the
``flood_check`` function on the server's clock in one round trip."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from bot.core.flood import Verdict

__all__ = ["PgFlood"]


class PgFlood:
    """Each user's tokens in the ``flood`` table; rows idle for an hour are deleted now and
    then (a full bucket remembers nothing a new one would not)."""

    #: Checks between two clean-ups.
    prune_every = 5000

    def __init__(
        self, pool: AsyncConnectionPool[AsyncConnection[Any]], rate: float = 1.0, burst: int = 10
    ) -> None:
        self.pool = pool
        self.rate = rate
        self.burst = burst
        self._checks = 0

    async def check(self, user_id: int) -> Verdict:
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "SELECT flood_check(%s, %s, %s)", (user_id, self.rate, float(self.burst))
            )
            row = await cursor.fetchone()
            self._checks += 1
            if self._checks % self.prune_every == 0:
                await conn.execute("DELETE FROM flood WHERE at < now() - interval '1 hour'")
        assert row is not None
        return Verdict(row[0])
