"""Small helpers shared by the handlers."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update

from bot import texts
from bot.context import BotContext
from bot.storage import Subscriber


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the chat the update came from."""
    message = update.effective_message
    if message is None:
        return None
    return await message.reply_text(text, reply_markup=markup)


async def known_subscriber(update: Update, context: BotContext) -> Subscriber | None:
    """The chat's stored settings; if it never used /start, say so and return None."""
    chat = update.effective_chat
    subscriber = context.services.storage.subscriber(chat.id) if chat else None
    if subscriber is None:
        await reply(update, texts.NOT_SET_UP)
    return subscriber
