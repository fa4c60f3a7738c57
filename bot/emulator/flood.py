"""Telegram's flood limits, as the emulator's limits mode enforces them.

Telegram publishes only prose (bots FAQ): about 30 messages a second overall, about one a second
in one chat (short bursts are fine), 20 a minute in a group; a send with
``allow_paid_broadcast=True`` may go up to 1000 a second overall, for Stars. What counts is every
request that puts something in a chat (sends and edits, the calls that go through
``EmulatorState.check_flood``); getUpdates, answerCallbackQuery, sendChatAction, setMyCommands
and reads do not.

Two ways of counting, chosen by ``FloodLimits.strict_window``:

- token buckets (the default): a sustained rate plus a burst allowance, forgiving like Telegram
  usually is;
- strict windows: at most ``rate x window`` sends in *any* window, sliding, no burst beyond it.
  The window is one second for the overall, paid and private-chat limits (30, 1000 and 1 sends)
  and a minute for groups (20 sends); a rate below one a second gets a window holding exactly
  one send (``private_rate=0.2``: one in any 5 s).

Paid sends are checked against the paid overall limit instead of the ordinary one (they neither
need nor use the 30 a second), and against their chat's limit like any send.

A refused request gets ``429 Too Many Requests: retry after N`` with ``parameters.retry_after``
(whole seconds, at least 1), consumes nothing, and is counted.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Protocol

from .errors import ApiError

__all__ = [
    "FloodLimits",
    "SlidingWindow",
    "TelegramLimits",
    "TokenBucket",
    "too_many_requests",
]

#: The strict windows: one second, but a minute for groups.
SECOND = 1.0
MINUTE = 60.0


@dataclass(frozen=True, slots=True)
class FloodLimits:
    """Rates (per second) and bursts (requests allowed at once) of each limit; with
    ``strict_window`` the bursts are ignored and each rate is enforced over sliding windows."""

    overall_rate: float = 30.0
    overall_burst: float = 10.0
    private_rate: float = 1.0
    private_burst: float = 3.0
    group_rate: float = 20 / 60
    group_burst: float = 20.0
    #: Sends with allow_paid_broadcast=True: Telegram's 1000 a second (a third of it at once).
    paid_rate: float = 1000.0
    paid_burst: float = 1000 / 3
    strict_window: bool = False


class Limiter(Protocol):
    def wait_time(self, now: float) -> float: ...

    def take(self, now: float) -> None: ...


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


class SlidingWindow:
    """At most ``limit`` requests in any ``window`` seconds: (now - window, now] included."""

    __slots__ = ("_times", "limit", "window")

    def __init__(self, rate: float, base_window: float) -> None:
        self.window = max(base_window, 1 / rate)
        self.limit = max(1, round(rate * self.window))
        self._times: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """Seconds until the oldest request in the window leaves it (0 if there is room)."""
        times = self._times
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.limit:
            return 0.0
        return times[0] + self.window - now

    def take(self, now: float) -> None:
        self._times.append(now)


def too_many_requests(seconds: float) -> ApiError:
    """Telegram's 429: ``retry_after`` is whole seconds, rounded up, at least 1."""
    retry_after = max(1, math.ceil(seconds))
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after)


class TelegramLimits:
    """The overall limits (ordinary and paid) plus one per chat; counts every 429 it answers."""

    def __init__(self, limits: FloodLimits | None = None) -> None:
        self.limits = limits or FloodLimits()
        self.refused = 0
        self._overall: Limiter | None = None
        self._paid: Limiter | None = None
        self._chats: dict[int, Limiter] = {}

    def _limiter(self, rate: float, burst: float, base_window: float, now: float) -> Limiter:
        if self.limits.strict_window:
            return SlidingWindow(rate, base_window)
        return TokenBucket(rate, burst, now)

    def check(self, chat_id: int, is_private: bool, now: float, *, paid: bool = False) -> None:
        """Take from the overall (or paid) and the chat's limit, or raise 429 taking nothing."""
        limits = self.limits
        if paid:
            if self._paid is None:
                self._paid = self._limiter(limits.paid_rate, limits.paid_burst, SECOND, now)
            overall = self._paid
        else:
            if self._overall is None:
                self._overall = self._limiter(
                    limits.overall_rate, limits.overall_burst, SECOND, now
                )
            overall = self._overall
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = (
                self._limiter(limits.private_rate, limits.private_burst, SECOND, now)
                if is_private
                else self._limiter(limits.group_rate, limits.group_burst, MINUTE, now)
            )
        wait = max(overall.wait_time(now), chat.wait_time(now))
        if wait > 0:
            self.refused += 1
            raise too_many_requests(wait)
        overall.take(now)
        chat.take(now)
