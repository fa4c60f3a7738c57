"""The reminder's snooze and skip buttons. Everything else about reminders is the feature's
(:class:`bot.features.reminders.Reminders`, on ``services.reminders``)."""

from __future__ import annotations

from telegram import Update

from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.render import account as account_text


async def snooze_button(update: Update, context: BotContext) -> None:
    """The reminder's "In 15 min", "In 1 h" and "Skip today" buttons."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    pressed = callbacks.parse_snooze(query.data)
    reminders = context.services.reminders
    status = await reminders.press(chat.id, pressed.reminder, pressed.minutes) if pressed else None
    if status is None:
        # An older reminder's, or already answered.
        await query.answer(account_text.button_expired())
        return
    await query.answer()
    await reminders.close_reminder(chat.id, status)
