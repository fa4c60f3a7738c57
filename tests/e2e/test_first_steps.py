"""What a new user hits (issue 11): commands without their argument, export captions, pause
limits, suggestions that would not work, and how routines are named."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.e2e.conftest import Bot, BotFactory

#: Thursday 26 November 2026, 10:00 UTC (the bot's default zone).
THURSDAY = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


def suggests_the_word_start(text: str) -> bool:
    """Whether a reply tells the user to type "start" (not the command /start)."""
    return re.search(r"(?<![/\w])start\b", text) is not None


async def test_export_captions_match_the_format(subscribed: Bot) -> None:
    """/export csv has a caption of its own, not the JSON file's "Everything I keep"."""
    json_file = await subscribed.ask("/export", "Everything I keep about this chat")
    assert json_file.document is not None
    csv_file = await subscribed.ask("/export csv", "")
    assert csv_file.document is not None
    assert str(csv_file.document.file_name).endswith(".csv")
    assert csv_file.text == (
        "Your sessions as a spreadsheet, one row per session — for you or your physio."
    )


@pytest.mark.parametrize("count", ["0", "366", "1000", "99999", "53 weeks"])
async def test_pause_out_of_range_is_one_message(subscribed: Bot, count: str) -> None:
    """Every count of days outside 1–365 gets the same reply, and nothing changes."""
    before = subscribed.db_snapshot()
    reply = await subscribed.ask(f"/pause {count}", "")
    assert reply.text == "Pause for 1 to 365 days: /pause 7, or until a date: /pause 2026-12-27."
    assert subscribed.db_snapshot() == before


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            "/time",
            "Your reminders: every day at 09:00 (UTC time). Next: tomorrow at 09:00.\n"
            "To change it: /time 07:30 — or several a day: /time 07:30 13:00 17:45.",
        ),
        (
            "/timezone",
            "Your time zone: UTC (it's 10:00 there now).\n"
            "To change it, send your city or zone: /timezone Berlin, /timezone America/New_York."
            "\nOr tap 📍 Share my location below: I only look up its time zone and keep no "
            "location.",
        ),
        (
            "/days",
            "Your reminders: every day at 09:00 (UTC time). Next: tomorrow at 09:00.\n"
            "To change the days: /days mon-fri, /days mon wed fri or /days every day.",
        ),
        (
            "/nudge",
            "If a reminder goes unanswered, I follow up once, 1 hour later.\n"
            "To change it: /nudge 30, /nudge 2h, /nudge off, or /nudge on (an hour).",
        ),
        (
            "/pain",
            "I ask how your back is, 0–10, before and after each session. /pain off stops that.",
        ),
        (
            "/pause",
            "Reminders aren't paused. /pause 7 pauses them for 7 days, "
            "/pause 2026-12-27 until that date.",
        ),
    ],
)
async def test_a_setting_without_its_argument_shows_it(
    start_bot: BotFactory, command: str, expected: str
) -> None:
    """A settings command alone shows the current value and how to change it; nothing changes."""
    async with start_bot(now=THURSDAY) as bot:
        await bot.ask("/start", "I help people")
        before = bot.db_snapshot()
        reply = await bot.ask(command, "")
        assert reply.text == expected
        assert bot.db_snapshot() == before


async def test_bare_nudge_pain_and_pause_show_what_was_changed(start_bot: BotFactory) -> None:
    """After /nudge off, /pain off and /pause 7, the bare commands show those values and keep
    them (/nudge alone used to turn follow-ups back on)."""
    async with start_bot(now=THURSDAY) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/nudge off", "no follow-ups")
        await bot.ask("/pain off", "won't ask")
        await bot.ask("/pause 7", "paused until")
        before = bot.db_snapshot()
        nudge = await bot.ask("/nudge", "")
        assert nudge.text.startswith("Follow-ups are off: only the reminder itself.")
        pain = await bot.ask("/pain", "")
        assert pain.text.startswith("I don't ask about pain.")
        pause = await bot.ask("/pause", "")
        assert "paused until Thu 3 Dec" in pause.text
        assert "/resume ends the pause now" in pause.text
        assert bot.db_snapshot() == before
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.schedule.nudge_minutes is None


async def test_start_during_a_session_does_not_offer_start(subscribed: Bot) -> None:
    """/start during a session says how to steer it, not "Reply start to stretch now"."""
    await subscribed.ask("start quick", "Quick desk stretch")
    reply = await subscribed.ask("/start", "already set up")
    assert not suggests_the_word_start(reply.text), reply.text
    assert "We're in a session right now: say pause, skip or stop." in reply.text
    await subscribed.ask("stop", "Session stopped")


async def test_stop_outside_a_session_points_to_the_command(subscribed: Bot) -> None:
    """ "stop" with no session running says that /stop turns reminders off."""
    reply = await subscribed.ask("stop", "There's no session running")
    assert reply.text == "There's no session running. To turn reminders off, send /stop."


async def test_nothing_suggests_start_after_forget(subscribed: Bot) -> None:
    """Forgetting a chat mid-session ends it without "Reply start", and what the user types
    next is answered with /start (the word "start" would not work: the chat is gone)."""
    bot = subscribed
    await bot.ask("start", "Flexibility and Strength")
    question = await bot.ask("/forget", "Delete it all?")
    bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
    await bot.emulator.wait_for_edit(bot.user, question.message_id, "I deleted everything")
    # A cue sent before the chat was forgotten may still be unread: wait for the answer itself.
    for text in ("hello", "stop", "start"):
        await bot.ask(text, "/start")
    after = bot.emulator.messages(bot.user)[question.message_id :]
    offending = [m.text for m in after if suggests_the_word_start(m.text)]
    assert offending == []


async def test_routine_list_names_commands_that_read_well(subscribed: Bot) -> None:
    """/routine lists titles with /go and /routine to pick them, not "start back"."""
    listing = await subscribed.ask("/routine", "Routines")
    assert "start back" not in listing.text
    assert "✓ your reminders offer this one; /go starts it now" in listing.text
    assert "/go quick starts it now; /routine quick makes it yours" in listing.text


@pytest.mark.parametrize(
    ("command", "how"),
    [("/go yoga", "/go quick"), ("start yoga", "/go quick"), ("/routine yoga", "/routine quick")],
)
async def test_unknown_routine_lists_the_routines_by_title(
    subscribed: Bot, command: str, how: str
) -> None:
    """An unknown routine name is answered with every routine's title and how to take it."""
    reply = await subscribed.ask(command, "I don't have a routine called “yoga”")
    assert "start back" not in reply.text
    assert f"• Quick desk stretch — {how}" in reply.text
    assert "• Flexibility and Strength for your back — " in reply.text


async def test_forget_takes_the_buttons_off_the_reminder(start_bot: BotFactory) -> None:
    """After /forget the last reminder loses its buttons: "Start now" would find nobody."""
    async with start_bot(now=dt.datetime(2026, 11, 26, 8, 59, 58, tzinfo=dt.UTC)) as bot:
        await bot.ask("/start", "I help people")
        reminder = await bot.expect("Time to look after your back")
        question = await bot.ask("/forget", "Delete it all?")
        bot.emulator.press_button(bot.user, question, text="Yes, delete everything")
        await bot.emulator.wait_for_edit(bot.user, question.message_id, "I deleted everything")
        assert bot.emulator.message(bot.user, reminder.message_id).buttons == []
