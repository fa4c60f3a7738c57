"""Everyday use through the emulator: snooze, skip today, follow-up nudges, weekdays, pauses,
routines, the settings keyboard and the live countdown."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import pytest

from bot.emulator import BotMessage
from tests.e2e.conftest import Bot, BotFactory

BERLIN = ZoneInfo("Europe/Berlin")
REMINDER = "Time to look after your back"
AGAIN = "Here's your reminder again"
#: With this scale a 15-minute snooze takes 0.45 s and the hour before a follow-up 1.8 s.
SCALE = 0.0005
SNOOZE = 15 * 60 * SCALE
NUDGE = 60 * 60 * SCALE


def berlin(
    hour: int, minute: int, second: int = 0, *, day: int = 25, month: int = 11
) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=BERLIN)


def reminder_jobs(bot: Bot) -> list[dt.datetime]:
    """When each reminder job will run, in the bot's (shifted) local time."""
    assert bot.app.job_queue is not None
    return sorted(
        (job.next_t + bot.clock.offset).astimezone(BERLIN)
        for job in bot.app.job_queue.jobs(r"^reminder:")
        if job.next_t is not None
    )


def count(bot: Bot, text: str) -> int:
    return sum(text in message.text for message in bot.emulator.messages(bot.user))


@pytest.fixture
async def at_0930(start_bot: BotFactory) -> AsyncIterator[Bot]:
    """Subscribed in Berlin with a 09:30 reminder that arrives two seconds after start."""
    async with start_bot(now=berlin(9, 29, 58), time_scale=SCALE) as bot:
        await bot.subscribe("09:30")
        yield bot


async def test_snooze_sends_the_reminder_again_once(at_0930: Bot) -> None:
    """A snooze sends the reminder again after the (scaled) delay, once; snoozing again works."""
    bot = at_0930
    reminder = await bot.expect(REMINDER)
    bot.emulator.press_button(bot.user, reminder, text="⏰ In 15 min")
    status = await bot.expect("I'll remind you again at")
    assert bot.emulator.message(bot.user, reminder.message_id).buttons == []
    again = await bot.expect(AGAIN, timeout=3)
    assert again.sent_at - status.sent_at == pytest.approx(SNOOZE, abs=0.3)
    assert again.button_texts[0] == "▶️ Start now"
    await bot.timers_gone("snooze")  # the snooze's timer fired once and nothing set another
    assert count(bot, AGAIN) == 1
    bot.emulator.press_button(bot.user, again, text="⏰ In 15 min")
    await bot.expect(AGAIN, timeout=3)
    assert count(bot, AGAIN) == 2


async def test_later_snoozes_fifteen_minutes(at_0930: Bot) -> None:
    """Replying "later" to a reminder is the same as "In 15 min"."""
    bot = at_0930
    await bot.expect(REMINDER)
    await bot.ask("Later!", "I'll remind you again at 09:30")
    await bot.expect(AGAIN, timeout=3)


async def test_old_snooze_buttons_have_expired(at_0930: Bot) -> None:
    """Snooze buttons work on the latest reminder only; an older one says it has expired."""
    bot = at_0930
    first = await bot.expect(REMINDER)
    await bot.ask("later", "I'll remind you")
    await bot.expect(AGAIN, timeout=3)
    bot.emulator.send_callback_query(bot.user, first.message_id, "snz:15")
    answer = await bot.emulator.wait_for_request("answerCallbackQuery")
    assert answer.params.get("text") == "This button has expired."


async def test_skip_today_silences_today_but_not_tomorrow(start_bot: BotFactory) -> None:
    """Skip today moves today's later slot to tomorrow; tomorrow's reminders still come."""
    async with start_bot(now=berlin(9, 29, 58)) as bot:
        await bot.subscribe("09:30 09:45")
        reminder = await bot.expect(REMINDER)
        bot.emulator.press_button(bot.user, reminder, text="🚫 Skip today")
        await bot.expect("No more reminders today. Next one tomorrow at 09:30")
        jobs = reminder_jobs(bot)
        assert [(t.day, t.hour, t.minute) for t in jobs] == [(26, 9, 30), (26, 9, 45)]
    # Restarted just before today's 09:45: still skipped (it is stored, not just a job)…
    async with start_bot(now=berlin(9, 44, 58)) as bot:
        # No timer is left for today's 09:45: the start-up scheduled tomorrow's instead.
        assert [(t.day, t.hour, t.minute) for t in reminder_jobs(bot)] == [
            (26, 9, 30),
            (26, 9, 45),
        ]
        await bot.settled()
        assert count(bot, REMINDER) == 1
    # …and tomorrow the reminder comes as usual.
    async with start_bot(now=berlin(9, 29, 58, day=26)) as bot:
        await bot.expect(REMINDER, timeout=5)
        assert count(bot, REMINDER) == 2


