"""/time, /timezone and /settings: each parses, changes one thing, and says what it did."""

from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.handlers.common import known_subscriber, reply
from bot.handlers.reminders import reschedule
from bot.parsing import ParseError, format_time, parse_times, parse_timezone


def _argument(context: BotContext) -> str:
    return " ".join(context.args or [])


async def set_time(update: Update, context: BotContext) -> None:
    """``/time 07:30`` or ``/time 07:30 13:00 17:45``: the daily reminder times."""
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    argument = _argument(context)
    if not argument:
        await reply(update, texts.TIME_USAGE)
        return
    try:
        times = parse_times(argument)
    except ParseError as exc:
        await reply(update, str(exc))
        return
    slots = {format_time(time) for time in times}
    subscriber = replace(
        subscriber,
        times=times,
        last_sent={slot: at for slot, at in subscriber.last_sent.items() if slot in slots},
    )
    services = context.services
    services.storage.save_subscriber(subscriber)
    reschedule(context.jobs, services, subscriber)
    upcoming = texts.next_when(replace(subscriber, subscribed=True), services.clock.now())
    await reply(
        update,
        texts.times_set(times, subscriber.timezone, upcoming or "", subscriber.subscribed),
    )


async def set_timezone(update: Update, context: BotContext) -> None:
    """``/timezone Europe/Berlin``: reminder times stay the same wall-clock times."""
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    argument = _argument(context)
    if not argument:
        await reply(update, texts.TIMEZONE_USAGE)
        return
    try:
        zone = parse_timezone(argument)
    except ParseError as exc:
        await reply(update, str(exc))
        return
    services = context.services
    subscriber = replace(subscriber, timezone=zone)
    services.storage.save_subscriber(subscriber)
    reschedule(context.jobs, services, subscriber)
    now = services.clock.now()
    upcoming = texts.next_when(replace(subscriber, subscribed=True), now)
    await reply(
        update,
        texts.timezone_set(zone, now.astimezone(ZoneInfo(zone)), subscriber.times, upcoming or ""),
    )


async def show_settings(update: Update, context: BotContext) -> None:
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    services = context.services
    now = services.clock.now()
    routine = services.routines.default
    await reply(
        update,
        texts.settings(
            subscriber.times,
            subscriber.timezone,
            now.astimezone(ZoneInfo(subscriber.timezone)),
            texts.next_when(subscriber, now),
            subscriber.subscribed,
            routine.title,
            texts.minutes(services.coach.script_seconds(routine)),
        ),
    )
