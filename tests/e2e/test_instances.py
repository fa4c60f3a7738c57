"""Several instances of the bot on one PostgreSQL: timers are rows that any instance runs, once.

One instance polls updates, the others have no update intake (they run timers only). A ``/time``
set through one fires on time from another; 300 reminders due together arrive once each; an
instance killed with SIGKILL mid-fan-out loses at most the batch it had claimed, and the others
deliver the rest without a duplicate. Serial (xdist group ``instances``): timing under a shared
machine's load is part of what they check.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.clock import Clock
from bot.core.calendar import Occurrence
from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.features.reminder_timers import REMINDER, reminder_timer
from bot.storage.postgres.pool import open_pool
from bot.storage.postgres.store import PgStore
from bot.storage.postgres.timers import PgTimers
from bot.telegram.context import services_of
from tests.e2e.conftest import BotFactory
from tests.e2e.process import BotProcess, bot_process
from tests.factories import make_chat
from tests.waiting import eventually, eventually_async, steady

pytestmark = pytest.mark.xdist_group("instances")

TEXT = "Time to look after your back"
#: How many bulk timers an instance claims at once: what a dead instance may lose.
BATCH = 50


def reminders_to(emulator: BotAPIEmulator, user: EmulatedUser) -> int:
    return sum(TEXT in message.text for message in emulator.messages(user))


@contextlib.asynccontextmanager
async def database(url: str) -> AsyncIterator[tuple[PgStore, PgTimers]]:
    """The store and the timer rows, as a test sets them up (no claiming loop)."""
    pool = await open_pool(url, min_size=1, max_size=2)
    try:
        yield PgStore(pool), PgTimers(pool, url, Clock())
    finally:
        await pool.close()


async def reminders_due(url: str, users: Sequence[EmulatedUser], at: dt.datetime) -> None:
    """Each user a subscribed chat whose reminder is due at ``at`` (UTC), as rows."""
    slot = dt.time(at.hour, at.minute)
    occurrence = Occurrence(slot, at.date(), at)
    async with database(url) as (store, timers):
        for user in users:
            await store.create(
                make_chat(user.id, times=(slot,), created_at=at - dt.timedelta(days=1))
            )
            await timers.set(reminder_timer(user.id, occurrence))


async def rows_due_by(url: str, at: dt.datetime) -> int:
    async with database(url) as (_, timers):
        return sum(timer.due <= at for timer in await timers.pending())


async def test_a_time_set_on_one_instance_fires_on_time_from_another(
    start_bot: BotFactory, database_url: str
) -> None:
    """/time set through the polling instance, whose own timer loop is stopped: the reminder
    comes from the other instance within a second of its minute, once, and the only reminder
    row left is tomorrow's."""
    now = dt.datetime(2026, 11, 25, 9, 29, 56, tzinfo=dt.UTC)
    async with (
        start_bot(database_url=database_url, now=now) as polling,
        start_bot(database_url=database_url, now=now, poll=False) as other,
    ):
        polling_timers = services_of(polling.app).timers
        assert isinstance(polling_timers, PgTimers)
        await polling_timers.stop()  # only the other instance can run timers now
        await polling.ask("/start", "I help people")
        await polling.ask("/time 09:30", "Done")
        due = time.monotonic() + polling.clock.seconds_until(now.replace(minute=30, second=0))
        reminder = await polling.expect(TEXT, timeout=8)
        assert -0.05 <= reminder.sent_at - due <= 1.0
        other_timers = services_of(other.app).timers
        assert isinstance(other_timers, PgTimers)
        await eventually(lambda: other_timers.fired >= 1, what="the other's handler to return")
        left = [t for t in await other_timers.pending(polling.user.id) if t.kind == REMINDER]
        assert [t.due.date() for t in left] == [dt.date(2026, 11, 26)]
        assert reminders_to(polling.emulator, polling.user) == 1


async def test_300_reminders_due_together_on_two_instances_arrive_once_each(
    start_bot: BotFactory, database_url: str, emulator: BotAPIEmulator
) -> None:
    """300 chats due at one instant, two instances (one polling, one not): every chat gets its
    reminder exactly once, both instances take a share, and no row of that instant is left."""
    users = [emulator.add_user(f"P{i}") for i in range(300)]
    async with (
        start_bot(database_url=database_url) as polling,
        start_bot(database_url=database_url, poll=False) as other,
    ):
        at = Clock().now() + dt.timedelta(seconds=3)
        await reminders_due(database_url, users, at)
        await eventually(
            lambda: all(reminders_to(emulator, user) for user in users),
            timeout=30,
            what="300 reminders",
        )
        assert await rows_due_by(database_url, at) == 0  # every row of the instant claimed
        counts = [reminders_to(emulator, user) for user in users]
        assert counts == [1] * 300
        both = [services_of(bot.app).timers for bot in (polling, other)]
        pg = [timers for timers in both if isinstance(timers, PgTimers)]
        assert len(pg) == 2

        def fired() -> list[int]:
            return [timers.fired for timers in pg]

        await eventually(lambda: sum(fired()) >= 300, what="every handler to return")
        assert sum(fired()) == 300  # each row's handler ran once, on one instance
        assert min(fired()) > 0


def started(process: BotProcess) -> bool:
    return "timers are claimed from the database" in process.log


@pytest.mark.parametrize("count", [2, 3])
async def test_an_instance_killed_mid_fan_out_loses_at_most_its_batch(
    emulator: BotAPIEmulator, database_url: str, tmp_path: Path, count: int
) -> None:
    """Two or three instances as processes share a 300-reminder fan-out; one is killed
    (SIGKILL) at 40 %: the others deliver the rest, nobody gets a reminder twice, and at most
    one batch (50) is lost."""
    users = [emulator.add_user(f"P{i}") for i in range(300)]
    env = {"DATABASE_URL": database_url, "LOG_LEVEL": "INFO"}
    async with contextlib.AsyncExitStack() as stack:
        doomed, *survivors = [
            await stack.enter_async_context(
                bot_process(emulator, tmp_path / f"i{n}", module="tests.e2e.instance", **env)
            )
            for n in range(count)
        ]
        await eventually(lambda: all(started(p) for p in (doomed, *survivors)), timeout=30)
        at = Clock().now() + dt.timedelta(seconds=2)
        await reminders_due(database_url, users, at)

        def delivered() -> int:
            return sum(1 for user in users if reminders_to(emulator, user))

        await eventually(lambda: delivered() >= 120, timeout=30, what="40 % of the fan-out")
        doomed.process.kill()
        at_kill = delivered()
        await doomed.process.wait()
        assert at_kill < 300, "the kill came after the fan-out"

        async def all_claimed() -> bool:
            return await rows_due_by(database_url, at) == 0

        await eventually_async(all_claimed, timeout=30, what="every row claimed")
        # The survivor finishes what it claimed: done once the count stops moving for 1 s.
        await steady(delivered, quiet=1.0, timeout=30)
        assert all(survivor.alive for survivor in survivors)
        assert max(reminders_to(emulator, user) for user in users) == 1  # no duplicates
        lost = 300 - delivered()
        print(f"\n{count} instances, kill at {at_kill}/300 delivered; lost {lost} (≤ {BATCH})")
        assert lost <= BATCH
