"""Reminders: the slot job, snooze and skip, the one follow-up nudge, and rebuilding all of
them from the database when the bot starts."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace
from typing import Literal

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import JobQueue

from bot.core.chat import Chat, SessionStatus
from bot.core.outlook import outlook
from bot.core.routines import Routine
from bot.core.uploads import chat_routine
from bot.storage.chatfiles import ChatFiles
from bot.telegram import callbacks, delivery, jobs, texts
from bot.telegram.context import BotContext, Services

_LOGGER = logging.getLogger(__name__)

#: Back-off for a reminder that failed to send (5xx, reset, timeout): 5 s, 10 s, 20 s… at most
#: 5 min, times TIME_SCALE; a 429 waits its retry_after instead. Retries stop once the reminder
#: would be later than the grace window (REMINDER_GRACE_MINUTES).
RETRY_FIRST_SECONDS = 5.0
RETRY_LONGEST_SECONDS = 300.0


def reschedule(job_queue: JobQueue[BotContext], services: Services, subscriber: Chat) -> None:
    """Replace the chat's reminder jobs after its schedule changed."""
    jobs.schedule_reminders(
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
    planner = jobs.Planner(now)
    for subscriber in services.storage.chats():
        scheduled = jobs.schedule_reminders(
            job_queue,
            subscriber,
            send_reminder,
            now,
            seconds_until=services.clock.seconds_until,
            catch_up=True,
            fresh=True,
            grace=services.settings.reminder_grace,
            planner=planner,
        )
        count += len(scheduled)
        _rebuild_pending(job_queue, services, subscriber, now)
    return count


def _rebuild_pending(
    job_queue: JobQueue[BotContext], services: Services, subscriber: Chat, now: dt.datetime
) -> None:
    """Snoozes and follow-ups that came due while the bot was down, or are still to come."""
    snoozed, nudge = subscriber.delivery.snoozed_until, subscriber.delivery.nudge_due
    grace = services.settings.reminder_grace
    if snoozed is not None and not _still_useful(subscriber, snoozed, now, grace):
        snoozed = None
    if nudge is not None and not _still_useful(subscriber, nudge, now, grace):
        nudge = None
    if (snoozed, nudge) != (subscriber.delivery.snoozed_until, subscriber.delivery.nudge_due):
        # Read and written with no await between: a unit of work in itself.
        services.storage.save(
            replace(
                subscriber,
                delivery=replace(subscriber.delivery, snoozed_until=snoozed, nudge_due=nudge),
            )
        )
    pending = (
        (snoozed, _send_snoozed, jobs.snooze_job_name(subscriber.chat_id)),
        (nudge, _send_nudge, jobs.nudge_job_name(subscriber.chat_id)),
    )
    for due, callback, name in pending:
        if due is not None:
            jobs.schedule_once(
                job_queue,
                callback,
                services.clock.seconds_until(due),
                name=name,
                chat_id=subscriber.chat_id,
                data=due,
            )


def _still_useful(
    subscriber: Chat, due: dt.datetime, now: dt.datetime, grace: dt.timedelta
) -> bool:
    return subscriber.schedule.subscribed and now - due <= grace


# The reminder message ---------------------------------------------------------------------


def quick_routine(services: Services, routine: Routine) -> Routine | None:
    """The shortest routine, offered beside the chat's own if it is shorter."""
    coach = services.coach
    shortest = min(services.routines.values(), key=coach.script_seconds)
    return shortest if coach.script_seconds(shortest) < coach.script_seconds(routine) else None


def reminder_keyboard(services: Services, routine: Routine, number: int) -> InlineKeyboardMarkup:
    """Start now / Quick, the snoozes and Skip today; ``number`` names this reminder."""
    first = [InlineKeyboardButton(texts.BUTTON_START, callback_data=callbacks.go())]
    quick = quick_routine(services, routine)
    if quick is not None:
        length = texts.short_minutes(services.coach.script_seconds(quick))
        first.append(
            InlineKeyboardButton(texts.button_quick(length), callback_data=callbacks.go(quick.id))
        )
    snoozes = [
        InlineKeyboardButton(
            texts.button_snooze(minutes), callback_data=callbacks.snooze(minutes, number)
        )
        for minutes in callbacks.SNOOZE_MINUTES
    ]
    skip = [
        InlineKeyboardButton(texts.BUTTON_SKIP_TODAY, callback_data=callbacks.snooze(0, number))
    ]
    return InlineKeyboardMarkup([first, snoozes, skip])


def reminder_number(due: dt.datetime) -> int:
    """What a reminder's buttons call it: the instant it was due, in whole seconds."""
    return int(due.timestamp())


async def _send_reminder_message(
    context: BotContext,
    subscriber: Chat,
    text: str,
    *,
    due: dt.datetime,
    follow_up: bool = False,
) -> Chat | None:
    """Send a reminder (it makes a sound) due at ``due`` as the chat's live reminder, with
    its follow-up if ``follow_up`` and the chat wants one. Returns the chat's settings as
    saved, or None if the chat blocked the bot (reminders are then turned off).

    The reminder is opened before the send (its number, which its buttons carry) and its
    message recorded after it, each a unit of work of its own, never held across the send:
    a /time or /nudge off sent while Telegram was slow to answer stays as the user set it,
    and a snooze pressed meanwhile counts. A reminder closed meanwhile (/stop, a session
    started) loses its buttons as soon as its message is known.
    """
    services, storage, chat_id = context.services, context.services.storage, subscriber.chat_id
    number = reminder_number(due)
    await storage.change(
        chat_id,
        lambda current: replace(
            current,
            delivery=replace(current.delivery, reminder_number=number, reminder_message_id=None),
        ),
    )
    routine = chat_routine(services.routines, subscriber)
    try:
        message = await context.bot.send_message(
            chat_id,
            text,
            reply_markup=reminder_keyboard(services, routine, number),
            rate_limit_args=delivery.BULK,  # behind every session cue and reply
        )
    except Forbidden:
        await mark_blocked(context, chat_id)
        return None
    message_id = message.message_id
    still_open = False

    def record(current: Chat) -> Chat:
        nonlocal still_open
        still_open = current.delivery.reminder_number == number
        if not still_open:
            return current
        current = replace(
            current, delivery=replace(current.delivery, reminder_message_id=message_id)
        )
        if (
            not follow_up
            or current.schedule.nudge_minutes is None
            or not current.schedule.subscribed
        ):
            return current
        return replace(
            current,
            delivery=replace(
                current.delivery, nudge_due=due + _scaled(services, current.schedule.nudge_minutes)
            ),
        )

    saved = await storage.change(chat_id, record)
    if not still_open:
        await _remove_buttons(context, chat_id, message_id)
    return saved


async def _remove_buttons(context: BotContext, chat_id: int, message_id: int) -> None:
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest as exc:  # deleted by the user, or too old to edit: nothing to close
        _LOGGER.info("Could not close the reminder in chat %s: %s", chat_id, exc)


async def mark_blocked(context: BotContext, chat_id: int) -> None:
    """A send got 403: reminders off and every timer of the chat gone, with no retry loop.

    Kept apart from /stop (``blocked_at``), so that writing to the bot again turns them back on.
    """
    services = context.services
    services.failures["blocked"] += 1
    _LOGGER.info("Chat %s blocked the bot: reminders off", chat_id)
    blocked_at = services.clock.now()
    await services.storage.change(
        chat_id,
        lambda subscriber: replace(
            subscriber,
            schedule=replace(subscriber.schedule, subscribed=False),
            delivery=replace(
                subscriber.delivery, blocked_at=blocked_at, snoozed_until=None, nudge_due=None
            ),
        ),
    )
    jobs.cancel_reminders(context.jobs, chat_id)
    jobs.cancel_jobs(context.jobs, jobs.snooze_job_name(chat_id))
    jobs.cancel_jobs(context.jobs, jobs.nudge_job_name(chat_id))


async def unblocked(context: BotContext, chat_id: int) -> Chat | None:
    """The chat blocked the bot and now writes again: reminders back on, as they were."""
    services = context.services
    current = services.storage.chat(chat_id)
    if current is None or current.delivery.blocked_at is None:
        return None

    def back(subscriber: Chat) -> Chat:
        if subscriber.delivery.blocked_at is None:
            return subscriber
        return replace(
            subscriber,
            schedule=replace(subscriber.schedule, subscribed=True),
            delivery=replace(subscriber.delivery, blocked_at=None),
        )

    subscriber = await services.storage.change(chat_id, back)
    if subscriber is None:
        return None
    reschedule(context.jobs, services, subscriber)
    _LOGGER.info("Chat %s is back: reminders on again", chat_id)
    return subscriber


def _reminder_text(services: Services, subscriber: Chat, *, again: bool = False) -> str:
    routine = chat_routine(services.routines, subscriber)
    length = texts.minutes(services.coach.script_seconds(routine))
    return texts.reminder(routine.title, len(routine.exercises), length, again=again)


async def send_reminder(context: BotContext, due: jobs.ReminderJob) -> None:
    """A reminder came due: send it at most once per slot and day, then chain the next."""
    services = context.services
    storage = services.storage
    subscriber = storage.chat(due.chat_id)
    if subscriber is None:
        return
    if due.attempt == 0:
        # Chain the next occurrence first, so nothing below can end this slot's reminders.
        jobs.schedule_following(
            context.jobs,
            subscriber,
            due.occurrence,
            send_reminder,
            seconds_until=services.clock.seconds_until,
        )
    if (
        not subscriber.schedule.subscribed
        or due.occurrence.slot not in subscriber.schedule.times
        or not subscriber.schedule.reminds_on(due.occurrence.day)
    ):
        return
    async with delivery.bulk_slot(context.bot):
        # Claimed before sending: a crash after this point loses one reminder rather than
        # sending it twice after the restart. A send that fails releases the claim. The claim
        # reads and writes with no await between, so it needs no lock.
        previous = (storage.chat(due.chat_id) or subscriber).delivery.last_sent.get(due.slot)
        if not storage.claim_reminder(due.chat_id, due.slot, due.occurrence.at):
            _LOGGER.info("Reminder %s for chat %s was already sent", due.slot, due.chat_id)
            return
        if services.coach.running(due.chat_id):
            return  # mid-session: a reminder would only interrupt
        subscriber = storage.chat(due.chat_id) or subscriber
        try:
            sent = await _send_reminder_message(
                context,
                subscriber,
                _reminder_text(services, subscriber),
                due=due.occurrence.at,
                follow_up=True,
            )
        except BadRequest:
            raise  # a bug or a gone chat: retrying would fail the same way
        except (NetworkError, RetryAfter) as exc:
            storage.release_reminder(due.chat_id, due.slot, due.occurrence.at, previous)
            _retry_later(context, due, exc)
            return
    if (
        sent is not None
        and sent.schedule.subscribed
        and sent.delivery.nudge_due
        and sent.schedule.nudge_minutes is not None
    ):
        jobs.schedule_once(
            context.jobs,
            _send_nudge,
            services.clock.seconds_until(sent.delivery.nudge_due),
            name=jobs.nudge_job_name(due.chat_id),
            chat_id=due.chat_id,
            data=sent.delivery.nudge_due,
        )


def _retry_later(context: BotContext, due: jobs.ReminderJob, error: Exception) -> None:
    """Schedule another attempt with back-off, unless it would be later than the grace window.

    A timeout may hide a send that did reach Telegram (only the answer was lost), and the Bot API
    has no idempotency key: retrying then duplicates the reminder. We retry anyway, because a
    reminder that silently never comes breaks the habit, and a rare duplicate does not.
    """
    services = context.services
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        delay = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
    else:
        backoff = min(RETRY_FIRST_SECONDS * 2**due.attempt, RETRY_LONGEST_SECONDS)
        delay = backoff * services.settings.time_scale
    late = services.clock.now() + dt.timedelta(seconds=delay) - due.occurrence.at
    if late > services.settings.reminder_grace:
        services.failures["gave up"] += 1
        _LOGGER.warning(
            "Giving up on reminder %s for chat %s after %d attempt(s): %s",
            due.slot,
            due.chat_id,
            due.attempt + 1,
            error,
        )
        return
    services.failures["retried"] += 1
    _LOGGER.warning(
        "Reminder %s for chat %s failed (%s); retrying in %.1f s",
        due.slot,
        due.chat_id,
        error,
        delay,
    )
    jobs.schedule_retry(context.jobs, due, send_reminder, delay)


#: A chat's pending timers that live on its settings: a snoozed reminder, the follow-up.
Pending = Literal["snoozed_until", "nudge_due"]


def _with_pending(subscriber: Chat, field: Pending, due: dt.datetime | None) -> Chat:
    if field == "snoozed_until":
        return replace(subscriber, delivery=replace(subscriber.delivery, snoozed_until=due))
    return replace(subscriber, delivery=replace(subscriber.delivery, nudge_due=due))


async def _take_pending(
    storage: ChatFiles, chat_id: int, field: Pending, due: object
) -> Chat | None:
    """Clear the chat's pending snooze or follow-up (``field``) if it is still the one due at
    ``due``; returns the chat's settings if this call took it, None if it was cancelled,
    replaced, or already sent before a restart."""
    taken = False

    def take(subscriber: Chat) -> Chat:
        nonlocal taken
        taken = getattr(subscriber.delivery, field) == due
        return _with_pending(subscriber, field, None) if taken else subscriber

    subscriber = await storage.change(chat_id, take)
    return subscriber if taken else None


async def _restore_pending(
    storage: ChatFiles, chat_id: int, field: Pending, due: dt.datetime
) -> None:
    """A send failed after :func:`_take_pending`: put it back for the retry, unless something
    newer (another snooze, /stop) took its place meanwhile."""

    def restore(subscriber: Chat) -> Chat:
        if getattr(subscriber.delivery, field) is not None or not subscriber.schedule.subscribed:
            return subscriber
        return _with_pending(subscriber, field, due)

    await storage.change(chat_id, restore)


async def _send_snoozed(context: BotContext) -> None:
    """Job callback: the snoozed reminder, sent once."""
    job = context.job
    if job is None or job.chat_id is None or not isinstance(job.data, dt.datetime):
        return
    services = context.services
    subscriber = await _take_pending(services.storage, job.chat_id, "snoozed_until", job.data)
    if (
        subscriber is None
        or not subscriber.schedule.subscribed
        or services.coach.running(job.chat_id)
    ):
        return
    try:
        await _send_reminder_message(
            context, subscriber, _reminder_text(services, subscriber, again=True), due=job.data
        )
    except BadRequest:
        raise
    except (NetworkError, RetryAfter) as exc:
        await _restore_pending(services.storage, job.chat_id, "snoozed_until", job.data)
        _resend_later(context, _send_snoozed, job.data, exc)


async def _send_nudge(context: BotContext) -> None:
    """Job callback: one gentle follow-up to a reminder nobody reacted to."""
    job = context.job
    if job is None or job.chat_id is None or not isinstance(job.data, dt.datetime):
        return
    services = context.services
    storage = services.storage
    subscriber = await _take_pending(storage, job.chat_id, "nudge_due", job.data)
    if subscriber is None:
        return
    today = services.clock.now().astimezone(subscriber.schedule.zone).date()
    done_today = any(
        record.local_date == today and record.status is SessionStatus.COMPLETED
        for record in storage.history(job.chat_id)
    )
    if done_today or not subscriber.schedule.subscribed or services.coach.running(job.chat_id):
        return
    routine = chat_routine(services.routines, subscriber)
    length = texts.minutes(services.coach.script_seconds(routine))
    try:
        await _send_reminder_message(context, subscriber, texts.nudge(length), due=job.data)
    except BadRequest:
        raise
    except (NetworkError, RetryAfter) as exc:
        await _restore_pending(storage, job.chat_id, "nudge_due", job.data)
        _resend_later(context, _send_nudge, job.data, exc)


def _resend_later(
    context: BotContext,
    callback: jobs.JobCallback,
    due: object,
    error: Exception,
) -> None:
    """A snoozed reminder or follow-up failed to send: the same job again with back-off (the
    delay doubles the lateness so far), unless that is past the grace window."""
    services, job = context.services, context.job
    if job is None or job.chat_id is None or job.name is None or not isinstance(due, dt.datetime):
        return
    scale = services.settings.time_scale
    late = (services.clock.now() - due).total_seconds()
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        delay = wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
    else:
        delay = min(max(2 * late, RETRY_FIRST_SECONDS * scale), RETRY_LONGEST_SECONDS * scale)
    if dt.timedelta(seconds=late + delay) > services.settings.reminder_grace:
        services.failures["gave up"] += 1
        _LOGGER.warning("Giving up on %s: %s", job.name, error)
        return
    services.failures["retried"] += 1
    _LOGGER.warning("%s failed (%s); retrying in %.1f s", job.name, error, delay)
    jobs.schedule_once(context.jobs, callback, delay, name=job.name, chat_id=job.chat_id, data=due)


def _scaled(services: Services, minutes: int) -> dt.timedelta:
    """Snooze and follow-up delays are relative timers: TIME_SCALE applies to them (so a demo
    or a test need not wait 15 minutes); reminder times are wall-clock times and it does not."""
    return dt.timedelta(minutes=minutes) * services.settings.time_scale


# Reactions --------------------------------------------------------------------------------


async def reacted(context: BotContext, chat_id: int) -> Chat | None:
    """The chat answered its reminder in some way: no follow-up nudge for it."""
    jobs.cancel_jobs(context.jobs, jobs.nudge_job_name(chat_id))
    return await context.services.storage.change(
        chat_id,
        lambda subscriber: replace(
            subscriber, delivery=replace(subscriber.delivery, nudge_due=None)
        ),
    )


async def snooze_for(context: BotContext, chat_id: int, minutes: int) -> dt.datetime | None:
    """Send the reminder again in ``minutes``; returns when, or None if not set up."""
    services = context.services
    due = services.clock.now() + _scaled(services, minutes)
    jobs.cancel_jobs(context.jobs, jobs.nudge_job_name(chat_id))
    subscriber = await services.storage.change(
        chat_id,
        lambda current: replace(
            current, delivery=replace(current.delivery, snoozed_until=due, nudge_due=None)
        ),
    )
    if subscriber is None:
        return None
    jobs.schedule_once(
        context.jobs,
        _send_snoozed,
        services.clock.seconds_until(due),
        name=jobs.snooze_job_name(chat_id),
        chat_id=chat_id,
        data=due,
    )
    return due


async def skip_today(context: BotContext, chat_id: int) -> Chat | None:
    """No more reminders today (local date); tomorrow's are untouched."""
    services = context.services
    now = services.clock.now()

    def skip(subscriber: Chat) -> Chat:
        today = now.astimezone(subscriber.schedule.zone).date()
        return replace(
            subscriber,
            schedule=replace(subscriber.schedule, skipped_day=today),
            delivery=replace(subscriber.delivery, snoozed_until=None, nudge_due=None),
        )

    jobs.cancel_jobs(context.jobs, jobs.nudge_job_name(chat_id))
    subscriber = await services.storage.change(chat_id, skip)
    if subscriber is None:
        return None
    jobs.cancel_jobs(context.jobs, jobs.snooze_job_name(chat_id))
    reschedule(context.jobs, services, subscriber)
    return subscriber


async def undo_skip(context: BotContext, chat_id: int) -> bool:
    """Take back today's "Skip today" (its later reminders come again); whether there was one."""
    services = context.services
    now = services.clock.now()
    undone = False

    def undo(subscriber: Chat) -> Chat:
        nonlocal undone
        undone = subscriber.schedule.skipped_day == now.astimezone(subscriber.schedule.zone).date()
        return (
            replace(subscriber, schedule=replace(subscriber.schedule, skipped_day=None))
            if undone
            else subscriber
        )

    subscriber = await services.storage.change(chat_id, undo)
    if undone and subscriber is not None:
        reschedule(context.jobs, services, subscriber)
    return undone


async def snooze_button(update: Update, context: BotContext) -> None:
    """The reminder's "In 15 min", "In 1 h" and "Skip today" buttons."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    pressed = callbacks.parse_snooze(query.data)
    subscriber = context.services.storage.chat(chat.id)
    if (
        pressed is None
        or subscriber is None
        or pressed.reminder != subscriber.delivery.reminder_number
    ):
        await query.answer(texts.BUTTON_EXPIRED)  # an older reminder's, or already answered
        return
    minutes = pressed.minutes
    zone = subscriber.schedule.zone
    if minutes == 0:
        updated = await skip_today(context, chat.id)
        now = context.services.clock.now()
        status = texts.skipped_today(outlook(updated, now) if updated else None)
    else:
        due = await snooze_for(context, chat.id, minutes)
        status = texts.snoozed(due.astimezone(zone)) if due else texts.BUTTON_EXPIRED
    await query.answer()
    await close_reminder(context, chat.id, status)


async def close_reminder(context: BotContext, chat_id: int, status: str | None = None) -> None:
    """Close the live reminder (its buttons stop counting, and come off its message) and, if
    given, say what became of it."""
    closed: int | None = None

    def close(subscriber: Chat) -> Chat:
        nonlocal closed
        closed = subscriber.delivery.reminder_message_id
        return replace(
            subscriber,
            delivery=replace(subscriber.delivery, reminder_message_id=None, reminder_number=None),
        )

    await context.services.storage.change(chat_id, close)
    if closed is not None:
        await _remove_buttons(context, chat_id, closed)
    if status:
        await context.bot.send_message(chat_id, status, disable_notification=True)
