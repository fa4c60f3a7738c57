"""The emulator through python-telegram-bot's real ``Bot``: results parse, errors map right."""

from __future__ import annotations

import datetime as dtm

import pytest
from telegram import (
    Bot,
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageEntity,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter

from bot.emulator import BotAPIEmulator, EmulatedUser

KEYBOARD = InlineKeyboardMarkup(
    [
        [
            InlineKeyboardButton("Done", callback_data="done"),
            InlineKeyboardButton("Skip", callback_data="skip"),
        ]
    ]
)


async def test_get_me(bot: Bot, emulator: BotAPIEmulator) -> None:
    """getMe returns the emulated bot, so PTB's Bot initialises against it."""
    me = await bot.get_me()
    assert me.is_bot
    assert me.username == emulator.bot_user["username"]
    assert bot.username == me.username


async def test_send_message_with_keyboard_and_html(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A formatted message with buttons comes back as PTB's Message and is recorded."""
    message = await bot.send_message(
        user.id,
        "<b>Time to stretch</b> 🙆 <i>now</i>",
        parse_mode=ParseMode.HTML,
        reply_markup=KEYBOARD,
        disable_notification=True,
    )
    assert message.text == "Time to stretch 🙆 now"
    assert message.entities == (
        MessageEntity(MessageEntity.BOLD, 0, 15),
        MessageEntity(MessageEntity.ITALIC, 19, 3),
    )
    assert message.reply_markup == KEYBOARD
    assert message.from_user is not None
    assert message.from_user.is_bot
    recorded = emulator.messages(user)[0]
    assert recorded.disable_notification is True
    assert recorded.parse_mode == "HTML"
    assert recorded.button_texts == ["Done", "Skip"]


async def test_edit_message_text(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """Edits change the current text; leaving out reply_markup removes the keyboard."""
    sent = await bot.send_message(user.id, "Hold 30 s", reply_markup=KEYBOARD)
    edited = await bot.edit_message_text("Hold 20 s", chat_id=user.id, message_id=sent.message_id)
    assert isinstance(edited, type(sent))
    assert edited.text == "Hold 20 s"
    assert edited.edit_date is not None
    recorded = emulator.message(user, sent.message_id)
    assert recorded.text == "Hold 20 s"
    assert recorded.reply_markup is None
    assert [edit.text for edit in recorded.edits] == ["Hold 20 s"]
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Hold 20 s", chat_id=user.id, message_id=sent.message_id)


async def test_edit_reply_markup_and_delete(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """editMessageReplyMarkup swaps the keyboard; deleteMessage flags the message deleted."""
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    await bot.edit_message_reply_markup(user.id, sent.message_id, reply_markup=None)
    assert emulator.message(user, sent.message_id).buttons == []
    assert await bot.delete_message(user.id, sent.message_id) is True
    assert emulator.message(user, sent.message_id).deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(user.id, sent.message_id)


async def test_answer_callback_query(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A pressed button's query can be answered once, and the answer is recorded."""
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    query = emulator.press_button(user, sent, text="Skip")
    assert await bot.answer_callback_query(query["id"], text="Skipped", show_alert=True)
    answer = emulator.callback_answers[0]
    assert (answer.data, answer.text, answer.show_alert) == ("skip", "Skipped", True)
    assert answer.message_id == sent.message_id
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query["id"])


async def test_set_my_commands(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """Commands are stored per scope and language, and read back by getMyCommands."""
    await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("stop", "Pause")])
    await bot.set_my_commands(
        [BotCommand("start", "Начать")], scope=BotCommandScopeChat(user.id), language_code="ru"
    )
    assert [c.command for c in await bot.get_my_commands()] == ["start", "stop"]
    scoped = await bot.get_my_commands(scope=BotCommandScopeChat(user.id), language_code="ru")
    assert [c.description for c in scoped] == ["Начать"]
    assert emulator.commands == [
        {"command": "start", "description": "Start"},
        {"command": "stop", "description": "Pause"},
    ]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_descriptions_are_stored(bot: Bot, emulator: BotAPIEmulator) -> None:
    """setMyDescription / setMyShortDescription are kept per language."""
    await bot.set_my_description("Stretch breaks for desk workers")
    await bot.set_my_short_description("Back stretches", language_code="en")
    assert emulator.descriptions == {"": "Stretch breaks for desk workers"}
    assert emulator.short_descriptions == {"en": "Back stretches"}
    assert (await bot.get_my_description()).description == "Stretch breaks for desk workers"


async def test_get_updates_parses_user_actions(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Text, commands, button presses and stickers arrive as PTB Update objects."""
    sent = await bot.send_message(user.id, "Pick", reply_markup=KEYBOARD)
    emulator.send_text(user, "hello")
    emulator.send_text(user, "/start@stretch_test_bot now")
    emulator.press_button(user, sent.message_id, data="done")
    emulator.send_sticker(user, emoji="🔥")
    updates = await bot.get_updates(timeout=dtm.timedelta(seconds=1))
    assert all(isinstance(update, Update) for update in updates)
    text, command, press, sticker = updates
    assert text.message is not None
    assert text.message.text == "hello"
    assert text.effective_user is not None
    assert text.effective_user.id == user.id
    assert command.message is not None
    assert command.message.entities[0].type == MessageEntity.BOT_COMMAND
    assert command.message.parse_entities([MessageEntity.BOT_COMMAND]) == {
        command.message.entities[0]: "/start@stretch_test_bot"
    }
    assert press.callback_query is not None
    assert press.callback_query.data == "done"
    assert press.callback_query.message is not None
    assert press.callback_query.message.message_id == sent.message_id
    assert sticker.message is not None
    assert sticker.message.sticker is not None
    assert sticker.message.sticker.emoji == "🔥"
    assert [u.update_id for u in updates] == sorted(u.update_id for u in updates)


async def test_chat_queries(bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    """getChat, getChatMember(s), administrators and member count work for groups too."""
    assert (await bot.get_chat(user.id)).first_name == "Alex"
    assert (await bot.get_chat_member(user.id, user.id)).status == "member"
    admin = emulator.add_user("Kim")
    group = emulator.add_group("Office", members=[user], admins=[admin])
    assert (await bot.get_chat(group)).title == "Office"
    assert (await bot.get_chat_member(group, admin.id)).status == "creator"
    assert [m.user.id for m in await bot.get_chat_administrators(group)] == [admin.id]
    assert await bot.get_chat_member_count(group) == 3
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(12345)


async def test_errors_map_to_ptb_exceptions(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser, monkeypatch: pytest.MonkeyPatch
) -> None:
    """400, 403 and 429 become PTB's BadRequest, Forbidden and RetryAfter(retry_after)."""
    # Without it PTB 22 warns (an error under our filterwarnings) whenever it builds RetryAfter.
    monkeypatch.setenv("PTB_TIMEDELTA", "1")
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(user.id, "2 < 3", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)character '!' is reserved"):
        await bot.send_message(user.id, "Great job!", parse_mode=ParseMode.MARKDOWN_V2)
    emulator.block_bot(user)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(user.id, "hi")
    emulator.unblock_bot(user)
    emulator.set_flood_limit((1, 60.0))
    await bot.send_message(user.id, "one")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "two")
    assert caught.value.retry_after == dtm.timedelta(seconds=60)


async def test_wrong_token_is_invalid_token(emulator: BotAPIEmulator) -> None:
    """A bot with the wrong token fails to initialise with PTB's InvalidToken."""
    with pytest.raises(InvalidToken):
        async with Bot("42:not-the-emulators-token", base_url=emulator.base_url):
            pass


async def test_send_document_upload_and_resend(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """sendDocument takes a multipart upload (bytes kept) and a file_id of a sent document."""
    message = await bot.send_document(
        user.id, b'{"a": 1}', filename="export.json", caption="<b>Your</b> data", parse_mode="HTML"
    )
    assert message.document is not None
    assert message.document.file_name == "export.json"
    assert message.document.file_size == 8
    assert message.caption == "Your data"
    sent = emulator.messages(user)[0]
    assert sent.document is not None
    assert sent.document.data == b'{"a": 1}'
    again = await bot.send_document(user.id, message.document.file_id)
    assert again.document is not None
    assert again.document.file_id == message.document.file_id
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(user.id, "no-such-file-id")
