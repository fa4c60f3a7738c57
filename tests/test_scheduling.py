"""Reminder batches: one JobQueue job per instant, per-chat replace and cancel, fast rebuilds."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.clock import Clock
from bot.core.chat import Chat
from bot.storage.chatfiles import ChatFiles
from bot.telegram import jobs
from bot.telegram.context import BotApp, BotContext, services_of
from bot.telegram.handlers.reminders import rebuild_all, reschedule
from tests.factories import NOW, bench_application, make_chat


def person(chat_id: int, zone: str = "Europe/Berlin", *times: dt.time, **changes: object) -> Chat:
    values: dict[str, Any] = {
        "chat_id": chat_id,
        "timezone": zone,
        "times": times or (dt.time(9, 0),),
        "created_at": NOW - dt.timedelta(days=1),
    }
    values.update(changes)
    return make_chat(**values)


def rebuilt(tmp_path: Path, people: list[Chat]) -> BotApp:
    """An application (not started) whose JobQueue was rebuilt from these subscribers."""
    storage = ChatFiles.in_folder(tmp_path)
    storage.add_chats(people)
    application = bench_application(tmp_path, storage, Clock.pretending(NOW))
    assert application.job_queue is not None
    rebuild_all(application.job_queue, services_of(application))
    return application


def job_names(application: BotApp) -> list[str]:
    assert application.job_queue is not None
    return sorted(job.name or "" for job in application.job_queue.jobs())


def test_reminders_due_at_one_instant_share_one_job(tmp_path: Path) -> None:
    """600 chats with 3 slots in 3 zones make 1 800 reminders but only one job per instant."""
    zones = ("Europe/Berlin", "Asia/Tokyo", "America/New_York")
    slots = (dt.time(9, 0), dt.time(13, 0), dt.time(17, 45))
    people = [person(chat_id, zones[chat_id % 3], *slots) for chat_id in range(1, 601)]
    application = rebuilt(tmp_path, people)
    assert application.job_queue is not None
    pending = jobs.pending_reminders(application.job_queue)
    assert len(pending) == 1_800
    assert len(job_names(application)) == len({due.occurrence.at for due in pending}) == 9


def test_one_chat_is_replaced_and_cancelled_without_touching_the_others(tmp_path: Path) -> None:
    """Moving one chat to another time moves only its reminder; stopping the last chat at an
    instant removes that instant's job."""
    application = rebuilt(tmp_path, [person(1), person(2)])
    job_queue = application.job_queue
    assert job_queue is not None
    (nine,) = job_names(application)
    services = services_of(application)
    reschedule(job_queue, services, person(1, "Europe/Berlin", dt.time(10, 0)))
    assert [(d.chat_id, d.slot) for d in jobs.pending_reminders(job_queue)] == [
        (2, "09:00"),
        (1, "10:00"),
    ]
    assert len(job_names(application)) == 2
    reschedule(job_queue, services, person(2, subscribed=False))
    assert [d.chat_id for d in jobs.pending_reminders(job_queue)] == [1]
    assert nine not in job_names(application)
    jobs.cancel_reminders(job_queue, 1)
    assert job_names(application) == []
    assert jobs.pending_reminders(job_queue) == []


def test_shared_instants_still_respect_each_chats_days(tmp_path: Path) -> None:
    """Chats in one zone at one time but with today skipped, paused or off get their own next
    instant: the start-up memo keys on everything a chat's calendar depends on."""
    today = NOW.date()  # a Wednesday
    one = ("Europe/Berlin", dt.time(13, 0))
    people = [
        person(1, *one),
        person(2, *one, skipped_day=today),
        person(3, *one, pauses=((today, today + dt.timedelta(days=2)),)),
        person(4, *one, days=frozenset({4})),  # Fridays only
    ]
    application = rebuilt(tmp_path, people)
    assert application.job_queue is not None
    days = {
        due.chat_id: due.occurrence.day for due in jobs.pending_reminders(application.job_queue)
    }
    assert days == {
        1: today,
        2: today + dt.timedelta(days=1),
        3: today + dt.timedelta(days=2),
        4: today + dt.timedelta(days=2),
    }


def test_catch_up_is_per_chat_inside_a_shared_instant(tmp_path: Path) -> None:
    """Of two chats whose 08:45 reminder was due while the bot was down, only the one that
    did not get it is caught up at start-up."""
    slot = dt.time(8, 45)  # 07:45 UTC, fifteen minutes before NOW
    due = dt.datetime(2026, 11, 25, 7, 45, tzinfo=dt.UTC)
    people = [person(1, "Europe/Berlin", slot), person(2, "Europe/Berlin", slot)]
    people[1] = replace(
        people[1], delivery=replace((people[1]).delivery, last_sent={"08:45": due})
    )
    application = rebuilt(tmp_path, people)
    assert application.job_queue is not None
    instants = {d.chat_id: d.occurrence.at for d in jobs.pending_reminders(application.job_queue)}
    assert instants == {1: due, 2: due + dt.timedelta(days=1)}


async def test_a_big_batch_lets_other_work_run_between_its_reminders(tmp_path: Path) -> None:
    """The blocking part of each reminder (its claim on disk) is interleaved with other
    coroutines, so 200 due at once never hold the event loop for more than a few of them."""
    application = rebuilt(tmp_path, [])
    job_queue = application.job_queue
    assert job_queue is not None

    async def blocking_reminder(_: BotContext, __: jobs.ReminderJob) -> None:
        time.sleep(0.003)  # noqa: ASYNC251 - stands for a synchronous fsynced write
        await asyncio.sleep(0)

    for chat_id in range(200):
        jobs.schedule_reminders(
            job_queue, person(chat_id), blocking_reminder, NOW, seconds_until=lambda _: 60.0
        )
    (job,) = job_queue.jobs()
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
    await job.run(application)
    running = False
    await beating
    assert max(gaps) < 0.25  # all 200 in one block would be 0.6 s
