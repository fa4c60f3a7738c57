"""Reminders through the real JobQueue: on time, exactly once, late rather than lost, and
rebuilt from the database after a restart."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from zoneinfo import ZoneInfo

from bot.core.chat import SessionStatus
from bot.telegram.context import services_of
from tests.e2e.conftest import BotFactory

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"


def berlin(hour: int, minute: int, second: int, day: int = 25, month: int = 11) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=BERLIN)


async def test_settings_show_the_next_reminder_in_local_time(start_bot: BotFactory) -> None:
    """/settings shows times, zone and the next reminder in the user's local time."""
    async with start_bot(now=berlin(12, 0, 0)) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/timezone europe/berlin", "Time zone set to Europe/Berlin")
        await bot.ask("/time 7:30 13:00 5:45pm", "Done")
        settings = await bot.ask("/settings", "Settings")
        assert (
            "Reminders: every day at 07:30, 13:00 and 17:45 (Europe/Berlin time). "
            "Next: today at 13:00." in settings.text
        )
        assert "Time zone: Europe/Berlin (it's 12:00 there)" in settings.text


async def test_reminder_fires_once_and_chains_to_tomorrow(start_bot: BotFactory) -> None:
    """A reminder arrives at its time, once, and the slot's next job is tomorrow's."""
    async with start_bot(now=berlin(9, 29, 58)) as bot:
        reply = await bot.subscribe("09:30")
        assert "Next: today at 09:30" in reply.text
        await bot.expect(REMINDER, timeout=5)
        await bot.settled()  # its handler is done; anything else due would have run too
        assert [m for m in bot.emulator.messages(bot.user) if REMINDER in m.text][1:] == []
        assert bot.app.job_queue is not None
        (job,) = bot.app.job_queue.jobs(r"^reminder:")
        assert job.next_t is not None
        # Tomorrow 09:30 Berlin, in real time (the bot's clock is shifted).
        expected = berlin(9, 30, 0, day=26) - bot.clock.offset
        assert abs((job.next_t - expected).total_seconds()) < 1
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.delivery.last_sent["09:30"] == berlin(9, 30, 0).astimezone(dt.UTC)


async def test_busy_loop_delays_a_reminder_rather_than_losing_it(start_bot: BotFactory) -> None:
    """With the event loop blocked for 3 s across the due time, the reminder still comes."""
    async with start_bot(now=berlin(9, 29, 58)) as bot:
        reply = await bot.subscribe("09:30")
        assert "Next: today at 09:30" in reply.text
        # Block the loop from a second before the reminder is due (from its timer, not a
        # guessed sleep: a slow subscribe must not put the block after the due time).
        (timer,) = bot.timers("reminder")
        await asyncio.sleep(max(0.0, bot.clock.seconds_until(timer.due) - 1))
        started = time.monotonic()
        time.sleep(3)  # noqa: ASYNC251 - blocking the loop on purpose: a busy bot
        reminder = await bot.expect(REMINDER, timeout=5)
        assert reminder.sent_at - started >= 3
        await bot.settled()
        assert sum(REMINDER in m.text for m in bot.emulator.messages(bot.user)) == 1


async def test_restart_rebuilds_reminders_from_the_database(start_bot: BotFactory) -> None:
    """Stopped before its reminder, a new bot on the same data sends it, exactly once."""
    async with start_bot(now=berlin(9, 29, 56)) as bot:
        reply = await bot.subscribe("09:30")
        assert "Next: today at 09:30" in reply.text
        offset = bot.clock.offset
    # The first bot is gone; the JobQueue forgot everything. Start another on the same file.
    async with start_bot(now=dt.datetime.now(dt.UTC) + offset) as again:
        await again.expect(REMINDER, timeout=6)
        await again.settled()
        assert sum(REMINDER in m.text for m in again.emulator.messages(again.user)) == 1
        restart_offset = again.clock.offset
    # Restarting right after it was sent must not send it again (no catch-up resend).
    async with start_bot(now=dt.datetime.now(dt.UTC) + restart_offset) as third:
        # A catch-up would be a timer due now; the start-up scheduled tomorrow's instead.
        await third.settled()
        assert [timer.due for timer in third.timers("reminder")] == [berlin(9, 30, 0, day=26)]
        assert sum(REMINDER in m.text for m in third.emulator.messages(third.user)) == 1


async def test_reminder_missed_while_down_is_caught_up(start_bot: BotFactory) -> None:
    """A reminder due while the bot was down (a few minutes ago) is sent at start-up, once."""
    async with start_bot(now=berlin(9, 20, 0)) as bot:
        reply = await bot.subscribe("09:30")
        assert "Next: today at 09:30" in reply.text
    async with start_bot(now=berlin(9, 35, 0)) as again:
        await again.expect(REMINDER, timeout=3)
    async with start_bot(now=berlin(9, 36, 0)) as third:
        await third.settled()
        assert [timer.due for timer in third.timers("reminder")] == [berlin(9, 30, 0, day=26)]
        assert sum(REMINDER in m.text for m in third.emulator.messages(third.user)) == 1


async def test_interrupted_session_is_closed_and_start_works(start_bot: BotFactory) -> None:
    """A session cut by a restart is recorded as interrupted, and "start" works afterwards."""
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("start", "exercises")
        await bot.expect("Iliopsoas")
    async with start_bot() as again:
        await again.expect("your session was cut short")
        (record,) = again.storage.history(again.user.id)
        assert record.status is SessionStatus.INTERRUPTED
        assert again.storage.active_sessions() == []
        assert await services_of(again.app).sessions.running(again.user.id) is None
        await again.ask("start", "exercises")
        assert await services_of(again.app).sessions.running(again.user.id) is not None


async def test_no_reminder_during_a_session(start_bot: BotFactory) -> None:
    """A reminder that comes due mid-session is not sent (and not sent later either)."""
    async with start_bot(now=berlin(9, 29, 58)) as bot:
        reply = await bot.subscribe("09:30")
        assert "Next: today at 09:30" in reply.text
        await bot.ask("start", "exercises")
        await bot.timers_fired("reminder")  # it came due mid-session and was handled
        assert [t.due for t in bot.timers("reminder")] == [berlin(9, 30, 0, day=26)]
        assert not any(REMINDER in m.text for m in bot.emulator.messages(bot.user))
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert "09:30" in subscriber.delivery.last_sent
