"""Telegram failing under the bot (5xx, resets, timeouts, 429, 403): reminders still arrive
exactly once after the fault clears, nothing escapes to the user, and the bot keeps running."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from bot.core.chat import SessionStatus
from bot.emulator import FaultKind
from bot.emulator.server import CLIENT_CLOSED
from bot.features.countdown import countdown_timer
from bot.features.sessions import session_timer
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory
from tests.waiting import eventually

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"


def berlin(hour: int, minute: int, second: int) -> dt.datetime:
    return dt.datetime(2026, 11, 25, hour, minute, second, tzinfo=BERLIN)


def reminders_sent(bot: Bot) -> int:
    return sum(REMINDER in m.text for m in bot.emulator.messages(bot.user))


async def reminder_jobs(bot: Bot) -> list[str]:
    """The chat's scheduled reminders ("HH:MM YYYY-MM-DD"), then its retry timers by name."""
    services = services_of(bot.app)
    pending = await services.reminders.scheduled(bot.user.id)
    timers = await services.timers.pending(bot.user.id)
    retries = [timer.name for timer in timers if timer.name.endswith(":retry")]
    return [f"{due.slot} {due.occurrence.day}" for due in pending] + retries


async def still_answers(bot: Bot) -> None:
    """The application is alive and nobody was told "something went wrong"."""
    await bot.ask("/help", "Commands")
    assert not any("went wrong" in m.text for m in bot.emulator.messages(bot.user))


@pytest.mark.parametrize("kind", ["500", "502", "reset"])
async def test_reminder_survives_server_errors(start_bot: BotFactory, kind: FaultKind) -> None:
    """Two failed sends (5xx or a dropped connection) are retried: the reminder comes once."""
    async with start_bot(now=berlin(9, 29, 59)) as bot:
        await bot.subscribe("09:30")
        fault = bot.emulator.faults.add(kind, method="sendMessage", chat_id=bot.user.id, times=2)
        await bot.expect(REMINDER, timeout=5)
        await bot.settled()  # the successful retry's handler is done: no further retry
        assert await reminder_jobs(bot) == ["09:30 2026-11-26"]
        assert fault.hits == 2
        assert reminders_sent(bot) == 1
        assert services_of(bot.app).failures["retried"] == 2
        await still_answers(bot)


async def test_reminder_honours_retry_after(start_bot: BotFactory) -> None:
    """A 429 is waited out for its retry_after, then the reminder is sent, once."""
    async with start_bot(now=berlin(9, 29, 59)) as bot:
        await bot.subscribe("09:30")
        bot.emulator.faults.add("429", method="sendMessage", chat_id=bot.user.id, retry_after=1)
        refused = await bot.emulator.wait_for_request("sendMessage", lambda r: r.status == 429)
        reminder = await bot.expect(REMINDER, timeout=5)
        assert reminder.sent_at - refused.at >= 1.0
        await bot.settled()
        assert await reminder_jobs(bot) == ["09:30 2026-11-26"]
        assert reminders_sent(bot) == 1
        await still_answers(bot)


async def test_reminder_after_a_timeout(start_bot: BotFactory) -> None:
    """A send that times out (Telegram never answered) is retried once the client gives up."""
    async with start_bot(now=berlin(9, 29, 59)) as bot:
        await bot.subscribe("09:30")
        bot.emulator.faults.add("timeout", method="sendMessage", chat_id=bot.user.id, hold=8)
        await bot.emulator.wait_for_request(
            "sendMessage", lambda r: r.status == CLIENT_CLOSED, timeout=10
        )
        await bot.expect(REMINDER, timeout=5)
        await bot.settled()
        assert await reminder_jobs(bot) == ["09:30 2026-11-26"]
        assert reminders_sent(bot) == 1


