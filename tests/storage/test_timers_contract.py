"""The Timers contract: PTB's JobQueue and PostgreSQL rows behind one port, held to the same
tests; then what only rows shared by several instances must add (claims, wake-ups, urgency).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from telegram.ext import ApplicationBuilder

from bot.clock import Clock
from bot.ports import Timer, Timers
from bot.storage.postgres.pool import open_pool
from bot.storage.postgres.timers import PgTimers
from bot.telegram.timers import JobQueueTimers
from tests.waiting import eventually

BACKENDS = ["jobqueue", "postgresql"]
CLOCK = Clock()


def soon(seconds: float) -> dt.datetime:
    return CLOCK.now() + dt.timedelta(seconds=seconds)


@pytest.fixture(params=BACKENDS)
async def timers(request: pytest.FixtureRequest) -> AsyncIterator[Timers]:
    if request.param == "jobqueue":
        app = ApplicationBuilder().token("1:contract").build()
        assert app.job_queue is not None
        await app.job_queue.start()
        try:
            yield JobQueueTimers(app.job_queue, CLOCK)
        finally:
            await app.job_queue.stop()
        return
    url = request.getfixturevalue("database_url")
    pool = await open_pool(url, min_size=1, max_size=4)
    pg = PgTimers(pool, url, CLOCK)
    pg.start()
    try:
        yield pg
    finally:
        await pg.stop()
        await pool.close()


class Fired:
    """A handler that records each timer it ran, and when."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, float]] = []

    async def __call__(self, timer: Timer) -> None:
        self.runs.append((timer.name, time.monotonic()))

    @property
    def names(self) -> list[str]:
        return [name for name, _ in self.runs]


async def test_set_replace_cancel_and_pending(timers: Timers) -> None:
    """A name holds one timer: setting it again moves it, cancel removes it; pending lists a
    chat's (or every) timer soonest first, data included."""
    await timers.set(Timer("reminder:1:09:00", "reminder", 1, soon(60), {"at": "x", "n": 2}))
    await timers.set(Timer("nudge:2", "nudge", 2, soon(30)))
    await timers.set(Timer("reminder:1:09:00", "reminder", 1, soon(90), {"at": "y"}))
    assert [(t.name, t.chat_id) for t in await timers.pending()] == [
        ("nudge:2", 2),
        ("reminder:1:09:00", 1),
    ]
    (moved,) = await timers.pending(1)
    assert moved.data == {"at": "y"}
    assert abs((moved.due - soon(90)).total_seconds()) < 5
    await timers.cancel("reminder:1:09:00")
    await timers.cancel("never:set")
    assert await timers.pending(1) == []
    assert [t.name for t in await timers.pending()] == ["nudge:2"]


async def test_a_timer_fires_once_at_its_due_instant(timers: Timers) -> None:
    """The handler of the timer's kind runs once, at its due instant (not before, and within a
    fraction of a second after); it is then no longer pending."""
    fired = Fired()
    timers.on("snooze", fired)
    set_at = time.monotonic()
    await timers.set(Timer("snooze:5", "snooze", 5, soon(0.4)))
    await eventually(lambda: fired.runs, timeout=3, what="the snooze")
    ((name, at),) = fired.runs
    assert name == "snooze:5"
    assert 0.35 <= at - set_at <= 0.9
    assert await timers.pending(5) == []


async def test_a_timer_already_due_fires_at_once_and_a_cancelled_one_never(
    timers: Timers,
) -> None:
    """A due instant in the past means now; a timer cancelled before its instant never runs."""
    fired = Fired()
    timers.on("nudge", fired)
    await timers.set(Timer("nudge:8", "nudge", 8, soon(0.3)))
    await timers.cancel("nudge:8")
    await timers.set(Timer("nudge:7", "nudge", 7, soon(-30)))
    await eventually(lambda: fired.runs, timeout=2, what="the overdue timer")
    await asyncio.sleep(0.5)  # past the cancelled one's instant: it must not come
    assert fired.names == ["nudge:7"]


async def test_a_failing_handler_goes_to_the_error_reporter_and_spares_the_rest(
    request: pytest.FixtureRequest,
) -> None:
    """One handler's exception reaches the reporter with its timer; the others due with it
    still run (both backends)."""
    errors: list[tuple[str, str]] = []

    async def report(timer: Timer, error: Exception) -> None:
        errors.append((timer.name, str(error)))

    fired = Fired()

    async def handler(timer: Timer) -> None:
        if timer.chat_id == 1:
            raise RuntimeError("boom")
        await fired(timer)

    async def check(timers: Timers) -> None:
        timers.on("reminder", handler)
        for chat_id in (1, 2, 3):
            await timers.set(Timer(f"reminder:{chat_id}", "reminder", chat_id, soon(0.1)))
        await eventually(lambda: len(fired.runs) == 2 and errors, timeout=3, what="the batch")
        assert errors == [("reminder:1", "boom")]

    app = ApplicationBuilder().token("1:contract").build()
    assert app.job_queue is not None
    await app.job_queue.start()
    try:
        await check(JobQueueTimers(app.job_queue, CLOCK, report))
    finally:
        await app.job_queue.stop()
    errors.clear()
    fired.runs.clear()
    url = request.getfixturevalue("database_url")
    pool = await open_pool(url, min_size=1, max_size=4)
    pg = PgTimers(pool, url, CLOCK, on_error=report)
    pg.start()
    try:
        await check(pg)
    finally:
        await pg.stop()
        await pool.close()


