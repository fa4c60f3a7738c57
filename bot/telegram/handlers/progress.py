"""/stats: counts, streaks and the last four weeks at a glance."""

from __future__ import annotations

from telegram import Update

from bot.core.progression import current_holds
from bot.core.stats import counts_as_done, day_marks, pain_weeks, progress
from bot.core.uploads import available, chat_routine
from bot.telegram import texts
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import known_subscriber, reply
from bot.telegram.handlers.schedule import local_today
from bot.telegram.render.progress import chart, stats_text


async def show_stats(update: Update, context: BotContext) -> None:
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    records = context.services.storage.history(subscriber.chat_id)
    today = local_today(context, subscriber)
    since = subscriber.created_at
    grid = day_marks(
        records,
        today=today,
        reminder_days=subscriber.schedule.days,
        paused=subscriber.schedule.pauses,
        since=since.astimezone(subscriber.schedule.zone).date() if since else None,
    )
    summary = progress(
        records,
        today=today,
        reminder_days=subscriber.schedule.days,
        paused=subscriber.schedule.pauses,
    )
    unfinished = sum(not counts_as_done(record) for record in records)
    parts = [stats_text(summary, chart(grid), unfinished=unfinished)]
    # Coaching: the holds per side the user has done (held, or moved by feedback), and the
    # pain check's weekly trend.
    routines = context.services.routines
    held: dict[str, set[str]] = {}
    for record in records:
        held.setdefault(record.routine_id, set()).update(record.holds)
    adapted = {key.partition(":")[0] for key in subscriber.coaching.holds}
    shown = [chat_routine(routines, subscriber)]
    shown += [r for r in available(routines, subscriber).values() if r.id in adapted | set(held)]
    holds = {
        r.title: current_holds(r, subscriber.coaching.holds, held.get(r.id, ()))
        for r in dict.fromkeys(shown)
    }
    if any(holds.values()):
        parts.append(texts.holds_summary(holds))
    weeks = pain_weeks(records, today=today)
    if weeks:
        parts.append(texts.pain_trend(weeks))
    await reply(update, "\n\n".join(parts))
