"""The bot was down at a reminder time: back within REMINDER_GRACE_MINUTES it sends that reminder
once; back later it skips it; and a restart never leaves a stray timer behind."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

from bot.features.countdown import countdown_timer
from bot.features.sessions import session_timer
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"
GRACE = dt.timedelta(minutes=5)


def berlin(hour: int, minute: int, second: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 25, hour, minute, second, tzinfo=BERLIN)


def reminders(bot: Bot) -> int:
    return sum(REMINDER in m.text for m in bot.emulator.messages(bot.user))


async def test_back_within_the_grace_window_sends_it_once(start_bot: BotFactory) -> None:
    """Down at 09:30, back at 09:34 (grace 5 min): sent at start-up; another restart adds none."""
    async with start_bot(now=berlin(9, 20), reminder_grace=GRACE) as bot:
        await bot.subscribe("09:30")
    async with start_bot(now=berlin(9, 34), reminder_grace=GRACE) as again:
        await again.expect(REMINDER, timeout=3)
    async with start_bot(now=berlin(9, 34, 30), reminder_grace=GRACE) as third:
        await asyncio.sleep(0.5)
        assert reminders(third) == 1


async def test_back_after_the_grace_window_skips_it(start_bot: BotFactory) -> None:
    """Down at 09:30, back at 09:36 (grace 5 min): no late reminder; tomorrow's is scheduled."""
    async with start_bot(now=berlin(9, 20), reminder_grace=GRACE) as bot:
        await bot.subscribe("09:30")
    async with start_bot(now=berlin(9, 36), reminder_grace=GRACE) as again:
        await asyncio.sleep(0.5)
        assert reminders(again) == 0
        assert again.app.job_queue is not None
        (job,) = again.app.job_queue.jobs(r"^reminder:")
        assert job.next_t is not None
        tomorrow = dt.datetime(2026, 11, 26, 9, 30, tzinfo=BERLIN)
        assert abs((job.next_t + again.clock.offset - tomorrow).total_seconds()) < 1


async def test_restart_mid_session_leaves_no_timer(start_bot: BotFactory) -> None:
    """A session cut by a restart is closed at start-up, with no session or countdown job left."""
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("start", "Go at your own pace")
    async with start_bot() as again:
        await again.expect("your session was cut short")
        names = {
            timer.name for timer in await services_of(again.app).timers.pending(again.user.id)
        }
        assert session_timer(again.user.id) not in names
        assert countdown_timer(again.user.id) not in names
        assert again.storage.active_sessions() == []


async def test_a_time_set_away_and_back_is_not_sent_twice_after_a_restart(
    start_bot: BotFactory,
) -> None:
    """09:30 sent, then /time 21:00 and /time 09:30 again, then a restart within the grace
    window: today's 09:30 is remembered as sent and not caught up a second time. (Found by
    the settings property test: /time used to forget when dropped slots were sent.)"""
    async with start_bot(now=berlin(9, 29, 59), reminder_grace=GRACE) as bot:
        await bot.subscribe("09:30")
        await bot.expect(REMINDER, timeout=3)
        await bot.ask("/time 21:00", "Done")
        await bot.ask("/time 09:30", "Done")
        offset = bot.clock.offset
    async with start_bot(now=dt.datetime.now(dt.UTC) + offset, reminder_grace=GRACE) as again:
        await again.ask("/help", "Commands")  # up, and start-up's catch-up is done
        assert reminders(again) == 1
