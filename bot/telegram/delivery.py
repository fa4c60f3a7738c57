"""Outgoing messages at Telegram's pace, people first: a rate limiter with two lanes.

Telegram lets a bot send about 30 messages a second overall, about one a second in a private
chat (short bursts are fine) and 20 a minute in a group. PTB's ``AIORateLimiter`` keeps the
overall and group limits but serves requests in arrival order, so a session cue queued behind
the 09:00 fan-out of 10 000 reminders would wait five minutes. Here every request that names a
chat takes a slot of one overall bucket of the send budget (``bot.ports.SendBudget``: this
process's, or every instance's in PostgreSQL), handed out **interactive first**:

* interactive (the default): session cues, replies to commands and buttons, a hold's last edit;
* bulk (``rate_limit_args=BULK``): reminders, nudges, anything sent to many chats at once;
* spare (``rate_limit_args=SPARE``): a countdown's ticks, only when nobody else waits; one that
  waits longer than :data:`SPARE_PATIENCE` raises :class:`NoRoom` instead of going late (a
  reminder fan-out is never slowed down by countdowns, on one instance or several).

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
import math
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.error import NetworkError, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.ports import Lane, SendBudget
from bot.telegram.budget import LocalSendBudget

__all__ = ["BULK", "DeliveryLimits", "Lane", "NoRoom", "PriorityRateLimiter", "bulk_slot"]

_LOGGER = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
#: Told how long each request waited for its turn (lane, endpoint, seconds); for benchmarks.
WaitObserver = Callable[["Lane", str, float], None]


BULK = Lane.BULK
#: Paid broadcasts go at this share of PAID_BROADCAST_PER_SECOND, like the free 29.4 of 30.
PAID_SHARE = 0.98
#: Telegram's paid broadcasts: at most this many in any second, whatever rate is chosen.
PAID_LIMIT = 1000
#: After a chat's 429, its other requests wait this much longer than the retried one.
_AFTER_RETRY = 0.02
#: Seconds a spare-lane request waits for a slot before it is dropped.
SPARE_PATIENCE = 0.5


class NoRoom(NetworkError):
    """A spare-lane request found no free slot in :data:`SPARE_PATIENCE`: it was not sent."""


@dataclass(frozen=True, slots=True)
class DeliveryLimits:
    """Telegram's figures, paced so that even a Telegram counting strictly ("30 in any second",
    20 in any minute per group) never answers 429.

    The overall and private limits are GCRA buckets of the :class:`~bot.ports.SendBudget`:
    ``overall_rate`` with no burst (29.4: 30 sends span at least 1.02 s), a private chat's bulk
    0.95 a second with a burst of two as before (bulk sends to one person are minutes apart in
    real time; a snooze that comes back sooner, as in tests with TIME_SCALE, is not held back
    for a second); a group is a sliding window, 19 in any minute, at once if need be.
    With ``paid_rate`` (``PAID_BROADCAST_PER_SECOND``), bulk sends carry
    ``allow_paid_broadcast`` and take from the paid bucket at 0.98 of it; the rest keep the
    free one.
    """

    overall_rate: float = 29.4
    overall_burst: int = 1
    private_rate: float = 0.95
    private_burst: int = 2
    #: A group: at most this many in any ``group_seconds`` (Telegram: 20 a minute).
    group_limit: int = 19
    group_seconds: float = 60.0
    paid_rate: float | None = None
    max_retries: int = 3
    #: Bulk sends being prepared at once (see :func:`bulk_slot`): about a second's worth.
    bulk_in_flight: int = 32
    #: Slots a bulk send reserves at a time: a tenth of a second's worth, so that a shared
    #: budget costs one round trip per block, not per send.
    block_seconds: float = 0.1


class _Window:
    """This process's sends as Telegram may count them: in flight (they may arrive any moment)
    or answered less than a second ago. The budget's slots are spaced, but requests can bunch
    on their way (a busy event loop, the network); counting the answered ones keeps even a
    bunched second within Telegram's ``limit``, whatever the jitter."""

    #: How often to look again when the whole window is in flight.
    POLL = 0.005

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._answered: deque[float] = deque()
        self._in_flight = 0

    def started(self) -> None:
        self._in_flight += 1

    def finished(self) -> None:
        self._in_flight -= 1
        self._answered.append(time.monotonic())

    def wait_time(self, now: float) -> float:
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        if self._in_flight + len(self._answered) < self.limit:
            return 0.0
        return self._answered[0] + 1.0 - now if self._answered else self.POLL


