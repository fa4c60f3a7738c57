"""/stats: counts, streaks and the recent weeks as a chart (the figures:
:meth:`bot.features.account.Account.stats`; the picture: ``bot.charts``, drawn in its worker
process). Before the first completed session, or if the chart cannot be drawn, the reply is
text, as it always was."""

from __future__ import annotations

from telegram import InputFile, Update

from bot.features.account import Stats
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group, reply
from bot.telegram.render import progress as progress_text


async def show_stats(update: Update, context: BotContext) -> None:
    if update.effective_chat is None:
        return
    note = await context.services.account.stats(update.effective_chat.id, group=is_group(update))
    message = update.effective_message
    if isinstance(note, Stats) and note.chart is not None and message is not None:
        png = await context.services.charts.render(note.chart, progress_text.chart_words())
        if png is not None:
            photo, rest = progress_text.stats_photo(note, png)
            await message.reply_photo(InputFile(png, "stats.png"), caption=photo.text)
            if rest:
                await reply(update, rest)
            return
    await answer(update, note)
