"""Reminders across Europe/Berlin's clock changes, through the real JobQueue: each fires exactly
once. A time in the missing spring hour (02:30 on 2026-03-29) is served at 03:30 CEST (the
instant 02:30 would be at the old offset); a time repeated in autumn fires on its first pass
(02:30 CEST) only."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core.chat import Chat, Schedule
from bot.emulator import EmulatedUser
from bot.storage.chatfiles import ChatFiles
from tests.e2e.conftest import BotFactory

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"
UTC = dt.UTC


def _seed(settings: Settings, chat_id: int, slot: dt.time) -> None:
    """A subscriber already in the database, as after any earlier run."""
    storage = ChatFiles.in_folder(settings.data_dir)
    storage.save(
        Chat(
            chat_id=chat_id,
            created_at=dt.datetime(2026, 1, 1, tzinfo=UTC),
            schedule=Schedule(timezone="Europe/Berlin", times=(slot,)),
        )
    )
    storage.close()


@pytest.mark.parametrize(
    ("slot", "due", "then"),
    [
        # Spring forward, 2026-03-29: 02:00 CET becomes 03:00 CEST.
        (
            "00:00",
            dt.datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
            dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
        ),
        (
            "02:30",
            dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
            dt.datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
        ),
        # The day after (APScheduler's cron trigger skips 00:00 here; these jobs do not).
        (
            "00:00",
            dt.datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
            dt.datetime(2026, 3, 30, 22, 0, tzinfo=UTC),
        ),
        (
            "02:30",
            dt.datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
            dt.datetime(2026, 3, 31, 0, 30, tzinfo=UTC),
        ),
        # Fall back, 2026-10-25: 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
        (
            "00:00",
            dt.datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
            dt.datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
        ),
        (
            "02:30",
            dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
            dt.datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
        ),
    ],
)
async def test_reminder_fires_once_across_clock_changes(
    start_bot: BotFactory,
    settings: Settings,
    user: EmulatedUser,
    slot: str,
    due: dt.datetime,
    then: dt.datetime,
) -> None:
    """The reminder comes once at the documented instant and the next one is chained right."""
    _seed(settings, user.id, dt.time.fromisoformat(slot))
    async with start_bot(now=due - dt.timedelta(seconds=1)) as bot:
        await bot.expect(REMINDER, timeout=4)
        await asyncio.sleep(0.3)
        assert sum(REMINDER in m.text for m in bot.emulator.messages(bot.user)) == 1
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.delivery.last_sent[slot] == due
        assert bot.app.job_queue is not None
        (job,) = bot.app.job_queue.jobs(r"^reminder:")
        assert job.next_t is not None
        assert abs((job.next_t + bot.clock.offset - then).total_seconds()) < 1
    if slot == "02:30" and due.month == 10:
        # The second 02:30 (CET, an hour later): a restart then must not send it again.
        async with start_bot(now=due + dt.timedelta(hours=1, seconds=-1)) as again:
            await asyncio.sleep(1.5)
            assert sum(REMINDER in m.text for m in again.emulator.messages(again.user)) == 1