async def test_retries_stop_at_the_grace_window(start_bot: BotFactory) -> None:
    """A fault that outlasts the grace window costs that one reminder, never a late pile-up."""
    grace = dt.timedelta(seconds=1)
    async with start_bot(now=berlin(9, 29, 59), reminder_grace=grace) as bot:
        await bot.subscribe("09:30")
        bot.emulator.faults.add("502", method="sendMessage", chat_id=bot.user.id, times=None)
        failures = services_of(bot.app).failures
        # Back-off 0.1, 0.2, 0.4 s; the next (0.8 s) would end past the 1 s window.
        await eventually(lambda: failures["gave up"], what="giving up")
        await bot.settled()
        bot.emulator.faults.clear()
        assert failures["gave up"] == 1
        assert reminders_sent(bot) == 0
        assert await reminder_jobs(bot) == ["09:30 2026-11-26"]  # tomorrow's, and no retry
        await still_answers(bot)


async def test_restart_during_back_off_sends_it_once(start_bot: BotFactory) -> None:
    """A bot stopped while retrying has released its claim: the restart catches it up, once."""
    async with start_bot(now=berlin(9, 29, 59)) as bot:
        await bot.subscribe("09:30")
        bot.emulator.faults.add("500", method="sendMessage", chat_id=bot.user.id, times=None)
        await bot.emulator.wait_for_request("sendMessage", lambda r: r.status == 500)
        offset = bot.clock.offset
    bot.emulator.faults.clear()
    async with start_bot(now=dt.datetime.now(dt.UTC) + offset) as again:
        await again.expect(REMINDER, timeout=5)
        await again.settled()
        assert await reminder_jobs(again) == ["09:30 2026-11-26"]
        assert reminders_sent(again) == 1


async def test_blocked_bot_turns_reminders_off_until_the_user_writes(
    start_bot: BotFactory,
) -> None:
    """A 403 on a reminder: marked blocked, jobs gone, no retry; writing again turns them on."""
    async with start_bot(now=berlin(9, 29, 59)) as bot:
        await bot.subscribe("09:30")
        bot.emulator.block_bot(bot.user)
        await bot.emulator.wait_for_request("sendMessage", lambda r: r.status == 403)
        await bot.settled()  # the reminder's handler has dealt with the 403
        assert len([r for r in bot.emulator.requests_for("sendMessage") if r.status == 403]) == 1
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert not subscriber.schedule.subscribed
        assert subscriber.delivery.blocked_at is not None
        assert await reminder_jobs(bot) == []
        bot.emulator.unblock_bot(bot.user)
        await bot.ask("hello", "Welcome back")
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.schedule.subscribed
        assert subscriber.delivery.blocked_at is None
        assert await reminder_jobs(bot) == ["09:30 2026-11-26"]


async def test_stop_is_not_undone_by_writing(subscribed: Bot) -> None:
    """Only a block is lifted by writing again; a deliberate /stop stays stopped."""
    await subscribed.ask("/stop", "Reminders are off")
    await subscribed.ask("hello")
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert not subscriber.schedule.subscribed


async def test_session_in_a_chat_that_blocks_ends_cleanly(subscribed: Bot) -> None:
    """A 403 mid-session ends it (recorded as stopped) with no timer left behind."""
    await subscribed.ask("start", "exercises")
    subscribed.emulator.block_bot(subscribed.user)
    await subscribed.emulator.wait_for_request("sendMessage", lambda r: r.status == 403)
    await subscribed.settled()  # the cue's handler has dealt with the 403
    assert await services_of(subscribed.app).sessions.running(subscribed.user.id) is None
    (record,) = subscribed.storage.history(subscribed.user.id)
    assert record.status is SessionStatus.STOPPED
    assert subscribed.storage.active_sessions() == []
    timers = await services_of(subscribed.app).timers.pending(subscribed.user.id)
    names = [timer.name for timer in timers]
    assert session_timer(subscribed.user.id) not in names
    assert countdown_timer(subscribed.user.id) not in names


