"""A team in a group: an admin subscribes the group, anyone starts a session everyone follows,
only admins change settings."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.telegram.context import services_of
from tests.e2e.conftest import BotFactory


def team(emulator: BotAPIEmulator, admin: EmulatedUser) -> tuple[int, EmulatedUser]:
    member = emulator.add_user("Sam")
    return emulator.add_group("Back office", members=[admin, member], admins=[admin]), member


async def test_admin_subscribes_and_anyone_starts(start_bot: BotFactory) -> None:
    """The admin's /start subscribes the group; a member's "start" runs a session for all."""
    now = dt.datetime(2026, 11, 25, 9, 59, 58, tzinfo=ZoneInfo("UTC"))
    async with start_bot(now=now) as bot:
        emulator, admin = bot.emulator, bot.user
        group, member = team(emulator, admin)
        emulator.send_text(group, "/start", from_user=member)
        await emulator.wait_for_message(group, "Only the group's admins")
        assert bot.storage.chat(group) is None
        emulator.send_text(group, "/start@stretch_test_bot", from_user=admin)
        welcome = await emulator.wait_for_message(group, "Hi Back office!")
        assert "Anyone here can reply start" in welcome.text
        emulator.send_text(group, "/time 10:00", from_user=member)
        await emulator.wait_for_message(group, "Only the group's admins")
        emulator.send_text(group, "/time 10:00", from_user=admin)
        await emulator.wait_for_message(group, "Done")
        await emulator.wait_for_message(group, "Time to look after your back", timeout=5)
        emulator.send_text(group, "Start", from_user=member)
        await emulator.wait_for_message(group, "exercises,")
        assert await services_of(bot.app).sessions.running(group) is not None
        emulator.send_text(group, "stop", from_user=admin)
        await emulator.wait_for_message(group, "Session stopped")


async def test_group_chatter_is_left_alone(start_bot: BotFactory) -> None:
    """Ordinary messages, stickers and other bots' commands in a group get no reply."""
    async with start_bot() as bot:
        emulator, admin = bot.emulator, bot.user
        group, member = team(emulator, admin)
        emulator.send_text(group, "/start", from_user=admin)
        welcome = await emulator.wait_for_message(group, "Hi Back office!")
        emulator.send_text(group, "lunch at noon?", from_user=member)
        emulator.send_sticker(group, from_user=member)
        emulator.send_text(group, "/weather", from_user=member)
        emulator.send_text(group, "/help", from_user=member)
        help_reply = await emulator.wait_for_message(group, "Commands")
        assert emulator.messages(group) == [welcome, help_reply]  # nothing else was answered


async def test_group_settings_buttons_need_an_admin(start_bot: BotFactory) -> None:
    """A member pressing a settings button that changes something is told only admins can."""
    async with start_bot() as bot:
        emulator, admin = bot.emulator, bot.user
        group, member = team(emulator, admin)
        emulator.send_text(group, "/start", from_user=admin)
        await emulator.wait_for_message(group, "Hi Back office!")
        emulator.send_text(group, "/settings", from_user=member)
        settings = await emulator.wait_for_message(group, "Settings")
        emulator.press_button(group, settings, text="⏸ Pause", from_user=member)
        await emulator.wait_for_edit(group, settings.message_id, "for how long")
        emulator.press_button(group, settings, text="1 week", from_user=member)
        answer = await emulator.wait_for_request(
            "answerCallbackQuery", lambda request: bool(request.params.get("text"))
        )
        assert answer.params["text"] == "Only the group's admins can change its settings."
        subscriber = bot.storage.chat(group)
        assert subscriber is not None
        assert subscriber.schedule.pauses == ()
