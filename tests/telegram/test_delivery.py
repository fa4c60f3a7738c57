"""The two-lane rate limiter, on fake requests: order, rates, bursts and 429 handling."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.delivery import BULK, DeliveryLimits, Lane, PriorityRateLimiter, bulk_slot

GROUP = -1_001_000_000_001


class Recorder:
    """A fake Bot API: records when each request went out, can answer 429 first."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, float]] = []
        self.refuse: dict[str, int] = {}

    def at(self, name: str) -> float:
        return next(at for sent, at in self.sent if sent == name)

    def order(self) -> list[str]:
        return [name for name, _ in self.sent]


async def send(
    limiter: PriorityRateLimiter,
    recorder: Recorder,
    name: str,
    chat_id: int | str | None,
    lane: Lane | None = None,
) -> Any:
    async def call() -> bool:
        if recorder.refuse.get(name, 0) > 0:
            recorder.refuse[name] -= 1
            raise RetryAfter(dt.timedelta(seconds=0.2))
        recorder.sent.append((name, time.monotonic()))
        return True

    data = {} if chat_id is None else {"chat_id": chat_id}
    return await limiter.process_request(call, (), {}, "sendMessage", data, lane)


async def test_interactive_goes_ahead_of_queued_bulk() -> None:
    """With 20 reminders queued, a session cue goes out next, not after them."""
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=20, overall_burst=1))
    recorder = Recorder()
    bulk = [
        asyncio.create_task(send(limiter, recorder, f"bulk{n}", 100 + n, BULK)) for n in range(20)
    ]
    await asyncio.sleep(0.12)  # a couple of reminders are out, the rest wait
    started = time.monotonic()
    await send(limiter, recorder, "cue", 1)
    await asyncio.gather(*bulk)
    assert recorder.at("cue") - started < 0.1  # one token period (0.05 s) plus slack
    position = recorder.order().index("cue")
    assert position <= 5, recorder.order()
    await limiter.shutdown()


async def test_overall_rate_is_kept_across_chats() -> None:
    """Forty requests to forty chats at 40/s with a burst of 3 take about a second."""
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=40, overall_burst=3))
    recorder = Recorder()
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, recorder, f"m{n}", 100 + n, BULK) for n in range(40)))
    took = time.monotonic() - started
    assert 0.85 <= took < 1.3
    times = [at for _, at in recorder.sent]
    # No second-long window holds more than the rate plus the burst.
    assert all(
        sum(1 for other in times if start <= other < start + 0.5) <= 20 + 3 for start in times
    )
    await limiter.shutdown()


async def test_bulk_to_one_private_chat_is_spaced_interactive_is_not() -> None:
    """Bulk sends to one person wait for that chat's bucket; replies to them do not."""
    limits = DeliveryLimits(private_rate=10, private_burst=1)
    limiter = PriorityRateLimiter(limits)
    recorder = Recorder()
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, recorder, f"b{n}", 7, BULK) for n in range(4)))
    assert time.monotonic() - started >= 0.29  # three waits of 0.1 s
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, recorder, f"i{n}", 7) for n in range(4)))
    assert time.monotonic() - started < 0.15
    await limiter.shutdown()


async def test_group_messages_wait_for_the_group_bucket() -> None:
    """In a group, every lane waits: the burst goes at once, then the group's rate."""
    limiter = PriorityRateLimiter(DeliveryLimits(group_rate=10, group_burst=3))
    recorder = Recorder()
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, recorder, f"g{n}", GROUP) for n in range(5)))
    assert time.monotonic() - started >= 0.19  # two waits of 0.1 s after the burst of 3
    await limiter.shutdown()


async def test_retry_after_is_honoured_for_that_chat() -> None:
    """A 429 makes the request wait retry_after and retry; its chat waits, others do not."""
    limiter = PriorityRateLimiter()
    recorder = Recorder()
    recorder.refuse["first"] = 1
    started = time.monotonic()
    first = asyncio.create_task(send(limiter, recorder, "first", 7))
    await asyncio.sleep(0.05)
    await send(limiter, recorder, "other chat", 8)
    await send(limiter, recorder, "same chat", 7)
    assert await first is True
    assert recorder.at("other chat") - started < 0.1
    assert recorder.at("first") - started >= 0.3  # retry_after 0.2 s + 0.1 s
    assert recorder.at("same chat") >= recorder.at("first") - 0.01
    await limiter.shutdown()


async def test_gives_up_after_max_retries() -> None:
    """Past max_retries the RetryAfter reaches the caller (the error handler logs it)."""
    limiter = PriorityRateLimiter(DeliveryLimits(max_retries=1))
    recorder = Recorder()
    recorder.refuse["doomed"] = 2
    with pytest.raises(RetryAfter):
        await send(limiter, recorder, "doomed", 7)
    assert recorder.sent == []


async def test_requests_without_a_chat_are_never_held() -> None:
    """answerCallbackQuery, setMyCommands... pass straight through even when the gate is busy."""
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=5, overall_burst=1))
    recorder = Recorder()
    bulk = [asyncio.create_task(send(limiter, recorder, f"b{n}", 100 + n, BULK)) for n in range(5)]
    await asyncio.sleep(0.01)
    started = time.monotonic()
    await send(limiter, recorder, "answer", None)
    assert recorder.at("answer") - started < 0.05
    # Shutting down releases whatever still waits, rather than leaving it hanging.
    await limiter.shutdown()
    results = await asyncio.gather(*bulk, return_exceptions=True)
    assert any(isinstance(result, asyncio.CancelledError) for result in results)


async def test_bulk_slots_let_a_few_reminders_prepare_at_once() -> None:
    """Only ``bulk_in_flight`` reminders are past the slot at once; the next waits for one."""
    limiter = PriorityRateLimiter(DeliveryLimits(bulk_in_flight=2))

    class FakeBot:
        rate_limiter = limiter

    inside: list[int] = []
    most = 0

    async def reminder(number: int) -> None:
        nonlocal most
        async with bulk_slot(FakeBot()):
            inside.append(number)
            most = max(most, len(inside))
            await asyncio.sleep(0.01)
            inside.remove(number)

    await asyncio.gather(*(reminder(number) for number in range(6)))
    assert most == 2
    async with bulk_slot(object()):  # a bot without this limiter: no limit, no error
        pass
