"""Telegram's flood limits, as the emulator's limits mode enforces them.

Telegram publishes only prose (bots FAQ): about 30 messages a second overall, about one a second
in one chat (short bursts are fine), 20 a minute in a group. Each is modelled as a token bucket:
a sustained rate plus a burst allowance. What counts is every request that puts something in a
chat (sends and edits, the calls that go through ``EmulatorState.check_flood``); getUpdates,
answerCallbackQuery, sendChatAction, setMyCommands and reads do not.

A refused request gets ``429 Too Many Requests: retry after N`` with ``parameters.retry_after``
(whole seconds, at least 1), consumes nothing, and is counted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import ApiError

__all__ = ["FloodLimits", "TelegramLimits", "TokenBucket", "too_many_requests"]


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Rates (per second) and bursts (requests allowed at once) of each bucket."""

    overall_rate: float = 30.0
    overall_burst: float = 10.0
    private_rate: float = 1.0
    private_burst: float = 3.0
    group_rate: float = 20 / 60
    group_burst: float = 20.0


class TokenBucket:
    """``burst`` tokens at most, refilled at ``rate`` a second; each request takes one."""

    __slots__ = ("_at", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = now

    def _refill(self, now: float) -> None:
        if now > self._at:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now

    def wait_time(self, now: float) -> float:
        """Seconds until a token is available (0 if one is)."""
        self._refill(now)
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self._tokens -= 1


def too_many_requests(seconds: float) -> ApiError:
    """Telegram's 429: ``retry_after`` is whole seconds, rounded up, at least 1."""
    retry_after = max(1, math.ceil(seconds))
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


class TelegramLimits:
    """The overall bucket plus one per chat; counts every 429 it answers."""

    def __init__(self, limits: FloodLimits | None = None) -> None:
        self.limits = limits or FloodLimits()
        self.refused = 0
        self._overall: TokenBucket | None = None
        self._chats: dict[int, TokenBucket] = {}

    def check(self, chat_id: int, is_private: bool, now: float) -> None:
        """Take a token from the overall and the chat's bucket, or raise 429 taking none."""
        limits = self.limits
        if self._overall is None:
            self._overall = TokenBucket(limits.overall_rate, limits.overall_burst, now)
        chat = self._chats.get(chat_id)
        if chat is None:
            rate, burst = (
                (limits.private_rate, limits.private_burst)
                if is_private
                else (limits.group_rate, limits.group_burst)
            )
            chat = self._chats[chat_id] = TokenBucket(rate, burst, now)
        wait = max(self._overall.wait_time(now), chat.wait_time(now))
        if wait > 0:
            self.refused += 1
            raise too_many_requests(wait)
        self._overall.take(now)
        chat.take(now)
