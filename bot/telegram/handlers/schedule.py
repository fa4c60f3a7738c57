"""Changing when reminders come: /time, /timezone, /days, /pause, /resume and /nudge.

Each command parses its argument, changes one thing, reschedules and says what it did; a bad
argument gets the parser's explanation and changes nothing. The settings keyboard
(:mod:`bot.telegram.handlers.settings`) calls the same ``apply_*`` functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import TypeVar

from telegram import Update

from bot.core.chat import Chat
from bot.core.outlook import Outlook, outlook
from bot.core.parsing import (
    ParseError,
    format_time,
    parse_days,
    parse_nudge,
    parse_pause,
    parse_times,
    parse_timezone,
)
from bot.core.zones import has_no_dst_rules
from bot.features.reminders import NUDGE, SNOOZE
from bot.telegram import texts
from bot.telegram.context import BotContext
from bot.telegram.handlers import coaching
from bot.telegram.handlers.common import known_subscriber, reply, subscriber_to_change
from bot.telegram.handlers.reminders import reschedule

T = TypeVar("T")


def local_today(context: BotContext, subscriber: Chat) -> dt.date:
    return context.services.clock.now().astimezone(subscriber.schedule.zone).date()


async def change_and_reschedule(
    context: BotContext, chat_id: int, change: Callable[[Chat], Chat]
) -> Chat | None:
    """Apply one schedule change as a unit of work, then rebuild the chat's reminders from
    what was saved."""
    subscriber = await context.services.storage.change(chat_id, change)
    if subscriber is not None:
        reschedule(context.jobs, context.services, subscriber)
    return subscriber


def outlook_of(context: BotContext, subscriber: Chat) -> Outlook:
    """The chat's schedule from now on, for the reply that describes it."""
    return outlook(subscriber, context.services.clock.now())


async def apply_times(context: BotContext, subscriber: Chat, times: tuple[dt.time, ...]) -> Chat:
    slots = {format_time(time) for time in times}
    # A slot dropped and set again must remember it was sent today, or the catch-up after a
    # restart would send it twice; beyond the longest grace window it no longer matters.
    recent = context.services.clock.now() - dt.timedelta(days=2)

    def change(current: Chat) -> Chat:
        kept = {
            slot: at
            for slot, at in current.delivery.last_sent.items()
            if slot in slots or at > recent
        }
        return replace(
            current,
            schedule=replace(current.schedule, times=times),
            delivery=replace(current.delivery, last_sent=kept),
        )

    return await change_and_reschedule(context, subscriber.chat_id, change) or subscriber


async def apply_timezone(context: BotContext, subscriber: Chat, zone: str) -> Chat:
    return (
        await change_and_reschedule(
            context,
            subscriber.chat_id,
            lambda current: replace(current, schedule=replace(current.schedule, timezone=zone)),
        )
        or subscriber
    )


async def apply_days(context: BotContext, subscriber: Chat, days: frozenset[int]) -> Chat:
    return (
        await change_and_reschedule(
            context,
            subscriber.chat_id,
            lambda current: replace(current, schedule=replace(current.schedule, days=days)),
        )
        or subscriber
    )


async def apply_pause(context: BotContext, subscriber: Chat, until: dt.date) -> Chat:
    """Pause from today up to (not including) ``until``; snooze and follow-up are dropped."""
    now = context.services.clock.now()

    def change(current: Chat) -> Chat:
        today = now.astimezone(current.schedule.zone).date()
        pauses = (*_cut(current.schedule.pauses, today), (today, until))
        return replace(
            current,
            schedule=replace(current.schedule, pauses=pauses),
            delivery=replace(current.delivery, snoozed_until=None, nudge_due=None),
        )

    context.services.reminders.cancel(subscriber.chat_id, {SNOOZE, NUDGE})
    return await change_and_reschedule(context, subscriber.chat_id, change) or subscriber


async def apply_resume(context: BotContext, subscriber: Chat) -> Chat:
    """End any pause now: today counts as paused only up to now, so today's later reminders
    come."""
    now = context.services.clock.now()

    def change(current: Chat) -> Chat:
        today = now.astimezone(current.schedule.zone).date()
        return replace(
            current,
            schedule=replace(current.schedule, pauses=tuple(_cut(current.schedule.pauses, today))),
        )

    return await change_and_reschedule(context, subscriber.chat_id, change) or subscriber


