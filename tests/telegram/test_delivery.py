"""The two-lane rate limiter, on fake requests: order, rates, bursts and 429 handling."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.budget import LocalSendBudget
from bot.telegram.delivery import (
    BULK,
    SPARE_PATIENCE,
    DeliveryLimits,
    Lane,
    NoRoom,
    PriorityRateLimiter,
    bulk_slot,
)
from tests.waiting import eventually

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


async def test_group_messages_wait_for_the_group_window() -> None:
    """In a group, every lane waits: the window's limit goes at once, the rest as the
    first ones leave the window, so that no window ever holds more than the limit."""
    limiter = PriorityRateLimiter(DeliveryLimits(group_limit=3, group_seconds=0.2))
    recorder = Recorder()
    started = time.monotonic()
    await asyncio.gather(*(send(limiter, recorder, f"g{n}", GROUP) for n in range(7)))
    assert time.monotonic() - started >= 0.39  # two more windows after the first three
    times = [at for _, at in recorder.sent]
    assert all(sum(1 for other in times if at <= other < at + 0.15) <= 3 for at in times)
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


def most_in_any_second(times: list[float]) -> int:
    ordered = sorted(times)
    return max(sum(1 for other in ordered if at - 1.0 < other <= at) for at in ordered)


async def test_default_pace_holds_30_in_any_second_at_098_of_it() -> None:
    """Ninety bulk sends at once go at 29.4 a second: never 31 in one second (no burst, as a
    strictly counting Telegram asks), and no slower than 0.95 of Telegram's 30."""
    limiter = PriorityRateLimiter()
    recorder = Recorder()
    await asyncio.gather(*(send(limiter, recorder, f"m{n}", 100 + n, BULK) for n in range(90)))
    times = [at for _, at in recorder.sent]
    assert most_in_any_second(times) <= 30
    assert (len(times) - 1) / (max(times) - min(times)) >= 30 * 0.95
    await limiter.shutdown()


async def test_sends_in_flight_count_against_the_second() -> None:
    """While Telegram has not answered, a send may still arrive any moment: with answers that
    take 1.5 s, no more than the limit (20) are sent in the first 1.2 s although the pace
    alone would let 24 go."""
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=20))
    started: list[float] = []

    async def slow() -> bool:
        started.append(time.monotonic())
        await asyncio.sleep(1.5)
        return True

    begin = time.monotonic()
    tasks = [
        asyncio.create_task(
            limiter.process_request(slow, (), {}, "sendMessage", {"chat_id": 100 + n}, BULK)
        )
        for n in range(30)
    ]
    await asyncio.sleep(1.2)
    assert sum(1 for at in started if at - begin < 1.2) == 20
    await asyncio.gather(*tasks)
    await limiter.shutdown()


async def test_paid_broadcasts_take_the_paid_budget_interactive_keeps_the_free_one() -> None:
    """With a paid rate of 300, 300 bulk sends flagged allow_paid_broadcast go at ≥ 0.95 of
    it, never 300 in one second; a reply meanwhile goes by the free budget, at once."""
    limiter = PriorityRateLimiter(DeliveryLimits(paid_rate=300))
    recorder = Recorder()

    async def paid(n: int) -> None:
        async def call() -> bool:
            recorder.sent.append((f"p{n}", time.monotonic()))
            return True

        data = {"chat_id": 1000 + n, "allow_paid_broadcast": True}
        await limiter.process_request(call, (), {}, "sendMessage", data, BULK)

    fan_out = [asyncio.create_task(paid(n)) for n in range(300)]
    await asyncio.sleep(0.2)
    asked = time.monotonic()
    await send(limiter, recorder, "reply", 7)
    assert recorder.at("reply") - asked < 0.05
    await asyncio.gather(*fan_out)
    times = [at for name, at in recorder.sent if name.startswith("p")]
    assert most_in_any_second(times) < 300
    assert (len(times) - 1) / (max(times) - min(times)) >= 300 * 0.95
    await limiter.shutdown()


async def test_answers_are_told_to_the_budget_in_the_background_and_together() -> None:
    """A budget slow to hear of answers (a database round trip) holds no send back, and the
    sends answered meanwhile are told in one call, with the highest slot."""

    class SlowToHear(LocalSendBudget):
        def __init__(self) -> None:
            super().__init__()
            self.told: list[int] = []

        async def answered(self, bucket: str, interval: float, limit: int, number: int) -> None:
            self.told.append(number)
            await asyncio.sleep(0.2)
            await super().answered(bucket, interval, limit, number)

    budget = SlowToHear()
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=200), budget=budget)

    async def call() -> bool:
        return True

    begin = time.monotonic()
    await asyncio.gather(
        *(
            limiter.process_request(call, (), {}, "sendMessage", {"chat_id": 100 + n}, None)
            for n in range(10)
        )
    )
    assert time.monotonic() - begin < 0.2
    await eventually(lambda: budget.told[-1:] == [9], timeout=2, what="the last answer told")
    assert len(budget.told) <= 3, budget.told
    await limiter.shutdown()


async def test_a_spare_request_goes_at_once_when_nothing_waits() -> None:
    """A countdown tick with the budget free is sent without delay."""
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=20, overall_burst=1))
    recorder = Recorder()
    started = time.monotonic()
    assert await send(limiter, recorder, "tick", 7, Lane.SPARE) is True
    assert recorder.at("tick") - started < 0.05
    await limiter.shutdown()


async def test_a_spare_request_yields_to_bulk_and_is_dropped_rather_than_late() -> None:
    """Behind 20 queued reminders a countdown tick goes after them or not at all: after
    SPARE_PATIENCE it raises NoRoom, and every reminder still goes at the full pace."""
    limiter = PriorityRateLimiter(DeliveryLimits(overall_rate=20, overall_burst=1))
    recorder = Recorder()
    bulk = [
        asyncio.create_task(send(limiter, recorder, f"bulk{n}", 100 + n, BULK)) for n in range(20)
    ]
    await asyncio.sleep(0.05)
    started = time.monotonic()
    with pytest.raises(NoRoom):
        await send(limiter, recorder, "tick", 7, Lane.SPARE)
    assert time.monotonic() - started == pytest.approx(SPARE_PATIENCE, abs=0.1)
    await asyncio.gather(*bulk)
    assert "tick" not in recorder.order()
    assert recorder.at("bulk19") - recorder.at("bulk0") == pytest.approx(19 / 20, abs=0.1)
    await limiter.shutdown()
