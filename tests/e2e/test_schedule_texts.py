"""Every reply that describes the schedule knows the days, a pause and a skip (issue 11).

Before, several said "every day" whatever /days said, and a paused or skipped day moved the
next reminder without a word about why.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import Bot, BotFactory

#: Thursday 26 November 2026, 10:00 UTC (the bot's default zone).
THURSDAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"
#: A 15-minute snooze takes 0.45 s at this scale.
SCALE = 0.0005


async def test_time_reply_names_the_days(start_bot: BotFactory) -> None:
    """With reminders on Mon and Wed, /time says so, and names Monday as the next one."""
    async with start_bot(now=THURSDAY) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/days mon wed", "Done")
        reply = await bot.ask("/time 18:00", "Done")
        assert reply.text == (
            "Done ✅ Your reminders: on Mon and Wed at 18:00 (UTC time). "
            "Next: Mon 30 Nov at 18:00."
        )


async def test_welcome_back_names_the_days(start_bot: BotFactory) -> None:
    """/start after /stop, with days Tue–Sat, says Tue–Sat, not "every day"."""
    async with start_bot(now=THURSDAY) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/days tue-sat", "Done")
        await bot.ask("/stop", "Reminders are off")
        reply = await bot.ask("/start", "Welcome back")
        assert reply.text == (
            "Welcome back! Reminders are on again: on Tue–Sat at 09:00 (UTC time). "
            "Next: tomorrow at 09:00."
        )


@pytest.mark.parametrize(
    "command",
    [
        "/time 09:00",
        "/timezone UTC",
        "/days mon wed",
        "/pause 7",
        "/start",
        "/settings",
        "/resume",
    ],
)
async def test_schedule_replies_know_days_and_pause(start_bot: BotFactory, command: str) -> None:
    """Every reply describing a paused Mon/Wed schedule says both, and why the next is later."""
    async with start_bot(now=THURSDAY) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/days mon wed", "Done")
        await bot.ask("/pause 7", "paused until")
        reply = await bot.ask(command, "")
        if command == "/resume":
            assert "on Mon and Wed at 09:00 (UTC time). Next: Mon 30 Nov at 09:00." in reply.text
        else:
            assert (
                "on Mon and Wed at 09:00 (UTC time), paused until Thu 3 Dec (they come back by "
                "themselves that day). Next: Mon 7 Dec at 09:00." in reply.text
            )


async def test_completion_says_the_pause_holds_the_next_reminder(start_bot: BotFactory) -> None:
    """The "See you …" after a session during a pause says the next one comes after it."""
    async with start_bot(now=THURSDAY) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        await bot.ask("/pause 7", "paused until")
        await bot.ask("start quick", "Quick desk stretch")
        done = await bot.expect("Well done", timeout=10)
        assert "See you Thu 3 Dec at 09:00, after your pause." in done.text


@pytest.mark.parametrize(
    ("days", "phrase"),
    [
        ("every day", "every day at 09:00"),
        ("mon-fri", "on weekdays at 09:00"),
        ("weekends", "on weekends at 09:00"),
        ("mon wed fri", "on Mon, Wed and Fri at 09:00"),
        ("mon wed", "on Mon and Wed at 09:00"),
        ("tue-sat", "on Tue–Sat at 09:00"),
        ("fri-mon", "on Fri–Mon at 09:00"),
        ("mon", "on Mondays at 09:00"),
    ],
)
async def test_days_reply_reads_well(subscribed: Bot, days: str, phrase: str) -> None:
    """/days answers in English ("every day", not "on every day")."""
    reply = await subscribed.ask(f"/days {days}", "Done")
    assert reply.text.startswith(f"Done ✅ Your reminders: {phrase} (UTC time). Next: ")


async def test_several_times_read_as_a_list(subscribed: Bot) -> None:
    """Several reminder times are listed with "and"."""
    reply = await subscribed.ask("/time 07:30 13:00 17:45", "Done")
    assert "every day at 07:30, 13:00 and 17:45 (UTC time)" in reply.text


async def _skipped(bot: Bot) -> None:
    """Wait for the reminder and press its "Skip today"."""
    reminder = await bot.expect(REMINDER)
    bot.emulator.press_button(bot.user, reminder, text="🚫 Skip today")
    await bot.expect("No more reminders today")


async def test_later_after_skip_today_undoes_the_skip(start_bot: BotFactory) -> None:
    """ "later" after "Skip today" says the skip is undone, and today's reminders come again."""
    now = dt.datetime(2026, 11, 25, 9, 29, 58, tzinfo=BERLIN)
    async with start_bot(now=now, time_scale=SCALE) as bot:
        await bot.subscribe("09:30 21:00")
        await _skipped(bot)
        reply = await bot.ask("later", "OK")
        assert reply.text == "⏰ OK — skip undone; I'll remind you at 09:30."
        await bot.expect("Here's your reminder again", timeout=3)
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.schedule.skipped_day is None
        settings = await bot.ask("/settings", "Settings")
        assert "Next: today at 21:00." in settings.text


async def test_time_after_a_skip_says_today_is_skipped(start_bot: BotFactory) -> None:
    """/time for later today, after "Skip today", says the day is skipped."""
    now = dt.datetime(2026, 11, 25, 9, 4, 57, tzinfo=BERLIN)
    async with start_bot(now=now) as bot:
        await bot.subscribe("09:05")
        await _skipped(bot)
        reply = await bot.ask("/time 09:06", "Done")
        assert reply.text == (
            "Done ✅ Your reminders: every day at 09:06 (Europe/Berlin time). "
            "Today is skipped, so the next one is tomorrow at 09:06."
        )
