"""The reminder job, and (re)building a chat's reminder jobs from its stored schedule."""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import Forbidden
from telegram.ext import JobQueue

from bot import callbacks, scheduling, texts
from bot.context import BotContext, Services
from bot.storage import Subscriber

_LOGGER = logging.getLogger(__name__)


def reschedule(
    job_queue: JobQueue[BotContext], services: Services, subscriber: Subscriber
) -> None:
    """Replace the chat's reminder jobs after its schedule changed."""
    scheduling.schedule_reminders(
        job_queue,
        subscriber,
        send_reminder,
        services.clock.now(),
        seconds_until=services.clock.seconds_until,
    )


def rebuild_all(job_queue: JobQueue[BotContext], services: Services) -> int:
    """At start-up: the JobQueue keeps nothing across restarts, the database does."""
    count = 0
    now = services.clock.now()
    for subscriber in services.storage.subscribers():
        scheduled = scheduling.schedule_reminders(
            job_queue,
            subscriber,
            send_reminder,
            now,
            seconds_until=services.clock.seconds_until,
            catch_up=True,
        )
        count += len(scheduled)
    return count


def reminder_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup.from_button(
        InlineKeyboardButton(texts.BUTTON_START, callback_data=callbacks.GO)
    )


async def send_reminder(context: BotContext) -> None:
    """Job callback: send one reminder, at most once per slot and day, then chain the next."""
    job = context.job
    if job is None or not isinstance(job.data, scheduling.ReminderJob):
        return
    due: scheduling.ReminderJob = job.data
    services = context.services
    storage = services.storage
    subscriber = storage.subscriber(due.chat_id)
    if subscriber is None:
        return
    # Chain the next occurrence first, so nothing below can end this slot's reminders.
    scheduling.schedule_following(
        context.jobs,
        subscriber,
        due.occurrence,
        send_reminder,
        seconds_until=services.clock.seconds_until,
    )
    if not subscriber.subscribed or due.occurrence.slot not in subscriber.times:
        return
    async with storage.lock(due.chat_id):
        # Claimed before sending: a crash after this point loses one reminder rather than
        # sending it twice after the restart.
        if not storage.claim_reminder(due.chat_id, due.slot, due.occurrence.at):
            _LOGGER.info("Reminder %s for chat %s was already sent", due.slot, due.chat_id)
            return
        if services.coach.running(due.chat_id):
            return  # mid-session: a reminder would only interrupt
        routine = services.routines.default
        length = texts.minutes(services.coach.script_seconds(routine))
        try:
            await context.bot.send_message(
                due.chat_id,
                texts.reminder(routine.title, len(routine.exercises), length),
                reply_markup=reminder_keyboard(),
            )
        except Forbidden:
            _LOGGER.info("Chat %s blocked the bot: reminders off", due.chat_id)
            storage.save_subscriber(replace(subscriber, subscribed=False))
            scheduling.cancel_reminders(context.jobs, due.chat_id)
