"""/stats: counts, streaks and the last four weeks at a glance."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Update

from bot.context import BotContext
from bot.handlers.common import known_subscriber, reply
from bot.handlers.schedule import local_today
from bot.stats import chart, progress, stats_text


async def show_stats(update: Update, context: BotContext) -> None:
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    records = context.services.storage.history(subscriber.chat_id)
    today = local_today(context, subscriber)
    since = subscriber.created_at
    grid = chart(
        records,
        today=today,
        reminder_days=subscriber.days,
        paused=subscriber.pauses,
        since=since.astimezone(ZoneInfo(subscriber.timezone)).date() if since else None,
    )
    summary = progress(
        records, today=today, reminder_days=subscriber.days, paused=subscriber.pauses
    )
    await reply(update, stats_text(summary, grid))
