"""The reminder's snooze and skip buttons. Everything else about reminders is the feature's
(:class:`bot.features.reminders.Reminders`, on ``services.reminders``)."""

from __future__ import annotations

import datetime as dt

from telegram import Update
from telegram.ext import JobQueue

from bot.core.chat import Chat
from bot.telegram import callbacks, texts
from bot.telegram.context import BotContext, Services


async def snooze_button(update: Update, context: BotContext) -> None:
    """The reminder's "In 15 min", "In 1 h" and "Skip today" buttons."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    pressed = callbacks.parse_snooze(query.data)
    reminders = context.services.reminders
    status = await reminders.press(chat.id, pressed.reminder, pressed.minutes) if pressed else None
    if status is None:
        await query.answer(texts.BUTTON_EXPIRED)  # an older reminder's, or already answered
        return
    await query.answer()
    await reminders.close_reminder(chat.id, status)


# Entry points the account and session handlers still call: thin wrappers over the feature,
# to go once those handlers call ``services.reminders`` themselves.


def reschedule(_: JobQueue[BotContext], services: Services, subscriber: Chat) -> None:
    services.reminders.reschedule(subscriber)


async def mark_blocked(context: BotContext, chat_id: int) -> None:
    await context.services.reminders.mark_blocked(chat_id)


async def unblocked(context: BotContext, chat_id: int) -> Chat | None:
    return await context.services.reminders.unblocked(chat_id)


async def reacted(context: BotContext, chat_id: int) -> Chat | None:
    return await context.services.reminders.reacted(chat_id)


async def snooze_for(context: BotContext, chat_id: int, minutes: int) -> dt.datetime | None:
    return await context.services.reminders.snooze(chat_id, minutes)


async def undo_skip(context: BotContext, chat_id: int) -> bool:
    return await context.services.reminders.undo_skip(chat_id)


async def close_reminder(context: BotContext, chat_id: int) -> None:
    await context.services.reminders.close_reminder(chat_id)