async def test_one_follow_up_when_nobody_reacts(at_0930: Bot) -> None:
    """An unanswered reminder gets exactly one follow-up, an (scaled) hour later."""
    bot = at_0930
    reminder = await bot.expect(REMINDER)
    nudge = await bot.expect("Still time for your stretch today?", timeout=6)
    assert nudge.sent_at - reminder.sent_at == pytest.approx(NUDGE, abs=0.3)
    await bot.timers_gone("nudge")  # its timer fired once and nothing set another
    assert count(bot, "Still time") == 1


async def test_no_follow_up_after_a_reaction(at_0930: Bot) -> None:
    """Starting (and stopping) a session counts as a reaction: no follow-up comes."""
    bot = at_0930
    await bot.expect(REMINDER)
    await bot.timers_fired("reminder")  # its follow-up is set
    await bot.ask("start", "exercises")
    await bot.ask("stop", "Session stopped")
    await bot.timers_gone("nudge")  # cancelled, or fired and sent nothing
    assert count(bot, "Still time") == 0


async def test_no_follow_up_when_todays_session_is_done(start_bot: BotFactory) -> None:
    """A session completed earlier today means the day's unanswered reminder gets no follow-up."""
    async with start_bot(now=berlin(9, 29, 56), time_scale=SCALE) as bot:
        await bot.subscribe("09:30")
        await bot.ask("start quick", "Quick desk stretch")
        await bot.expect("Well done", timeout=4)
        await bot.expect(REMINDER, timeout=5)  # reminders still come: several a day is fine
        await bot.timers_fired("reminder")  # its follow-up is set
        await bot.timers_gone("nudge")  # fired, and found today's session done
        assert count(bot, "Still time") == 0


async def test_nudge_off(at_0930: Bot) -> None:
    """/nudge off: a reminder nobody answers gets no follow-up."""
    bot = at_0930
    await bot.ask("/nudge off", "no follow-ups")
    await bot.expect(REMINDER)
    await bot.timers_fired("reminder")  # a follow-up would be set by now
    await bot.timers_gone("nudge")
    assert count(bot, "Still time") == 0


async def test_days_limit_reminders_to_weekdays(start_bot: BotFactory) -> None:
    """/days mon-fri on a Friday evening: the next reminder is Monday's."""
    async with start_bot(now=berlin(18, 0, day=27)) as bot:  # Friday 27 Nov 2026
        await bot.subscribe("09:00")
        reply = await bot.ask("/days mon-fri", "Your reminders: on weekdays at 09:00")
        assert "Next: Mon 30 Nov at 09:00" in reply.text
        assert [(t.day, t.hour) for t in reminder_jobs(bot)] == [(30, 9)]
        await bot.ask("/days mon wed fri", "on Mon, Wed and Fri")
        await bot.ask("/days every day", "every day")
        assert [(t.day, t.hour) for t in reminder_jobs(bot)] == [(28, 9)]
        await bot.ask("/days someday", "isn't a day I know")


async def test_pause_spans_a_dst_change(start_bot: BotFactory) -> None:
    """A pause over the October clock change resumes at 09:00 local on the right day."""
    async with start_bot(now=berlin(10, 0, day=20, month=10)) as bot:
        await bot.subscribe("09:00")
        reply = await bot.ask("/pause 2026-10-27", "paused until")
        assert "Tue 27 Oct" in reply.text
        (resume,) = reminder_jobs(bot)
        assert (resume.month, resume.day, resume.hour, resume.minute) == (10, 27, 9, 0)
        assert resume.utcoffset() == dt.timedelta(hours=1)  # winter time by then
        settings = await bot.ask("/settings", "Settings")
        assert "paused until Tue 27 Oct" in settings.text
        await bot.ask(
            "/resume",
            "Reminders are back on: every day at 09:00 (Europe/Berlin time). "
            "Next: tomorrow at 09:00.",
        )
        await bot.ask("/resume", "aren't paused")


async def test_pause_for_days_and_bad_pauses(start_bot: BotFactory) -> None:
    """/pause 7 pauses a week; a date in the past or gibberish is refused and changes nothing."""
    async with start_bot(now=berlin(10, 0)) as bot:
        await bot.subscribe("09:00")
        before = bot.db_snapshot()
        await bot.ask("/pause 2020-01-01", "isn't in the future")
        await bot.ask("/pause forever", "for how many days")
        assert bot.db_snapshot() == before
        await bot.ask("/pause 7", "Wed 2 Dec")
        assert [(t.month, t.day) for t in reminder_jobs(bot)] == [(12, 2)]


async def test_start_quick_runs_the_quick_routine_once(subscribed: Bot) -> None:
    """“start quick” runs the quick routine; the chat's own routine stays the default."""
    intro = await subscribed.ask("start quick", "Quick desk stretch")
    assert "4 exercises" not in intro.text
    await subscribed.ask("stop", "Session stopped")
    await subscribed.ask("start", "Flexibility and Strength for your back")
    await subscribed.ask("stop", "Session stopped")
    await subscribed.ask("start yoga", "I don't have a routine called “yoga”")


