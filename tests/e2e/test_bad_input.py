"""Bad input: each gets a clear, friendly reply and changes nothing in the database."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Bot


@pytest.mark.parametrize(
    ("text", "reply"),
    [
        ("/frobnicate", "I don't know /frobnicate"),
        ("/time 25:61", "“25:61” isn't a time of day: hours go 0–23 and minutes 0–59"),
        ("/time", "Tell me the time after the command"),
        ("/time 07:30 soon", "“soon” isn't a time I understand"),
        ("/timezone Mars/Olympus", "I don't know the time zone “Mars/Olympus”"),
        ("/timezone", "Tell me your time zone after the command"),
        ("hello there", "I didn't catch that"),
        ("pause", "There's no session running"),
    ],
)
async def test_bad_input_gets_a_reply_and_changes_nothing(
    subscribed: Bot, text: str, reply: str
) -> None:
    """Unknown commands, impossible times, unknown zones: a clear reply, the data untouched."""
    before = subscribed.db_snapshot()
    answer = await subscribed.ask(text, reply)
    assert answer.text
    assert subscribed.db_snapshot() == before


async def test_unknown_zone_reply_has_an_example(subscribed: Bot) -> None:
    """The reply to an unknown zone shows a zone that would work."""
    answer = await subscribed.ask("/timezone Mars/Olympus", "I don't know the time zone")
    assert "Europe/Berlin" in answer.text


async def test_sticker_gets_a_reply_and_changes_nothing(subscribed: Bot) -> None:
    """A sticker (or any non-text message) is answered and changes nothing."""
    before = subscribed.db_snapshot()
    subscribed.emulator.send_sticker(subscribed.user)
    await subscribed.expect("I can only read text")
    assert subscribed.db_snapshot() == before


async def test_commands_before_start_ask_for_start(bot: Bot) -> None:
    """Someone who never sent /start is pointed to it, and nothing is stored."""
    await bot.ask("/time 07:30", "send /start")
    await bot.ask("start", "send /start")
    assert bot.storage.subscriber(bot.user.id) is None


async def test_forged_button_has_expired(subscribed: Bot) -> None:
    """A button press with data the bot never sent is answered "This button has expired"."""
    message = await subscribed.ask("/help", "Commands")
    before = subscribed.db_snapshot()
    subscribed.emulator.send_callback_query(subscribed.user, message.message_id, "go:../../etc")
    answer = await subscribed.emulator.wait_for_request("answerCallbackQuery")
    assert answer.params.get("text") == "This button has expired."
    assert subscribed.db_snapshot() == before
