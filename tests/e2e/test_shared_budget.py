"""Several instances on one PostgreSQL share Telegram's budget of one token: together they send
no more than one instance may (30 in any second, counted strictly), and paid broadcasts
(``PAID_BROADCAST_PER_SECOND``) go at the paid rate without a 429."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, EmulatedUser, FloodLimits
from bot.features.operators import Broadcast
from bot.ports import Lane, SendBudget
from bot.storage.postgres.budget import PgSendBudget
from bot.storage.postgres.pool import open_pool
from bot.telegram.budget import LocalSendBudget
from bot.telegram.context import BotApp, services_of
from bot.telegram.delivery import DeliveryLimits, PriorityRateLimiter
from bot.telegram.runner import running
from tests.e2e.test_instances import reminders_due
from tests.e2e.test_strict_limits import max_in_any_second
from tests.waiting import eventually

SLOT = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
STRICT = FloodLimits(strict_window=True)


async def subscribe(database_url: str, crowd: list[EmulatedUser]) -> None:
    """Everyone's reminder at 09:00 UTC, stored in the database with its timer row (on
    PostgreSQL the rows are the schedule: nothing is rebuilt at start-up)."""
    await reminders_due(database_url, crowd, SLOT)


@contextlib.asynccontextmanager
async def serving(application: BotApp) -> AsyncIterator[BotApp]:
    """An instance that serves its timers but does not poll (test-only: one poller per token;
    the others would get 409 Conflict)."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)


@contextlib.asynccontextmanager
async def instance(
    settings: Settings,
    clock: Clock,
    sent: Counter[str],
    name: str,
    *,
    shared: bool,
    poll: bool,
) -> AsyncIterator[BotApp]:
    """One bot instance on the database; ``sent`` counts its sends (``shared``: its budget is
    the database's, else its own, as an instance of today would have)."""
    pool = await open_pool(settings.database_url or "", min_size=1, max_size=4)
    budget: SendBudget = LocalSendBudget()
    if shared:
        budget = PgSendBudget(pool)

    def count(lane: Lane, endpoint: str, seconds: float) -> None:
        sent[name] += 1

    limiter = PriorityRateLimiter(DeliveryLimits(), budget=budget, on_wait=count)
    application = build_application(settings, clock=clock, rate_limiter=limiter)
    try:
        async with running(application, poll_timeout=1) if poll else serving(application) as app:
            yield app
    finally:
        await pool.close()


@pytest.mark.xdist_group("instances")
@pytest.mark.parametrize("shared", [True, False], ids=["shared", "each-its-own"])
async def test_two_instances_keep_one_budget(
    emulator: BotAPIEmulator, settings: Settings, database_url: str, shared: bool
) -> None:
    """Two instances fanning out 300 reminders together send at most 30 in any second and
    draw no 429 from a strict Telegram; each reminder goes once, and both do send. With a
    budget each (``each-its-own``), the same fan-out is twice too fast: it must draw 429s,
    which shows the check can fail."""
    emulator.enable_limits(STRICT)
    crowd = [emulator.add_user(f"U{index}") for index in range(300)]
    await subscribe(database_url, crowd)
    on_pg = replace(settings, database_url=database_url)
    clock = Clock(SLOT - (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=3)))
    sent: Counter[str] = Counter()
    async with (
        instance(on_pg, clock, sent, "one", shared=shared, poll=True),
        instance(on_pg, clock, sent, "two", shared=shared, poll=False),
    ):
        await eventually(
            lambda: all(emulator.messages(member) for member in crowd),
            timeout=40,
            what="every reminder",
        )
    arrivals = [message.sent_at for member in crowd for message in emulator.messages(member)]
    assert len(arrivals) == len(crowd)
    if not shared:
        assert emulator.too_many_requests > 0
        return
    assert emulator.too_many_requests == 0
    assert max_in_any_second(arrivals) <= 30
    assert min(sent["one"], sent["two"]) > 30, sent


@pytest.mark.xdist_group("instances")
async def test_paid_broadcasts_go_at_the_paid_rate(
    emulator: BotAPIEmulator, settings: Settings
) -> None:
    """With PAID_BROADCAST_PER_SECOND=300, 600 bulk sends (a broadcast's, a fan-out's) go as
    paid broadcasts, faster than the free 30 a second and with no 429 from a strict Telegram,
    while a reply meanwhile stays a free send. The pace itself (≥ 0.95 of 300 a second) is
    pinned in tests/telegram/test_delivery.py: here the CPU of a shared test machine (bot and
    emulator in one process) is the ceiling, as bench/README.md reports."""
    emulator.enable_limits(STRICT)
    crowd = [emulator.add_user(f"U{index}") for index in range(600)]
    talker = emulator.add_user("Talker")
    application = build_application(replace(settings, paid_broadcast_per_second=300))
    async with running(application, poll_timeout=1):
        outbox = services_of(application).outbox

        async def bulk(chat_id: int) -> None:
            async with outbox.bulk_slot():
                await outbox.send(chat_id, Broadcast("Maintenance at 22:00"), lane=Lane.BULK)

        fan_out = [asyncio.create_task(bulk(member.id)) for member in crowd]
        emulator.send_text(talker, "/help")
        await emulator.wait_for_message(talker, timeout=10)
        await asyncio.gather(*fan_out)
    arrivals = sorted(emulator.messages(member)[0].sent_at for member in crowd)
    assert emulator.too_many_requests == 0
    assert emulator.paid_broadcasts == len(crowd)
    assert not emulator.messages(talker)[-1].paid_broadcast
    rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    assert rate > 30, rate