async def test_routine_command_sets_the_default(subscribed: Bot) -> None:
    """/routine lists the routines with buttons; picking one makes reminders offer it."""
    listing = await subscribed.ask("/routine", "Routines")
    assert "Quick desk stretch" in listing.text
    subscribed.emulator.press_button(subscribed.user, listing, text="Quick desk stretch")
    await subscribed.emulator.wait_for_edit(subscribed.user, listing.message_id, "Settings")
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert subscriber.coaching.routine_id == "quick"
    await subscribed.ask("start", "Quick desk stretch")


async def test_settings_keyboard_changes_time_days_and_pause(subscribed: Bot) -> None:
    """Every setting can be changed by tapping: time, days and pause."""
    bot = subscribed
    settings = await bot.ask("/settings", "Settings")
    assert settings.button_texts == [
        "🕘 Time",
        "📅 Days",
        "🧘 Routine",
        "⏸ Pause",
        "🌍 Time zone",
        "🔔 Sound on",
        "🌐 English",
    ]

    async def tap(label: str, expect: str) -> BotMessage:
        bot.emulator.press_button(bot.user, settings, text=label)
        await bot.emulator.wait_for_edit(bot.user, settings.message_id, expect)
        return bot.emulator.message(bot.user, settings.message_id)

    await tap("🕘 Time", "Pick the hour")
    await tap("07", "07:__")
    view = await tap("07:30", "Reminders: every day at 07:30")
    subscriber = bot.storage.chat(bot.user.id)
    assert subscriber is not None
    assert subscriber.schedule.times == (dt.time(7, 30),)
    await tap("📅 Days", "Tap a day")
    view = await tap("✅ Sat", "Tap a day")
    assert "▫️ Sat" in view.button_texts
    await tap("✅ Sun", "Tap a day")
    subscriber = bot.storage.chat(bot.user.id)
    assert subscriber is not None
    assert subscriber.schedule.days == frozenset(range(5))
    await tap("« Back", "Reminders: on weekdays at 07:30")
    await tap("⏸ Pause", "for how long")
    view = await tap("1 week", "paused until")
    assert "▶️ Resume reminders" in view.button_texts
    await tap("▶️ Resume reminders", "Next:")
    subscriber = bot.storage.chat(bot.user.id)
    assert subscriber is not None
    assert subscriber.schedule.paused_until(dt.datetime.now(dt.UTC).date()) is None


async def test_cannot_untick_the_last_day(subscribed: Bot) -> None:
    """The days keyboard refuses to leave no day at all."""
    bot = subscribed
    await bot.ask("/days mon", "Mon")
    settings = await bot.ask("/settings", "Settings")
    bot.emulator.press_button(bot.user, settings, text="📅 Days")
    await bot.emulator.wait_for_edit(bot.user, settings.message_id, "Tap a day")
    bot.emulator.press_button(bot.user, settings, text="✅ Mon")
    answer = await bot.emulator.wait_for_request(
        "answerCallbackQuery", lambda request: bool(request.params.get("text"))
    )
    assert "at least one day" in str(answer.params["text"])


@pytest.mark.parametrize(
    "data", ["set:at:2561", "set:use:yoga", "set:for:9", "snz:5", "go:yoga", "x"]
)
async def test_forged_buttons_have_expired(subscribed: Bot, data: str) -> None:
    """Callback data the bot would never send is answered "This button has expired"."""
    message = await subscribed.ask("/settings", "Settings")
    before = subscribed.db_snapshot()
    subscribed.emulator.send_callback_query(subscribed.user, message.message_id, data)
    answer = await subscribed.emulator.wait_for_request("answerCallbackQuery")
    assert answer.params.get("text") == "This button has expired."
    assert subscribed.db_snapshot() == before


async def test_command_menu_and_help_cover_every_command(bot: Bot) -> None:
    """setMyCommands registers every command, and /help mentions each of them."""
    commands = {command["command"] for command in bot.emulator.commands}
    assert commands == {
        "go", "settings", "stats", "time", "timezone", "days", "pause", "resume", "nudge",
        "routine", "stop", "start", "help", "pain", "sound", "export", "forget",
        "breaks", "workhours", "language",
    }  # fmt: skip
    await bot.ask("/start", "I help people")
    help_text = (await bot.ask("/help", "Commands")).text
    for command in commands:
        assert f"/{command}" in help_text


async def test_stats_show_counts_and_chart(subscribed: Bot) -> None:
    """/stats shows the counts, the streak and the chart."""
    empty = await subscribed.ask("/stats", "Nothing here yet")
    assert "start" in empty.text
    assert subscribed.storage.history(subscribed.user.id) == []


async def test_a_snooze_survives_a_restart(start_bot: BotFactory) -> None:
    """A snoozed reminder still comes, once, when the bot restarts before it is due."""
    scale = 0.003  # the snooze takes 2.7 s: time enough to stop and start again
    async with start_bot(now=berlin(9, 29, 58), time_scale=scale) as bot:
        await bot.subscribe("09:30")
        await bot.expect(REMINDER)
        await bot.ask("later", "I'll remind you again")
        offset = bot.clock.offset
    async with start_bot(now=dt.datetime.now(dt.UTC) + offset, time_scale=scale) as again:
        await again.expect(AGAIN, timeout=5)
        await again.timers_gone("snooze")
        assert count(again, AGAIN) == 1
