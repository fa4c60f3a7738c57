"""Outgoing messages at Telegram's pace, people first: a rate limiter with two lanes.

Telegram lets a bot send about 30 messages a second overall, about one a second in a private
chat (short bursts are fine) and 20 a minute in a group. PTB's ``AIORateLimiter`` keeps the
overall and group limits but serves requests in arrival order, so a session cue queued behind
the 09:00 fan-out of 10 000 reminders would wait five minutes. Here every request that names a
chat takes a token from one overall bucket, handed out **interactive first**:

* interactive (the default): session cues, countdown edits, replies to commands and buttons;
* bulk (``rate_limit_args=BULK``): reminders, nudges, anything sent to many chats at once.

In a private chat only bulk sends use the chat's own bucket (so a broadcast never bursts at one
person): interactive messages pace themselves (cues are seconds apart, countdown edits have their
own gate in ``bot.features.countdown``, replies follow what the user sends), and holding a cue
back to smooth a burst of two would make its hold late. Telegram allows such short bursts. In a
group everything waits for the group's bucket, as with ``AIORateLimiter``.

A 429 (``RetryAfter``) is honoured: the request, and everything else for that chat, waits
``retry_after`` and is retried, up to ``max_retries`` times. Only that chat pauses, unlike with
``AIORateLimiter``: the overall bucket already keeps under Telegram's rate, and pausing everyone
for one chat's 429 would stall every session.
Requests without a chat (getUpdates, answerCallbackQuery, setMyCommands) are never held.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.ports import Lane

__all__ = ["BULK", "DeliveryLimits", "Lane", "PriorityRateLimiter", "bulk_slot"]

_LOGGER = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
#: Told how long each request waited for its turn (lane, endpoint, seconds); for benchmarks.
WaitObserver = Callable[["Lane", str, float], None]


BULK = Lane.BULK


@dataclass(frozen=True, slots=True)
class DeliveryLimits:
    """Slightly under Telegram's figures, so that network jitter never turns into a 429."""

    overall_rate: float = 29.7
    overall_burst: float = 3.0
    private_rate: float = 0.95
    private_burst: float = 2.0
    group_rate: float = 19 / 60
    group_burst: float = 19.0
    max_retries: int = 3
    #: Per-chat buckets kept before idle (full) ones are dropped.
    max_chats: int = 1024
    #: Bulk sends being prepared at once (see :func:`bulk_slot`): about a second's worth.
    bulk_in_flight: int = 32


class _Bucket:
    """``burst`` tokens at most, refilled at ``rate`` a second."""

    __slots__ = ("_at", "_tokens", "burst", "rate")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = time.monotonic()

    def _refill(self, now: float) -> None:
        if now > self._at:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self._tokens >= 1 else (1 - self._tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self._tokens -= 1

    def full(self, now: float) -> bool:
        self._refill(now)
        return self._tokens >= self.burst


class _PriorityGate:
    """The overall bucket, with waiting requests served interactive lane first."""

    def __init__(self, rate: float, burst: float) -> None:
        self._bucket = _Bucket(rate, burst)
        self._queues: dict[Lane, deque[asyncio.Future[None]]] = {lane: deque() for lane in Lane}
        self._pump: asyncio.Task[None] | None = None

    def _next(self) -> deque[asyncio.Future[None]] | None:
        for lane in Lane:  # in definition order: interactive first
            queue = self._queues[lane]
            while queue and queue[0].done():  # the waiter was cancelled
                queue.popleft()
            if queue:
                return queue
        return None

    async def enter(self, lane: Lane) -> None:
        if self._next() is None and self._bucket.wait_time(time.monotonic()) == 0:
            self._bucket.take(time.monotonic())
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queues[lane].append(future)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run(), name="delivery-gate")
        await future

    async def _run(self) -> None:
        while (queue := self._next()) is not None:
            wait = self._bucket.wait_time(time.monotonic())
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            self._bucket.take(time.monotonic())
            queue.popleft().set_result(None)

    async def close(self) -> None:
        for queue in self._queues.values():
            while queue:
                queue.popleft().cancel()
        if self._pump is not None:
            self._pump.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._pump
            self._pump = None


