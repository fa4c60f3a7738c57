"""/start, /stop and /help."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot import scheduling, texts
from bot.context import BotContext
from bot.handlers.common import is_group, may_change, reply
from bot.handlers.reminders import close_reminder, reschedule
from bot.outlook import outlook
from bot.storage import Subscriber


async def start(update: Update, context: BotContext) -> None:
    """Subscribe with the default schedule, or turn reminders back on; harmless when repeated."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    storage, now = services.storage, services.clock.now()
    subscriber = storage.subscriber(chat.id)
    if subscriber is not None and subscriber.subscribed:
        in_session = services.coach.running(chat.id) is not None
        await reply(
            update, texts.already_subscribed(outlook(subscriber, now), in_session=in_session)
        )
        return
    if not await may_change(update, context):
        return
    group = is_group(update)
    if subscriber is None:
        user = update.effective_user
        subscriber = Subscriber(
            chat_id=chat.id,
            timezone=services.settings.default_timezone,
            times=(services.settings.default_reminder_time,),
            name=(chat.title or "") if group else (user.first_name if user else ""),
            created_at=now,
        )
        subscriber = storage.save_subscriber(subscriber)
        first_time = True
    else:
        subscriber = (
            await storage.change(chat.id, lambda current: replace(current, subscribed=True))
            or subscriber
        )
        first_time = False
    reschedule(context.jobs, services, subscriber)
    schedule_now = outlook(subscriber, now)
    if first_time:
        routine = services.routines.default
        await reply(
            update,
            texts.welcome(
                subscriber.name,
                routine.title,
                services.coach.length(routine),
                routine.disclaimer,
                schedule_now,
                group=group,
            ),
        )
    else:
        await reply(update, texts.resubscribed(schedule_now))


async def stop(update: Update, context: BotContext) -> None:
    """Turn reminders off, keeping the data; during a session, end the session first."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    if await services.coach.stop(context, chat.id):
        await reply(update, texts.STOP_SESSION_FIRST)
        return
    if not await may_change(update, context):
        return
    subscriber = services.storage.subscriber(chat.id)
    if subscriber is None:
        await reply(update, texts.NOT_SET_UP)
        return
    if not subscriber.subscribed:
        await reply(update, texts.ALREADY_UNSUBSCRIBED)
        return
    for name in (scheduling.snooze_job_name, scheduling.nudge_job_name):
        scheduling.cancel_jobs(context.jobs, name(chat.id))
    await services.storage.change(
        chat.id,
        lambda current: replace(current, subscribed=False, snoozed_until=None, nudge_due=None),
    )
    scheduling.cancel_reminders(context.jobs, chat.id)
    scheduling.cancel_jobs(context.jobs, scheduling.snooze_job_name(chat.id))
    await close_reminder(context, chat.id)
    await reply(update, texts.UNSUBSCRIBED)


async def help_command(update: Update, _: BotContext) -> None:
    await reply(update, texts.HELP)
