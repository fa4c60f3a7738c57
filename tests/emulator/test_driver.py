"""The driver side: playing users, observing the bot, waiting, and the event stream."""

from __future__ import annotations

import asyncio
import re
import time

import pytest
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

from bot.emulator import (
    BotAPIEmulator,
    ButtonNotFound,
    CallbackAnswered,
    ChatActionSent,
    EmulatedUser,
    EmulatorUsageError,
    MessageDeleted,
    MessageEdited,
    MessageSent,
    WaitTimeout,
)

KEYBOARD = InlineKeyboardMarkup(
    [
        [InlineKeyboardButton("Done", callback_data="done")],
        [InlineKeyboardButton("Help", url="https://example.org/help")],
    ]
)


async def test_waits_consume_messages_in_order(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A wait consumes the match and everything before it, so waits check order."""
    for text in ("one", "two", "three"):
        await bot.send_message(user.id, text)
    assert (await emulator.wait_for_message(user, "two")).text == "two"
    assert (await emulator.wait_for_message(user)).text == "three"
    with pytest.raises(WaitTimeout) as caught:
        await emulator.wait_for_message(user, "one", timeout=0.05)
    report = str(caught.value)
    assert "no bot message matching 'one'" in report
    assert "#1 'one'" in report
    assert "#3 'three'" in report


async def test_wait_matches_regex_and_predicate(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """``match`` may be a compiled pattern or a predicate on the BotMessage."""
    await bot.send_message(user.id, "Hold for 30 seconds", reply_markup=KEYBOARD)
    await bot.send_message(user.id, "Next")
    found = await emulator.wait_for_message(user, re.compile(r"Hold for \d+"))
    assert found.button_texts == ["Done", "Help"]
    assert (await emulator.wait_for_message(user, lambda m: not m.buttons)).text == "Next"


async def test_wait_returns_as_soon_as_the_bot_sends(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A pending wait wakes on the message, and sent_at is when the request was handled."""

    async def send_later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(user.id, "late")

    task = asyncio.create_task(send_later())
    before = time.monotonic()
    message = await emulator.wait_for_message(user, "late", timeout=2)
    after = time.monotonic()
    await task
    assert before + 0.09 < message.sent_at <= after
    assert after - before < 1


async def test_timeout_report_lists_failed_calls(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """When the bot's send was rejected, the wait failure says why."""
    with pytest.raises(Exception, match=r"(?i)can't parse entities"):
        await bot.send_message(user.id, "a < b", parse_mode="HTML")
    with pytest.raises(WaitTimeout, match=r"sendMessage -> 400 Bad Request: can't parse"):
        await emulator.wait_for_message(user, timeout=0.05)


async def test_press_button_only_presses_visible_buttons(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Missing, URL-only, edited-away and deleted buttons can't be pressed."""
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    with pytest.raises(ButtonNotFound, match=r"it shows \[Done\]\(done\) \[Help\]"):
        emulator.press_button(user, sent, text="Skip")
    with pytest.raises(ButtonNotFound, match="not a callback button"):
        emulator.press_button(user, sent, text="Help")
    query = emulator.press_button(user, sent.message_id, text="Done", data="done")
    assert query["data"] == "done"
    await bot.edit_message_text("Picked", chat_id=user.id, message_id=sent.message_id)
    with pytest.raises(ButtonNotFound, match="no inline keyboard"):
        emulator.press_button(user, sent, data="done")
    await bot.delete_message(user.id, sent.message_id)
    with pytest.raises(ButtonNotFound, match="was deleted"):
        emulator.press_button(user, sent, data="done")


async def test_forged_callback_query(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """send_callback_query delivers arbitrary data, e.g. from a keyboard long gone."""
    sent = await bot.send_message(user.id, "Pick")
    emulator.send_callback_query(user, sent.message_id, "stale:42")
    (update,) = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "stale:42"


async def test_callback_query_without_a_message(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """message_id=None sends a button press with no message, as for a very old message; it
    can still be answered once."""
    emulator.send_callback_query(user, None, "stale:42")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.message is None
    assert query.data == "stale:42"
    assert update.effective_chat is None
    await bot.answer_callback_query(query.id, text="This button has expired.")
    (answer,) = emulator.callback_answers
    assert answer.message_id is None
    assert answer.text == "This button has expired."


async def test_event_stream(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """Subscribers see sends, edits, deletions, callback answers and chat actions in order."""
    events = emulator.subscribe()
    await bot.send_chat_action(user.id, "typing")
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    query = emulator.press_button(user, sent, data="done")
    await bot.answer_callback_query(query["id"], text="ok")
    await bot.edit_message_text("Picked", chat_id=user.id, message_id=sent.message_id)
    await bot.delete_message(user.id, sent.message_id)
    kinds = [type(events.get_nowait()) for _ in range(events.qsize())]
    assert kinds == [ChatActionSent, MessageSent, CallbackAnswered, MessageEdited, MessageDeleted]
    emulator.unsubscribe(events)
    await bot.send_message(user.id, "unseen")
    assert events.empty()


async def test_edit_log_and_drain(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """Edits are timestamped per chat; drain returns and consumes unread messages."""
    sent = await bot.send_message(user.id, "30")
    for seconds in ("20", "10"):
        await bot.edit_message_text(seconds, chat_id=user.id, message_id=sent.message_id)
    assert emulator.edit_count(user) == 2
    first, second = emulator.edit_times(user)
    assert first <= second
    assert (await emulator.wait_for_edit(user, sent.message_id, "10")).text == "10"
    assert [m.text for m in emulator.drain(user)] == ["10"]
    assert emulator.drain(user) == []


async def test_request_log(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """Every call is logged with typed params, so tests can check flags like silence."""
    await bot.send_message(user.id, "quiet", disable_notification=True)
    request = await emulator.wait_for_request("sendmessage")
    assert request.params["disable_notification"] is True
    assert request.status == 200
    assert emulator.requests_for("sendMessage") == [request]


async def test_user_message_shapes(emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """Commands get bot_command entities; groups need a member as sender; blocked can't write."""
    group = emulator.add_group("Office", members=[user])
    message = emulator.send_text(group, "/stretch@stretch_test_bot", from_user=user)
    assert message["entities"] == [{"type": "bot_command", "offset": 0, "length": 25}]
    assert message["chat"]["type"] == "supergroup"
    assert "entities" not in emulator.send_text(user, "no / command here")
    with pytest.raises(EmulatorUsageError, match="from_user"):
        emulator.send_text(group, "hi")
    stranger = emulator.add_user("Sam")
    with pytest.raises(EmulatorUsageError, match="not in chat"):
        emulator.send_text(group, "hi", from_user=stranger)
    emulator.block_bot(user)
    with pytest.raises(EmulatorUsageError, match="unblock_bot"):
        emulator.send_text(user, "hi")
    location = emulator.send_location(stranger, 52.5, 13.4)
    assert location["location"] == {"latitude": 52.5, "longitude": 13.4}


async def test_reply_keyboard_is_shown_checked_and_removed(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A reply keyboard stays under the chat's input field until one with remove_keyboard;
    its location button sends a location, and is refused outside private chats."""
    with pytest.raises(ButtonNotFound):
        emulator.tap_location_button(user, 1.0, 2.0)
    share = ReplyKeyboardMarkup([[KeyboardButton("Where", request_location=True), "Other"]])
    await bot.send_message(user.id, "share?", reply_markup=share)
    assert emulator.reply_keyboard(user) == [
        [{"text": "Where", "request_location": True}, {"text": "Other"}]
    ]
    sent = emulator.tap_location_button(user, 1.0, 2.0)
    assert sent["location"] == {"latitude": 1.0, "longitude": 2.0}
    await bot.send_message(user.id, "thanks", reply_markup=ReplyKeyboardRemove())
    assert emulator.reply_keyboard(user) is None
    group = emulator.add_group("Team", members=[user], admins=[user])
    with pytest.raises(BadRequest, match="private chats only"):
        await bot.send_message(group, "share?", reply_markup=share)
    both = ReplyKeyboardMarkup(
        [[KeyboardButton("x", request_location=True, request_contact=True)]]
    )
    with pytest.raises(BadRequest, match="only one of"):
        await bot.send_message(user.id, "both?", reply_markup=both)
    live = emulator.send_location(user, 1.0, 2.0, live_period=60)
    assert live["location"]["live_period"] == 60
