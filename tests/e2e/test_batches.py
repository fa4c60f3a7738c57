"""Reminders due at the same instant share one job: each chat still gets its own, once; and a
store from the single-file version is upgraded on first start."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.core.chat import Chat, Schedule
from bot.emulator import EmulatedUser
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory
from tests.factories import session_record, write_legacy_store

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"


async def test_one_instant_many_chats_each_reminded_once(start_bot: BotFactory) -> None:
    """Three people with a 09:30 reminder each get it once from one batch job, and a chat
    Telegram does not know (400) in the same batch does not stop the others."""
    now = dt.datetime(2026, 11, 25, 9, 29, 57, tzinfo=BERLIN)
    async with start_bot(now=now) as bot:
        people = [bot] + [
            Bot(bot.app, bot.emulator, bot.emulator.add_user(name), bot.settings)
            for name in ("Bea", "Cem")
        ]
        # The unknown chat goes first in the batch.
        ghost = Chat(
            chat_id=987_654, schedule=Schedule(timezone="Europe/Berlin", times=(dt.time(9, 30),))
        )
        bot.storage.save(ghost)
        assert bot.app.job_queue is not None
        await services_of(bot.app).reminders.reschedule(ghost)
        for person in people:
            await person.subscribe("09:30")
        assert len(bot.app.job_queue.jobs(r"^reminder:")) == 1
        for person in people:
            await person.expect(REMINDER, timeout=6)
        await asyncio.sleep(0.5)
        for person in people:
            assert sum(REMINDER in m.text for m in bot.emulator.messages(person.user)) == 1
        # Each chat's next one is chained into tomorrow's batch.
        pending = await services_of(bot.app).reminders.scheduled()
        assert {due.chat_id for due in pending} == {p.user.id for p in people} | {987_654}
        assert {due.occurrence.day for due in pending} == {dt.date(2026, 11, 26)}
        assert len(bot.app.job_queue.jobs(r"^reminder:")) == 1


async def test_a_store_from_the_old_version_is_upgraded_on_first_start(
    start_bot: BotFactory, settings: Settings, user: EmulatedUser
) -> None:
    """A user of the single-file version keeps their schedule and history after the upgrade,
    and their reminder still comes."""
    before = dt.datetime(2026, 11, 25, 9, 29, 57, tzinfo=BERLIN)
    person = Chat(
        chat_id=user.id,
        name="Alex",
        created_at=before - dt.timedelta(days=30),
        schedule=Schedule(timezone="Europe/Berlin", times=(dt.time(9, 30), dt.time(17, 45))),
    )
    history = [session_record(user.id, days_ago) for days_ago in (1, 2)]
    write_legacy_store(settings.data_dir, [person], history, [])
    async with start_bot(now=before) as bot:
        shown = await bot.ask("/settings", "Settings")
        assert "Reminders: every day at 09:30 and 17:45" in shown.text
        stats = await bot.ask("/stats", "progress")
        assert "Ever 2" in stats.text
        await bot.expect(REMINDER, timeout=6)
    assert (settings.data_dir / "stretchbot.json.v1-backup").exists()