class PriorityRateLimiter(BaseRateLimiter[Lane]):
    """Telegram's limits for the whole bot, with bulk sends yielding to interactive ones."""

    def __init__(
        self, limits: DeliveryLimits | None = None, *, on_wait: WaitObserver | None = None
    ) -> None:
        self.limits = limits or DeliveryLimits()
        self._on_wait = on_wait
        self._gate = _PriorityGate(self.limits.overall_rate, self.limits.overall_burst)
        self._chats: dict[int | str, _Bucket] = {}
        #: Chats that got a 429: nothing goes to them before this (monotonic) time.
        self._blocked: dict[int | str, float] = {}
        self._group_locks: dict[int | str, asyncio.Lock] = {}
        self.bulk_slots = asyncio.Semaphore(self.limits.bulk_in_flight)

    async def initialize(self) -> None:
        """Nothing to set up: buckets are made on first use."""

    async def shutdown(self) -> None:
        await self._gate.close()

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONResult]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Lane | None,
    ) -> JSONResult:
        chat = _chat_key(data.get("chat_id"))
        if chat is None:
            return await callback(*args, **kwargs)
        lane = Lane.BULK if rate_limit_args == Lane.BULK else Lane.INTERACTIVE
        for attempt in range(self.limits.max_retries + 1):
            started = time.monotonic()
            await self._wait_turn(chat, lane)
            if self._on_wait is not None:
                self._on_wait(lane, endpoint, time.monotonic() - started)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == self.limits.max_retries:
                    raise
                # PTB's own AIORateLimiter reads it this way: the property warns about its type.
                seconds = exc._retry_after.total_seconds() + 0.1
                _LOGGER.warning("429 in chat %s: waiting %.1f s, then retrying", chat, seconds)
                self._blocked[chat] = max(self._blocked.get(chat, 0.0), time.monotonic() + seconds)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _wait_turn(self, chat: int | str, lane: Lane) -> None:
        """The chat's bucket (groups: always; private chats: bulk only), then the overall one."""
        while (blocked := self._blocked.get(chat)) is not None:
            if blocked <= time.monotonic():
                del self._blocked[chat]
                break
            await asyncio.sleep(blocked - time.monotonic())
        bucket = self._chat_bucket(chat)
        if not isinstance(chat, int) or chat < 0:  # a group or channel
            async with self._group_locks.setdefault(chat, asyncio.Lock()):
                await _drain(bucket)
        elif lane is Lane.BULK:
            await _drain(bucket)
        await self._gate.enter(lane)

    def _chat_bucket(self, chat: int | str) -> _Bucket:
        bucket = self._chats.get(chat)
        if bucket is None:
            if len(self._chats) >= self.limits.max_chats:
                self._forget_idle_chats()
            limits = self.limits
            group = not isinstance(chat, int) or chat < 0
            bucket = self._chats[chat] = (
                _Bucket(limits.group_rate, limits.group_burst)
                if group
                else _Bucket(limits.private_rate, limits.private_burst)
            )
        return bucket

    def _forget_idle_chats(self) -> None:
        """A full bucket remembers nothing a new one would not: drop those."""
        now = time.monotonic()
        for chat in [chat for chat, bucket in self._chats.items() if bucket.full(now)]:
            del self._chats[chat]
            lock = self._group_locks.get(chat)
            if lock is not None and not lock.locked():
                del self._group_locks[chat]


def bulk_slot(bot: object) -> contextlib.AbstractAsyncContextManager[object]:
    """Hold one of the few places for bulk work in progress (``async with bulk_slot(...)``).

    10 000 reminders due at once are 10 000 tasks ready in the same loop turn; each writes to
    the store before it reaches the rate limiter, so that one turn would last many seconds and
    every session timer with it. Let a second's worth in at a time, the rest wait here.
    """
    limiter = getattr(bot, "rate_limiter", None)
    if isinstance(limiter, PriorityRateLimiter):
        return limiter.bulk_slots
    return contextlib.nullcontext()


async def _drain(bucket: _Bucket) -> None:
    """Wait for a token and take it."""
    # A computed wait, not an event: tokens come back with time, nobody hands them back.
    while (wait := bucket.wait_time(time.monotonic())) > 0:  # noqa: ASYNC110
        await asyncio.sleep(wait)
    bucket.take(time.monotonic())


def _chat_key(chat_id: object) -> int | str | None:
    """Integer ids as ints (negative: a group), ``@username`` (a group or channel) as is."""
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(str(chat_id))
    return str(chat_id)
