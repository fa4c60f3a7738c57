"""/start, /stop and /help (the rules: :class:`bot.features.account.Account`)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group, permission, reply
from bot.telegram.render import account as account_text


async def start(update: Update, context: BotContext) -> None:
    """Subscribe with the default schedule, or turn reminders back on; harmless when repeated."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    group = is_group(update)
    name = (chat.title or "") if group else (user.first_name if user else "")
    note = await context.services.account.start(
        chat.id, name=name, group=group, allowed=permission(update, context)
    )
    await answer(update, note)


async def stop(update: Update, context: BotContext) -> None:
    """Turn reminders off, keeping the data; during a session, end the session first."""
    chat = update.effective_chat
    if chat is None:
        return
    note = await context.services.account.stop(chat.id, allowed=permission(update, context))
    await answer(update, note)


async def help_command(update: Update, _: BotContext) -> None:
    await reply(update, account_text.HELP)