class _PriorityGate:
    """One overall bucket of the budget, its slots handed to waiting requests interactive lane
    first. Slots are reserved a block at a time (no more than there are waiters); one left
    unused for a second is dropped, never saved up into a burst."""

    def __init__(
        self, budget: SendBudget, bucket: str, rate: float, burst: int, block: int, limit: int
    ) -> None:
        self.window = _Window(limit)
        self.limit = limit
        self._budget = budget
        self._bucket = bucket
        self._interval = 1 / rate
        #: A slot this late is dropped. Late slots are used, not wasted (a loop blocked for a
        #: moment would otherwise cost the budget): at most a block of them goes at once, and
        #: the in-flight count and the answers keep even that within the strict second.
        self._late = max(self._interval, 1.0)
        self._burst = burst
        self._block = max(1, block)
        #: Reserved slots: (monotonic instant, number in the bucket).
        self._slots: deque[tuple[float, int]] = deque()
        self._queues: dict[Lane, deque[asyncio.Future[int]]] = {lane: deque() for lane in Lane}
        self._pump: asyncio.Task[None] | None = None
        #: The highest slot answered and not yet told to the budget; who is telling it.
        self._untold: int | None = None
        self._teller: asyncio.Task[None] | None = None

    def _next(self) -> deque[asyncio.Future[int]] | None:
        for lane in Lane:  # in definition order: interactive first
            queue = self._queues[lane]
            while queue and queue[0].done():  # the waiter was cancelled
                queue.popleft()
            if queue:
                return queue
        return None

    async def enter(self, lane: Lane) -> int:
        """Wait for a slot; its number (for :meth:`answered`)."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._queues[lane].append(future)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._run(), name="delivery-gate")
        try:
            if lane is Lane.SPARE:
                await asyncio.wait({future}, timeout=SPARE_PATIENCE)
                if not future.done():
                    future.cancel()  # the pump skips it
                    raise NoRoom("no free slot for a spare request")
            return await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.window.finished()  # let in, then cancelled before it could send
            future.cancel()
            raise

    async def _run(self) -> None:
        while self._next() is not None:
            now = time.monotonic()
            while self._slots and self._slots[0][0] < now - self._late:
                self._slots.popleft()
            waiting = sum(len(queue) for queue in self._queues.values())
            if len(self._slots) <= 1 < waiting or not self._slots:
                # The next block before this one runs out: a pump that wakes late at a block's
                # end would otherwise restart the schedule from now and lose the lateness.
                count = min(self._block, waiting - len(self._slots))
                slots = await self._budget.take(
                    self._bucket, self._interval, burst=self._burst, count=count
                )
                first = time.monotonic() + slots.wait
                self._slots.extend(
                    (first + n * self._interval, slots.number + n) for n in range(count)
                )
            now = time.monotonic()
            delay = max(self._slots[0][0] - now, self.window.wait_time(now))
            if delay > 0:
                await asyncio.sleep(delay)
                continue  # someone more urgent may have come meanwhile
            queue = self._next()
            if queue is None:
                break
            _, number = self._slots.popleft()
            self.window.started()
            queue.popleft().set_result(number)

    async def answered(self, number: int) -> None:
        """The send of slot ``number`` is back (answered or failed): count it in this
        process's window and tell the budget, which keeps every instance's sends apart.

        The budget is told in the background, one round trip at a time, and only the highest
        slot answered meanwhile: its push reaches furthest, and told later it is only
        stricter. A shared budget then costs an ``UPDATE`` of its one row per round trip, not
        per send (every instance's sends queued on that row), and no send waits for it."""
        self.window.finished()
        if self._untold is None or number > self._untold:
            self._untold = number
        if self._teller is None or self._teller.done():
            self._teller = asyncio.create_task(self._tell(), name="delivery-answers")

    async def _tell(self) -> None:
        while (number := self._untold) is not None:
            self._untold = None
            try:
                await self._budget.answered(self._bucket, self._interval, self.limit, number)
            except Exception as exc:  # the database is away: a later answer tells a later slot
                _LOGGER.warning("Could not tell the send budget of an answer: %s", exc)
                return

    async def close(self) -> None:
        for queue in self._queues.values():
            while queue:
                queue.popleft().cancel()
        for task in (self._pump, self._teller):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._pump = self._teller = None


class PriorityRateLimiter(BaseRateLimiter[Lane]):
    """Telegram's limits for the whole bot, with bulk sends yielding to interactive ones; the
    slots come from ``budget`` (in memory by default; PostgreSQL's is every instance's)."""

    def __init__(
        self,
        limits: DeliveryLimits | None = None,
        *,
        budget: SendBudget | None = None,
        on_wait: WaitObserver | None = None,
    ) -> None:
        self.limits = limits = limits or DeliveryLimits()
        self.budget: SendBudget = budget if budget is not None else LocalSendBudget()
        self._on_wait = on_wait
        self._gate = self._new_gate(
            "overall", limits.overall_rate, limits.overall_burst, math.ceil(limits.overall_rate)
        )
        self._paid_gate = (
            self._new_gate("paid", limits.paid_rate * PAID_SHARE, 1, PAID_LIMIT)
            if limits.paid_rate is not None
            else None
        )
        #: Chats that got a 429: nothing goes to them before this (monotonic) time.
        self._blocked: dict[int | str, float] = {}
        self.bulk_slots = asyncio.Semaphore(limits.bulk_in_flight)

    def _new_gate(self, bucket: str, rate: float, burst: int, limit: int) -> _PriorityGate:
        """A gate pacing at ``rate``, never past Telegram's ``limit`` sends in any second."""
        block = int(rate * self.limits.block_seconds)
        return _PriorityGate(self.budget, bucket, rate, burst, block, limit)

    async def initialize(self) -> None:
        """Nothing to set up: buckets are made on first use."""

    async def shutdown(self) -> None:
        await self._gate.close()
        if self._paid_gate is not None:
            await self._paid_gate.close()

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
        lane = rate_limit_args if isinstance(rate_limit_args, Lane) else Lane.INTERACTIVE
        paid = bool(data.get("allow_paid_broadcast")) and self._paid_gate is not None
        for attempt in range(self.limits.max_retries + 1):
            started = time.monotonic()
            gate, number = await self._wait_turn(chat, lane, paid=paid, retry=attempt > 0)
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
            finally:
                await gate.answered(number)
        raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises

    async def _wait_turn(
        self, chat: int | str, lane: Lane, *, paid: bool, retry: bool
    ) -> tuple[_PriorityGate, int]:
        """The chat's bucket (groups: always; private chats: bulk only), then the overall one
        (the paid one for a paid broadcast)."""
        # The request that got the 429 goes first when the wait is over; the chat's others
        # a moment after it, so that the chat's messages keep their order.
        after = 0.0 if retry else _AFTER_RETRY
        while (blocked := self._blocked.get(chat)) is not None:
            if blocked + after <= time.monotonic():
                if not retry:
                    self._blocked.pop(chat, None)
                break
            await asyncio.sleep(blocked + after - time.monotonic())
        limits = self.limits
        if not isinstance(chat, int) or chat < 0:  # a group or channel
            wait = await self.budget.take_window(
                f"chat:{chat}", limits.group_limit, limits.group_seconds
            )
            if wait > 0:
                await asyncio.sleep(wait)
        elif lane is Lane.BULK:
            await self._take(f"chat:{chat}", limits.private_rate, limits.private_burst)
        gate = self._paid_gate if paid and self._paid_gate is not None else self._gate
        return gate, await gate.enter(lane)

    async def _take(self, bucket: str, rate: float, burst: int) -> None:
        slots = await self.budget.take(bucket, 1 / rate, burst=burst)
        if slots.wait > 0:
            await asyncio.sleep(slots.wait)


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


def _chat_key(chat_id: object) -> int | str | None:
    """Integer ids as ints (negative: a group), ``@username`` (a group or channel) as is."""
    if chat_id is None:
        return None
    with contextlib.suppress(TypeError, ValueError):
        return int(str(chat_id))
    return str(chat_id)