def _cut(
    pauses: tuple[tuple[dt.date, dt.date], ...], today: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """Past pauses as they were, and any pause still running cut short at ``today`` (empty
    ones dropped): the history is kept for streaks."""
    kept = []
    for start, end in pauses:
        end = min(end, today)
        if start < end:
            kept.append((start, end))
    return kept


async def _parsed(
    update: Update,
    context: BotContext,
    parse: Callable[[str, Chat], T],
    current: Callable[[Chat], str],
) -> tuple[Chat, T] | None:
    """The chat's settings and the command's parsed argument, if the sender may change them
    and it parses; otherwise the reply (who may, or the parser's reason) is sent. Without an
    argument the reply is ``current``: the setting as it is and how to change it."""
    argument = " ".join(context.args or [])
    if not argument:
        shown = await known_subscriber(update, context)
        if shown is not None:
            await reply(update, current(shown))
        return None
    subscriber = await subscriber_to_change(update, context)
    if subscriber is None:
        return None
    try:
        return subscriber, parse(argument, subscriber)
    except ParseError as exc:
        await reply(update, texts.parse_error(exc))
        return None


async def set_time(update: Update, context: BotContext) -> None:
    """``/time 07:30`` or ``/time 07:30 13:00 17:45``: the daily reminder times."""
    parsed = await _parsed(
        update,
        context,
        lambda text, _: parse_times(text),
        lambda subscriber: texts.time_now(outlook_of(context, subscriber)),
    )
    if parsed is None:
        return
    subscriber, times = parsed
    subscriber = await apply_times(context, subscriber, times)
    await reply(update, texts.times_set(outlook_of(context, subscriber)))


async def set_timezone(update: Update, context: BotContext) -> None:
    """``/timezone Europe/Berlin``: reminder times stay the same wall-clock times."""

    def current(subscriber: Chat) -> str:
        no_dst = has_no_dst_rules(subscriber.schedule.timezone)
        return texts.timezone_now(outlook_of(context, subscriber), no_dst=no_dst)

    parsed = await _parsed(update, context, lambda text, _: parse_timezone(text), current)
    if parsed is None:
        return
    subscriber, zone = parsed
    subscriber = await apply_timezone(context, subscriber, zone)
    no_dst = has_no_dst_rules(zone)
    await reply(update, texts.timezone_set(outlook_of(context, subscriber), no_dst=no_dst))


async def set_days(update: Update, context: BotContext) -> None:
    """``/days mon-fri``, ``/days mon wed fri``, ``/days every day``."""
    parsed = await _parsed(
        update,
        context,
        lambda text, _: parse_days(text),
        lambda subscriber: texts.days_now(outlook_of(context, subscriber)),
    )
    if parsed is None:
        return
    subscriber, days = parsed
    subscriber = await apply_days(context, subscriber, days)
    await reply(update, texts.days_set(outlook_of(context, subscriber)))


async def pause(update: Update, context: BotContext) -> None:
    """``/pause 7`` (days) or ``/pause 2026-12-27``: no reminders until then."""

    def until(text: str, subscriber: Chat) -> dt.date:
        return parse_pause(text, local_today(context, subscriber))

    parsed = await _parsed(
        update,
        context,
        until,
        lambda subscriber: texts.pause_now(outlook_of(context, subscriber)),
    )
    if parsed is None:
        return
    subscriber, resume_on = parsed
    subscriber = await apply_pause(context, subscriber, resume_on)
    await reply(update, texts.paused(outlook_of(context, subscriber)))


async def resume(update: Update, context: BotContext) -> None:
    """``/resume``: end a pause early."""
    subscriber = await subscriber_to_change(update, context)
    if subscriber is None:
        return
    if subscriber.schedule.paused_until(local_today(context, subscriber)) is None:
        await reply(update, texts.NOT_PAUSED_REMINDERS)
        return
    subscriber = await apply_resume(context, subscriber)
    await reply(update, texts.resumed_reminders(outlook_of(context, subscriber)))


async def pain(update: Update, context: BotContext) -> None:
    """``/pain`` alone: whether the pain question is on; ``/pain on|off`` is the coaching
    handler's."""
    if context.args:
        await coaching.pain_command(update, context)
        return
    subscriber = await known_subscriber(update, context)
    if subscriber is not None:
        await reply(update, texts.pain_now(subscriber.coaching.pain_check))


async def set_nudge(update: Update, context: BotContext) -> None:
    """``/nudge off``, ``/nudge on``, ``/nudge 30``: the one follow-up after a reminder."""
    parsed = await _parsed(
        update,
        context,
        lambda text, _: parse_nudge(text),
        lambda subscriber: texts.nudge_now(subscriber.schedule.nudge_minutes),
    )
    if parsed is None:
        return
    subscriber, minutes = parsed
    if minutes is None:  # a pending follow-up is dropped too
        context.services.reminders.cancel(subscriber.chat_id, {NUDGE})

    def change(current: Chat) -> Chat:
        nudge_due = current.delivery.nudge_due if minutes is not None else None
        return replace(
            current,
            schedule=replace(current.schedule, nudge_minutes=minutes),
            delivery=replace(current.delivery, nudge_due=nudge_due),
        )

    await context.services.storage.change(subscriber.chat_id, change)
    await reply(update, texts.nudge_set(minutes))
