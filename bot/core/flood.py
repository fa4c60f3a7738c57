"""The incoming flood guard's arithmetic: a token bucket per user, no Telegram in sight.

Telegram lets a bot send about one message a second to a chat, and the bot answers nearly every
message, so a user who sends ten a second must not get ten answers: past a short burst, their
updates are dropped, with one "slow down" per flood so they know why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

__all__ = ["FloodGuard", "LocalFlood", "Verdict"]


class Verdict(Enum):
    ALLOW = "allow"
    #: Dropped, and the first of this flood: tell the user once.
    WARN = "warn"
    DROP = "drop"


@dataclass
class _Bucket:
    tokens: float
    at: float
    warned_at: float | None = None


class FloodGuard:
    """At most ``burst`` updates at once per user, refilled at ``rate`` per second; at most one
    warning per ``burst / rate`` seconds (the time a bucket takes to refill), so a sustained
    flood gets ``rate`` answers a second plus a rare warning, never more."""

    #: Buckets kept before full (idle) ones are forgotten.
    _PRUNE_AT = 10_000

    def __init__(self, rate: float = 1.0, burst: int = 10) -> None:
        self.rate = rate
        self.burst = burst
        self._buckets: dict[int, _Bucket] = {}

    def check(self, user_id: int, now: float) -> Verdict:
        """Spend one token for an update from ``user_id`` at monotonic time ``now``."""
        bucket = self._buckets.get(user_id)
        if bucket is None:
            if len(self._buckets) >= self._PRUNE_AT:
                self._prune(now)
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.at) * self.rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Verdict.ALLOW
        if bucket.warned_at is not None and now - bucket.warned_at < self.burst / self.rate:
            return Verdict.DROP
        bucket.warned_at = now
        return Verdict.WARN

    def _prune(self, now: float) -> None:
        full = [
            user_id
            for user_id, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.at) * self.rate >= self.burst
        ]
        for user_id in full:
            del self._buckets[user_id]


class LocalFlood:
    """The :class:`~bot.ports.FloodLedger` of one process: a :class:`FloodGuard` on its
    monotonic clock. (With PostgreSQL, ``bot.storage.postgres.flood`` keeps the same buckets
    in a table, so a user who floods two instances is one user.)"""

    def __init__(self, guard: FloodGuard, monotonic: Callable[[], float]) -> None:
        self.guard = guard
        self._monotonic = monotonic

    async def check(self, user_id: int) -> Verdict:
        return self.guard.check(user_id, self._monotonic())
