"""The Timers port over PTB's JobQueue: one job per kind and instant, one timer replaced or
cancelled by name, one chat's found without scanning, big batches that let other work run."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.core.chat import Chat
from bot.ports import Timer
from bot.storage.chatfiles import ChatFiles
from bot.telegram.context import BotApp, services_of
from bot.telegram.timers import JobQueueTimers
from tests.factories import NOW, bench_application, make_chat

IN_A_MINUTE = NOW + dt.timedelta(minutes=1)


def person(chat_id: int, zone: str = "Europe/Berlin", *times: dt.time) -> Chat:
    values: dict[str, Any] = {
        "chat_id": chat_id,
        "timezone": zone,
        "times": times or (dt.time(9, 0),),
        "created_at": NOW - dt.timedelta(days=1),
    }
    return make_chat(**values)


def application(tmp_path: Path, people: list[Chat] | None = None) -> BotApp:
    """An application (not started) on a store holding ``people``."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.add_chats(people or [])
    return bench_application(tmp_path, storage, Clock.pretending(NOW))


def job_names(app: BotApp) -> list[str]:
    assert app.job_queue is not None
    return sorted(job.name or "" for job in app.job_queue.jobs())


def timers_of(app: BotApp) -> JobQueueTimers:
    assert app.job_queue is not None
    return JobQueueTimers(app.job_queue, Clock.pretending(NOW))


async def test_reminders_due_at_one_instant_share_one_job(tmp_path: Path) -> None:
    """600 chats with 3 slots in 3 zones make 1 800 reminders but only one job per instant."""
    zones = ("Europe/Berlin", "Asia/Tokyo", "America/New_York")
    slots = (dt.time(9, 0), dt.time(13, 0), dt.time(17, 45))
    people = [person(chat_id, zones[chat_id % 3], *slots) for chat_id in range(1, 601)]
    app = application(tmp_path, people)
    services = services_of(app)
    assert await services.reminders.rebuild() == 1_800
    pending = await services.reminders.scheduled()
    assert len(pending) == 1_800
    assert len(job_names(app)) == len({due.occurrence.at for due in pending}) == 9
    assert all(name.startswith("reminder:") for name in job_names(app))


async def test_kinds_at_one_instant_have_a_job_each(tmp_path: Path) -> None:
    """A reminder and a follow-up due at the same instant are batched apart, by kind, so a job's
    name says what it runs."""
    app = application(tmp_path)
    timers = timers_of(app)
    await timers.set(Timer("reminder:1:09:00", "reminder", 1, IN_A_MINUTE))
    await timers.set(Timer("reminder:2:09:00", "reminder", 2, IN_A_MINUTE))
    await timers.set(Timer("nudge:3", "nudge", 3, IN_A_MINUTE))
    assert [name.partition(":")[0] for name in job_names(app)] == ["nudge", "reminder"]


async def test_one_timer_is_replaced_and_cancelled_by_name(tmp_path: Path) -> None:
    """Setting a name again moves that timer only; cancelling the last timer of an instant
    removes its job; a chat's timers are found by chat."""
    app = application(tmp_path)
    timers = timers_of(app)
    await timers.set(Timer("reminder:1:09:00", "reminder", 1, IN_A_MINUTE))
    await timers.set(Timer("reminder:2:09:00", "reminder", 2, IN_A_MINUTE))
    (shared,) = job_names(app)
    later = IN_A_MINUTE + dt.timedelta(hours=1)
    await timers.set(Timer("reminder:1:09:00", "reminder", 1, later))
    assert [(t.chat_id, t.due) for t in await timers.pending()] == [(2, IN_A_MINUTE), (1, later)]
    assert [t.name for t in await timers.pending(1)] == ["reminder:1:09:00"]
    await timers.cancel("reminder:2:09:00")
    assert shared not in job_names(app)
    assert await timers.pending(2) == []
    await timers.cancel("reminder:1:09:00")
    assert job_names(app) == []
    assert await timers.pending() == []


async def test_a_fired_batch_runs_every_timer_and_forgets_them(tmp_path: Path) -> None:
    """When a batch fires, each timer's handler runs once, and the timers are no longer
    pending (nor found by chat)."""
    app = application(tmp_path)
    timers = timers_of(app)
    ran: list[str] = []

    async def handler(timer: Timer) -> None:
        ran.append(timer.name)

    timers.on("reminder", handler)
    for chat_id in (1, 2):
        await timers.set(Timer(f"reminder:{chat_id}:09:00", "reminder", chat_id, IN_A_MINUTE))
    assert app.job_queue is not None
    (job,) = app.job_queue.jobs()
    await job.run(app)
    assert sorted(ran) == ["reminder:1:09:00", "reminder:2:09:00"]
    assert await timers.pending() == []
    assert await timers.pending(1) == []


async def test_a_big_batch_lets_other_work_run_between_its_timers(tmp_path: Path) -> None:
    """The blocking part of each reminder (its claim on disk) is interleaved with other
    coroutines, so 200 due at once never hold the event loop for more than a few of them."""
    app = application(tmp_path)
    timers = timers_of(app)

    async def blocking_reminder(_: Timer) -> None:
        time.sleep(0.003)  # noqa: ASYNC251 - stands for a synchronous fsynced write
        await asyncio.sleep(0)

    timers.on("reminder", blocking_reminder)
    for chat_id in range(200):
        await timers.set(Timer(f"reminder:{chat_id}:09:00", "reminder", chat_id, IN_A_MINUTE))
    assert app.job_queue is not None
    (job,) = app.job_queue.jobs()
    gaps: list[float] = []
    running = True

    async def heartbeat() -> None:
        last = time.perf_counter()
        while running:
            await asyncio.sleep(0)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    beating = asyncio.create_task(heartbeat())
    await job.run(app)
    running = False
    await beating
    assert max(gaps) < 0.25  # all 200 in one block would be 0.6 s