async def test_two_starts_at_once_start_one_session(subscribed: Bot) -> None:
    """Two "start"s arriving together start one session, not two running side by side."""
    subscribed.say("start")
    subscribed.say("start")
    await subscribed.expect("Go at your own pace")
    await subscribed.ask("/help", "Commands")  # updates go one at a time: both are handled
    messages = subscribed.emulator.messages(subscribed.user)
    starts = [m for m in messages if "Go at your own pace" in m.text]
    assert len(starts) == 1
    assert await services_of(subscribed.app).sessions.running(subscribed.user.id) is not None


async def test_unexpected_error_is_logged_once_with_context(
    subscribed: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler failing unexpectedly is logged once (update and chat, no token), the user is
    told, and the bot carries on."""
    bot = subscribed
    bot.emulator.faults.add("400", method="sendMessage", chat_id=bot.user.id)
    with caplog.at_level(logging.ERROR, logger="bot.telegram.handlers.errors"):
        await bot.ask("/help", "something went wrong")
    errors = [r for r in caplog.records if r.name == "bot.telegram.handlers.errors"]
    assert len(errors) == 1
    assert f"in chat {bot.user.id}" in errors[0].getMessage()
    assert errors[0].exc_info is not None
    assert bot.emulator.token.partition(":")[2] not in caplog.text
    await bot.ask("/help", "Commands")


async def test_snoozed_reminder_and_follow_up_survive_server_errors(
    start_bot: BotFactory,
) -> None:
    """A follow-up and a snoozed reminder are retried after failures too, and each comes once."""
    scale = 0.002  # the 5-minute follow-up takes 0.6 s, the 15-minute snooze 1.8 s
    async with start_bot(now=berlin(9, 29, 58), time_scale=scale) as bot:
        await bot.subscribe("09:30")
        await bot.ask("/nudge 5", "follow up once")
        await bot.expect(REMINDER)
        faults = bot.emulator.faults
        follow_up = faults.add("reset", method="sendMessage", chat_id=bot.user.id, times=2)
        await bot.expect("Still time for your stretch", timeout=5)
        await bot.ask("later", "I'll remind you again")
        snooze = faults.add("502", method="sendMessage", chat_id=bot.user.id, times=2)
        await bot.expect("Here's your reminder again", timeout=5)
        await bot.timers_gone("snooze")  # sent, and no retry of it is left
        assert bot.timers("nudge") == []
        assert (follow_up.hits, snooze.hits) == (2, 2)
        texts = [m.text for m in bot.emulator.messages(bot.user)]
        assert sum("reminder again" in text for text in texts) == 1
        assert sum("Still time" in text for text in texts) == 1


async def test_stop_during_back_off_cancels_the_retry(start_bot: BotFactory) -> None:
    """/stop while a failed reminder waits for its retry removes the retry too: nothing comes."""
    # The first retry comes 5 s × 0.1 = 0.5 s after the 500: /stop gets in first even on a
    # loaded machine (at 0.02 it was 0.1 s away, a race).
    async with start_bot(now=berlin(9, 29, 59), time_scale=0.1) as bot:
        await bot.subscribe("09:30")
        bot.emulator.faults.add("500", method="sendMessage", chat_id=bot.user.id, times=None)
        await bot.emulator.wait_for_request("sendMessage", lambda r: r.status == 500)
        # The handler sets the retry once it has the 500: wait for that, not a guessed 20 ms.
        retry = await eventually(
            lambda: [t for t in bot.timers() if t.name.endswith(":retry")], what="the retry"
        )
        bot.emulator.faults.clear()
        await bot.ask("/stop", "Reminders are off")
        assert await reminder_jobs(bot) == []
        assert bot.app.job_queue is not None
        assert bot.app.job_queue.jobs() == ()  # nothing left in the scheduler to fire
        # Past the instant the retry was due: had it survived /stop, it would have run now.
        await asyncio.sleep(bot.clock.seconds_until(retry[0].due))
        await bot.settled()
        assert reminders_sent(bot) == 0
