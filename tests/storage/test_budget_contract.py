"""The send budget contract: the in-memory budget of one process and PostgreSQL's, shared by
every instance, hand out the same slots (GCRA buckets and sliding windows)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.ports import SendBudget
from bot.telegram.budget import LocalSendBudget

#: Slots far apart, so that the milliseconds a take costs do not blur them.
STEP = 10.0
#: What those milliseconds may add up to on a loaded machine.
SLACK = 0.5


@pytest.fixture(params=["memory", "postgresql"])
async def budget(request: pytest.FixtureRequest) -> AsyncIterator[SendBudget]:
    if request.param == "memory":
        yield LocalSendBudget()
        return
    from bot.storage.postgres.budget import PgSendBudget
    from bot.storage.postgres.pool import open_pool

    pool = await open_pool(request.getfixturevalue("database_url"), min_size=1, max_size=4)
    try:
        yield PgSendBudget(pool)
    finally:
        await pool.close()


def near(waits: list[float], expected: list[float]) -> bool:
    return len(waits) == len(expected) and all(
        want - SLACK <= got <= want + 0.01 for got, want in zip(waits, expected, strict=True)
    )


async def test_without_burst_slots_follow_one_interval_apart(budget: SendBudget) -> None:
    """Burst 1: the first take is now, each next one an interval after the one before."""
    waits = [(await budget.take("overall", STEP)).wait for _ in range(4)]
    assert near(waits, [0, STEP, 2 * STEP, 3 * STEP]), waits


async def test_a_burst_goes_at_once_then_the_interval(budget: SendBudget) -> None:
    """Burst 3: three slots now, the fourth an interval later."""
    waits = [(await budget.take("chat:-5", STEP, burst=3)).wait for _ in range(5)]
    assert near(waits, [0, 0, 0, STEP, 2 * STEP]), waits


async def test_a_block_reserves_its_slots_for_whoever_takes_it(budget: SendBudget) -> None:
    """count 4 reserves four slots from now: the next take is four intervals away."""
    assert near([(await budget.take("overall", STEP, count=4)).wait], [0])
    assert near([(await budget.take("overall", STEP)).wait], [4 * STEP])


async def test_slots_are_numbered_in_the_order_taken(budget: SendBudget) -> None:
    """Each bucket counts its slots from 0; a block of four takes four numbers."""
    assert (await budget.take("overall", STEP)).number == 0
    assert (await budget.take("overall", STEP, count=4)).number == 1
    assert (await budget.take("overall", STEP)).number == 5
    assert (await budget.take("chat:3", STEP)).number == 0


async def test_an_answer_holds_the_slot_limit_numbers_later_a_second_back(
    budget: SendBudget,
) -> None:
    """Slots 0-1 taken at a fast pace, slot 0's send answered just now: with a limit of 3,
    slot 3 may not come before a second from now (it reached Telegram by now, and Telegram
    counts 3 in any second), whatever the pace says; slot 4 follows it one interval later."""
    step = 0.01
    for _ in range(2):
        await budget.take("overall", step)
    # Each slot's instant is when it was asked plus its wait: the waits alone shrink by
    # whatever time the calls took on a loaded machine. A call's own length is its error.
    asked = time.monotonic()
    await budget.answered("overall", step, 3, 0)
    third = (await budget.take("overall", step)).wait  # number 2: one interval before 3
    fourth_asked = time.monotonic()
    fourth = (await budget.take("overall", step)).wait
    fifth_asked = time.monotonic()
    fifth = (await budget.take("overall", step)).wait
    error = time.monotonic() - asked
    assert 1.0 - SLACK - error <= fourth <= 1.01, fourth
    at = fourth_asked + fourth
    assert third == pytest.approx(fourth - step, abs=0.005 + error)
    assert fifth_asked + fifth == pytest.approx(at + step, abs=0.005 + error)


async def test_an_answer_too_late_to_matter_changes_nothing(budget: SendBudget) -> None:
    """When the slot limit numbers later was handed out already, the answer moves nothing."""
    step = 0.01
    for _ in range(4):
        await budget.take("overall", step)
    await budget.answered("overall", step, 3, 0)
    assert (await budget.take("overall", step)).wait < 0.1


async def test_a_quiet_spell_saves_up_no_more_than_the_burst(budget: SendBudget) -> None:
    """After a pause longer than the interval, the slot is now again, but only one of them."""
    step = 0.05
    assert (await budget.take("overall", step)).wait <= 0.01
    await asyncio.sleep(0.2)
    waits = [(await budget.take("overall", step)).wait for _ in range(3)]
    assert waits[0] <= 0.01
    assert waits[1] > 0.02
    assert waits[2] > waits[1] + 0.03


async def test_buckets_are_independent(budget: SendBudget) -> None:
    """One chat's bucket does not hold back another's, nor the overall one."""
    assert near([(await budget.take("chat:1", STEP)).wait for _ in range(2)], [0, STEP])
    assert near([(await budget.take("chat:2", STEP)).wait], [0])
    assert near([(await budget.take("overall", STEP)).wait], [0])


async def test_a_window_lets_its_limit_go_at_once_then_waits_for_the_first(
    budget: SendBudget,
) -> None:
    """Three in any ten seconds: three now, the fourth and fifth when the first ones leave
    the window, the seventh when the fourth does."""
    waits = [await budget.take_window("chat:-7", 3, STEP) for _ in range(7)]
    assert near(waits, [0, 0, 0, STEP, STEP, STEP, 2 * STEP]), waits


async def test_windows_and_buckets_do_not_mix(budget: SendBudget) -> None:
    """A window of one name and a bucket of the same name are different limits."""
    await budget.take("chat:-8", STEP)
    assert near([await budget.take_window("chat:-8", 1, STEP)], [0])


async def test_instances_on_one_database_share_the_slots(database_url: str) -> None:
    """Two instances (two pools) taking from one bucket in turn get consecutive slots, as one
    process would: Telegram's 30 a second is per token, not per process."""
    from bot.storage.postgres.budget import PgSendBudget
    from bot.storage.postgres.pool import open_pool

    first = await open_pool(database_url, min_size=1, max_size=2)
    second = await open_pool(database_url, min_size=1, max_size=2)
    try:
        one, other = PgSendBudget(first), PgSendBudget(second)
        waits = [(await (one if n % 2 else other).take("overall", STEP)).wait for n in range(4)]
        assert near(waits, [0, STEP, 2 * STEP, 3 * STEP]), waits
        window = [
            await (one if n % 2 else other).take_window("chat:-9", 2, STEP) for n in range(3)
        ]
        assert near(window, [0, 0, STEP]), window
    finally:
        await first.close()
        await second.close()


async def test_idle_chat_buckets_are_pruned(database_url: str) -> None:
    """Buckets of chats idle for the idle time are deleted; overall never is."""
    from bot.storage.postgres.budget import PgSendBudget
    from bot.storage.postgres.pool import open_pool

    pool = await open_pool(database_url, min_size=1, max_size=2)
    try:
        budget = PgSendBudget(pool)
        budget.idle = 0.0
        await budget.take("chat:1", 0.001)
        await budget.take("overall", 0.001)
        await budget.take_window("chat:-1", 5, 0.001)
        await asyncio.sleep(0.05)
        assert await budget.prune() == 2
        assert near([(await budget.take("chat:1", STEP)).wait], [0])
    finally:
        await pool.close()
