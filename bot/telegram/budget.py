"""The :class:`~bot.ports.SendBudget` of one process: GCRA slots in memory.

GCRA (the generic cell rate algorithm) keeps, per bucket, the *theoretical arrival time* of the
next send: a send may go at ``tat - (burst - 1) × interval`` or later, and moves ``tat`` on by
one ``interval``. Unlike a token bucket refilled "up to now", a late sender does not lose its
slot: the schedule stays at exactly one send per ``interval`` under load, and with ``burst`` 1
no ``n + 1`` sends are ever closer than ``n`` intervals, which is what a Telegram counting "30
in any second" asks. The PostgreSQL budget (``bot.storage.postgres.budget``) is the same
arithmetic in one ``UPDATE`` for every instance.
"""

from __future__ import annotations

import time
from collections import deque

from bot.ports import Slots

__all__ = ["LocalSendBudget", "gcra", "sliding_slot"]


def gcra(
    tat: float | None, now: float, interval: float, burst: int, count: int
) -> tuple[float, float]:
    """The first of ``count`` slots and the bucket's new theoretical arrival time."""
    tat = now if tat is None or tat < now else tat
    first = max(now, tat - (burst - 1) * interval)
    return first, tat + count * interval


class LocalSendBudget:
    """Every bucket in a dict, on the monotonic clock: the budget of one process."""

    #: Buckets kept before the idle ones (their slot in the past) are dropped.
    max_buckets = 4096

    def __init__(self) -> None:
        self._tat: dict[str, float] = {}
        #: Slots handed out per bucket (the next one's number).
        self._issued: dict[str, int] = {}
        self._windows: dict[str, deque[float]] = {}

    async def take(self, bucket: str, interval: float, *, burst: int = 1, count: int = 1) -> Slots:
        now = time.monotonic()
        if bucket not in self._tat and len(self._tat) >= self.max_buckets:
            self._tat = {name: tat for name, tat in self._tat.items() if tat > now}
            self._issued = {name: self._issued[name] for name in self._tat}
        first, self._tat[bucket] = gcra(self._tat.get(bucket), now, interval, burst, count)
        number = self._issued.get(bucket, 0)
        self._issued[bucket] = number + count
        return Slots(first - now, number)

    async def answered(self, bucket: str, interval: float, limit: int, number: int) -> None:
        ahead = number + limit - self._issued.get(bucket, 0)
        if ahead >= 0 and bucket in self._tat:
            earliest = time.monotonic() + 1.0 - ahead * interval
            self._tat[bucket] = max(self._tat[bucket], earliest)

    async def take_window(self, bucket: str, limit: int, seconds: float) -> float:
        now = time.monotonic()
        if bucket not in self._windows and len(self._windows) >= self.max_buckets:
            self._windows = {
                name: times for name, times in self._windows.items() if times[-1] > now - seconds
            }
        times = self._windows.setdefault(bucket, deque())
        slot = sliding_slot(times, now, limit, seconds)
        times.append(slot)
        while len(times) > limit:
            times.popleft()
        return slot - now


def sliding_slot(
    times: deque[float] | list[float], now: float, limit: int, seconds: float
) -> float:
    """The first instant from ``now`` at which a send leaves at most ``limit`` of ``times``
    (earlier reservations, in order) plus itself in any ``seconds``."""
    if len(times) < limit:
        return now
    return max(now, times[-limit] + seconds)
