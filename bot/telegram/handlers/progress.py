"""/stats: counts, streaks and the last four weeks at a glance (the figures:
:meth:`bot.features.account.Account.stats`)."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group


async def show_stats(update: Update, context: BotContext) -> None:
    if update.effective_chat is None:
        return
    note = await context.services.account.stats(update.effective_chat.id, group=is_group(update))
    await answer(update, note)
