"""/start, /stop and /help."""

from __future__ import annotations

from dataclasses import replace

from telegram import Update

from bot.core.chat import Chat, Schedule
from bot.core.outlook import outlook
from bot.telegram import jobs, texts
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import is_group, may_change, reply
from bot.telegram.handlers.reminders import close_reminder, reschedule


async def start(update: Update, context: BotContext) -> None:
    """Subscribe with the default schedule, or turn reminders back on; harmless when repeated."""
    chat = update.effective_chat
    if chat is None:
        return
    services = context.services
    storage, now = services.storage, services.clock.now()
    subscriber = storage.chat(chat.id)
    if subscriber is not None and subscriber.schedule.subscribed:
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
        subscriber = Chat(
            chat_id=chat.id,
            name=(chat.title or "") if group else (user.first_name if user else ""),
            created_at=now,
            schedule=Schedule(
                timezone=services.settings.default_timezone,
                times=(services.settings.default_reminder_time,),
            ),
        )
        subscriber = storage.save(subscriber)
        first_time = True
    else:
        subscriber = (
            await storage.change(
                chat.id,
                lambda current: replace(
                    current, schedule=replace(current.schedule, subscribed=True)
                ),
            )
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
                texts.minutes(services.coach.script_seconds(routine)),
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
    if await services.coach.stop(chat.id):
        await reply(update, texts.STOP_SESSION_FIRST)
        return
    if not await may_change(update, context):
        return
    subscriber = services.storage.chat(chat.id)
    if subscriber is None:
        await reply(update, texts.NOT_SET_UP)
        return
    if not subscriber.schedule.subscribed:
        await reply(update, texts.ALREADY_UNSUBSCRIBED)
        return
    for name in (jobs.snooze_job_name, jobs.nudge_job_name):
        jobs.cancel_jobs(context.jobs, name(chat.id))
    await services.storage.change(
        chat.id,
        lambda current: replace(
            current,
            schedule=replace(current.schedule, subscribed=False),
            delivery=replace(current.delivery, snoozed_until=None, nudge_due=None),
        ),
    )
    jobs.cancel_reminders(context.jobs, chat.id)
    jobs.cancel_jobs(context.jobs, jobs.snooze_job_name(chat.id))
    await close_reminder(context, chat.id)
    await reply(update, texts.UNSUBSCRIBED)


async def help_command(update: Update, _: BotContext) -> None:
    await reply(update, texts.HELP)