# Only rows: several instances on one database ---------------------------------------------


@pytest.fixture
async def instances(database_url: str) -> AsyncIterator[Callable[..., PgTimers]]:
    """Make PgTimers on the test database (each with its own pool), stopped afterwards."""
    made: list[tuple[PgTimers, Any]] = []

    async def make(**options: Any) -> PgTimers:
        pool = await open_pool(database_url, min_size=1, max_size=4)
        pg = PgTimers(pool, database_url, CLOCK, **options)
        made.append((pg, pool))
        return pg

    yield make  # type: ignore[misc]
    for pg, pool in made:
        await pg.stop()
        await pool.close()


async def test_two_instances_fire_each_timer_exactly_once(
    instances: Callable[..., Any],
) -> None:
    """300 timers due together on two instances: each runs once, and both take a share."""
    first, second = await instances(), await instances()
    by: dict[str, list[str]] = {"first": [], "second": []}

    def recorder(who: str) -> Callable[[Timer], Any]:
        async def handler(timer: Timer) -> None:
            await asyncio.sleep(0.01)
            by[who].append(timer.name)

        return handler

    first.on("reminder", recorder("first"))
    second.on("reminder", recorder("second"))
    due = soon(0.5)
    for chat_id in range(300):
        await first.set(Timer(f"reminder:{chat_id}", "reminder", chat_id, due))
    first.start()
    second.start()
    await eventually(
        lambda: len(by["first"]) + len(by["second"]) >= 300, timeout=10, what="300 timers"
    )
    await asyncio.sleep(0.3)  # a duplicate would come now
    everything = by["first"] + by["second"]
    assert sorted(everything) == sorted(f"reminder:{chat_id}" for chat_id in range(300))
    assert by["first"]
    assert by["second"]


async def test_a_timer_set_on_one_instance_fires_on_time_on_another(
    instances: Callable[..., Any],
) -> None:
    """NOTIFY wakes a sleeping instance: with a 5 s poll, a timer set elsewhere 0.3 s ahead
    still fires within 0.2 s of its instant."""
    setter, runner = await instances(poll=5.0), await instances(poll=5.0)
    fired = Fired()
    runner.on("snooze", fired)
    runner.start()
    await asyncio.sleep(0.3)  # the runner is asleep on an empty table
    due_in = 0.3
    set_at = time.monotonic()
    await setter.set(Timer("snooze:3", "snooze", 3, soon(due_in)))
    await eventually(lambda: fired.runs, timeout=3, what="the snooze")
    late = fired.runs[0][1] - set_at - due_in
    assert -0.05 <= late <= 0.2


async def test_urgent_timers_go_before_a_fan_out(instances: Callable[..., Any]) -> None:
    """A session cue due during a 250-reminder fan-out runs at once, not after the batches of
    reminders due before it."""
    pg = await instances(urgent_kinds={"session"}, batch=50)
    order: list[str] = []

    async def slow_reminder(timer: Timer) -> None:
        await asyncio.sleep(0.3)
        order.append(timer.kind)

    async def cue(timer: Timer) -> None:
        order.append(timer.kind)

    pg.on("reminder", slow_reminder)
    pg.on("session", cue)
    for chat_id in range(250):
        await pg.set(Timer(f"reminder:{chat_id}", "reminder", chat_id, soon(-1)))
    await pg.set(Timer("session:9", "session", 9, soon(0)))
    pg.start()
    await eventually(lambda: "session" in order, timeout=5, what="the cue")
    assert order.index("session") == 0


async def test_no_more_than_one_batch_is_in_flight_and_a_dead_one_loses_only_it(
    instances: Callable[..., Any],
) -> None:
    """An instance holds at most ``batch`` claimed rows at once (what its death can lose); the
    rows it claimed are gone for the others, who run everything else once."""
    dead, alive = await instances(batch=50), await instances(batch=50, poll=0.1)
    release = asyncio.Event()
    started: list[str] = []

    async def stuck(timer: Timer) -> None:
        started.append(timer.name)
        await release.wait()

    alive.on("reminder", stuck)
    for chat_id in range(200):
        await alive.set(Timer(f"reminder:{chat_id}", "reminder", chat_id, soon(-1)))
    lost = await dead.claim()  # claims a batch, then "dies" before running it
    assert len(lost) == 50
    alive.start()
    await eventually(lambda: len(started) >= 50, timeout=3, what="the first batch")
    await asyncio.sleep(0.5)  # several polls
    assert len(started) == 50  # no second batch while the first is in flight
    release.set()
    await eventually(lambda: len(started) >= 150, timeout=5, what="the rest")
    await asyncio.sleep(0.2)
    everything = {f"reminder:{i}" for i in range(200)}
    assert sorted(started) == sorted(everything - {t.name for t in lost})
    assert await alive.pending() == []
