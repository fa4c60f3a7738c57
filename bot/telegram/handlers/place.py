"""A shared location and /timezone (the rules: :class:`bot.features.place.Place`).

A location's coordinates go from the update to the lookup and nowhere else: not to the store,
not to a log line. A live location is taken from its first message; its later positions
arrive as edited messages, which the bot does not ask Telegram for (``allowed_updates``).
"""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group, permission


async def set_timezone(update: Update, context: BotContext) -> None:
    """``/timezone Europe/Berlin``, ``/timezone München``; alone, the zone and (in a private
    chat) the button that shares a location."""
    if update.effective_chat is None:
        return
    note = await context.services.place.timezone(
        update.effective_chat.id,
        " ".join(context.args or []),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def location(update: Update, context: BotContext) -> None:
    """A location message (or the location button's): its zone becomes the chat's."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or message.location is None or chat is None:
        return
    note = await context.services.place.located(
        chat.id,
        message.location.latitude,
        message.location.longitude,
        group=is_group(update),
    )
    await answer(update, note)
