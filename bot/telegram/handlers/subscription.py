"""/start, /stop and /help (the rules: :class:`bot.features.account.Account`)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group, permission, reply
from bot.telegram.render import i18n
from bot.telegram.render import language as language_text
from bot.telegram.render.help import help_text


async def start(update: Update, context: BotContext) -> None:
    """Subscribe with the default schedule, or turn reminders back on; harmless when repeated."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return
    group = is_group(update)
    name = (chat.title or "") if group else (user.first_name if user else "")
    note = await context.services.account.start(
        chat.id,
        name=name,
        group=group,
        allowed=permission(update, context),
        # The language this update is answered in: the sender's Telegram language, at first.
        language=i18n.current(),
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
    await reply(update, help_text())


async def language(update: Update, context: BotContext) -> None:
    """/language shows the chat's language; /language de (or Deutsch, German…) changes it."""
    chat = update.effective_chat
    if chat is None:
        return
    typed = " ".join(context.args or ())
    note = await context.services.account.language(
        chat.id,
        language_text.named(typed) if typed else None,
        typed=typed,
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)
