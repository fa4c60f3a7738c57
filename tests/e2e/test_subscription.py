"""Subscribing, unsubscribing and help, through the emulator."""

from __future__ import annotations

import datetime as dt

from bot.telegram.context import services_of
from tests.e2e.conftest import Bot


async def test_start_welcomes_with_disclaimer_and_default_schedule(bot: Bot) -> None:
    """/start subscribes at 09:00 UTC, shows the article's disclaimer and how to change both."""
    welcome = await bot.ask("/start", "I help people who sit all day")
    assert "consult your medical practitioner" in welcome.text
    assert "does not constitute medical advice" in welcome.text
    assert "every day at 09:00 (UTC time)" in welcome.text
    assert "/time 07:30" in welcome.text
    assert "/timezone Europe/Berlin" in welcome.text
    subscriber = bot.storage.chat(bot.user.id)
    assert subscriber is not None
    assert subscriber.schedule.subscribed
    assert subscriber.schedule.times == (dt.time(9, 0),)
    assert subscriber.schedule.timezone == "UTC"
    assert subscriber.name == "Alex"
    assert bot.app.job_queue is not None
    pending = await services_of(bot.app).reminders.scheduled()
    assert [(due.chat_id, due.slot) for due in pending] == [(bot.user.id, "09:00")]


async def test_start_again_is_harmless(subscribed: Bot) -> None:
    """A second /start changes nothing and says when the next reminder is."""
    before = subscribed.db_snapshot()
    reply = await subscribed.ask("/start", "already set up")
    assert "at 09:00" in reply.text
    assert subscribed.db_snapshot() == before


async def test_stop_and_start_again(subscribed: Bot) -> None:
    """/stop turns reminders off but keeps the data; /start turns them back on."""
    await subscribed.ask("/time 07:15", "Done")
    await subscribed.ask("/stop", "Reminders are off")
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert not subscriber.schedule.subscribed
    assert subscriber.schedule.times == (dt.time(7, 15),)
    assert subscribed.app.job_queue is not None
    assert not subscribed.app.job_queue.jobs()
    await subscribed.ask("/stop", "already off")
    reply = await subscribed.ask("/start", "Welcome back")
    assert "07:15" in reply.text
    pending = await services_of(subscribed.app).reminders.scheduled()
    assert [(due.chat_id, due.slot) for due in pending] == [(subscribed.user.id, "07:15")]


async def test_help_lists_commands_and_session_words(subscribed: Bot) -> None:
    """/help names every command and the words used during a session."""
    reply = await subscribed.ask("/help", "Commands")
    for word in ("/start", "/go", "/time", "/timezone", "/settings", "/stop", "/help"):
        assert word in reply.text
    for word in ("pause", "resume", "skip", "stop"):
        assert word in reply.text


async def test_command_menu_is_set_at_start_up(bot: Bot) -> None:
    """The bot registers its command menu with setMyCommands when it starts."""
    commands = {command["command"] for command in bot.emulator.commands}
    assert {"go", "settings", "time", "timezone", "stop", "start", "help"} <= commands
