"""/settings and /routine with inline keyboards: the same changes as the commands, by tapping.

One message is edited in place as the user moves between menus. Every button's data is parsed
by :func:`bot.telegram.callbacks.parse_settings`; anything else is answered "This button has
expired".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.core.chat import Chat
from bot.core.parsing import ALL_DAYS, WEEKDAYS
from bot.core.uploads import available, chat_routine
from bot.telegram import callbacks, texts
from bot.telegram.callbacks import Choice, setting
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit
from bot.telegram.handlers.common import known_subscriber, may_change, reply
from bot.telegram.handlers.schedule import (
    apply_days,
    apply_pause,
    apply_resume,
    apply_times,
    local_today,
    outlook_of,
)

Markup = InlineKeyboardMarkup
Button = InlineKeyboardButton


def _view(context: BotContext, subscriber: Chat) -> tuple[str, Markup]:
    services = context.services
    routine = chat_routine(services.routines, subscriber)
    text = texts.settings(
        outlook_of(context, subscriber),
        subscriber.schedule.nudge_minutes,
        routine.title,
        texts.minutes(services.coach.script_seconds(routine)),
    )
    paused = subscriber.schedule.paused_until(local_today(context, subscriber)) is not None
    pause = (
        Button(texts.BUTTON_RESUME, callback_data=setting("resume"))
        if paused
        else Button(texts.BUTTON_PAUSE, callback_data=setting("pause"))
    )
    return text, Markup(
        [
            [
                Button(texts.BUTTON_TIME, callback_data=setting("time")),
                Button(texts.BUTTON_DAYS, callback_data=setting("days")),
            ],
            [Button(texts.BUTTON_ROUTINE, callback_data=setting("routine")), pause],
        ]
    )


def _back() -> list[Button]:
    return [Button(texts.BUTTON_BACK, callback_data=setting())]


def _hours(subscriber: Chat) -> tuple[str, Markup]:
    rows = [
        [
            Button(f"{hour:02d}", callback_data=setting("hour", f"{hour:02d}"))
            for hour in range(row, row + 6)
        ]
        for row in range(0, 24, 6)
    ]
    text = texts.PICK_HOUR
    if len(subscriber.schedule.times) > 1:
        text += "\n" + texts.ONE_TIME_NOTE.format(
            times=texts.times_list(subscriber.schedule.times)
        )
    return text, Markup([*rows, _back()])


def _minutes(hour: int) -> tuple[str, Markup]:
    row = [
        Button(f"{hour:02d}:{minute:02d}", callback_data=setting("at", f"{hour:02d}{minute:02d}"))
        for minute in (0, 15, 30, 45)
    ]
    return texts.pick_minute(hour), Markup([row, [Button("«", callback_data=setting("time"))]])


def _days(subscriber: Chat) -> tuple[str, Markup]:
    toggles = [
        Button(
            texts.day_button(day, day in subscriber.schedule.days),
            callback_data=setting("day", str(day)),
        )
        for day in range(7)
    ]
    presets = [
        Button(texts.BUTTON_EVERY_DAY, callback_data=setting("day", "all")),
        Button(texts.BUTTON_WEEKDAYS, callback_data=setting("day", "weekdays")),
    ]
    return texts.PICK_DAYS, Markup([toggles[:4], toggles[4:], presets, _back()])


def routine_names(context: BotContext, subscriber: Chat | None) -> list[texts.RoutineName]:
    """Every routine the chat can use (its own too), for a reply that lists them."""
    routines = context.services.routines
    current = chat_routine(routines, subscriber).id if subscriber else routines.default.id
    return [(r.id, r.title, r.id == current) for r in available(routines, subscriber).values()]


def _routines(context: BotContext, subscriber: Chat) -> tuple[str, Markup]:
    services = context.services
    current = chat_routine(services.routines, subscriber).id
    routines = available(services.routines, subscriber).values()  # with the chat's own
    entries = [
        (r.id, r.title, texts.minutes(services.coach.script_seconds(r)), r.id == current)
        for r in routines
    ]
    buttons = [
        [Button(f"{'✓ ' if r.id == current else ''}{r.title}", callback_data=setting("use", r.id))]
        for r in routines
    ]
    return texts.routines_list(entries), Markup([*buttons, _back()])


def _pauses() -> tuple[str, Markup]:
    row = [
        Button(texts.pause_button(days), callback_data=setting("for", str(days)))
        for days in callbacks.PAUSE_CHOICES
    ]
    return texts.PICK_PAUSE, Markup([row, _back()])


async def show_settings(update: Update, context: BotContext) -> None:
    subscriber = await known_subscriber(update, context)
    if subscriber is not None:
        await reply(update, *_view(context, subscriber))


async def show_routines(update: Update, context: BotContext) -> None:
    """/routine lists the routines; /routine quick picks one directly."""
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    name = " ".join(context.args or []).lower()
    if not name:
        await reply(update, *_routines(context, subscriber))
        return
    routines = available(context.services.routines, subscriber)
    if name not in routines:
        names = routine_names(context, subscriber)
        await reply(update, texts.unknown_routine(name, names, command="routine"))
        return
    if await may_change(update, context):
        await _use_routine(context, subscriber, name)
        await reply(update, texts.routine_set(routines[name].title))


async def _use_routine(context: BotContext, subscriber: Chat, routine_id: str) -> Chat:
    changed = await context.services.storage.change(
        subscriber.chat_id,
        lambda current: replace(
            current, coaching=replace(current.coaching, routine_id=routine_id)
        ),
    )
    return changed or subscriber


async def settings_button(update: Update, context: BotContext) -> None:
    """Every ``set:…`` button: move between menus, or change one setting and show it."""
    query, chat = update.callback_query, update.effective_chat
    choice = callbacks.parse_settings(query.data or "") if query else None
    subscriber = context.services.storage.chat(chat.id) if chat else None
    if query is None or choice is None or subscriber is None:
        if query:
            await query.answer(texts.BUTTON_EXPIRED)
        return
    changes = choice.menu in ("at", "day", "use", "for", "resume")
    if changes and not await may_change(update, context):
        return
    result = await _apply(context, subscriber, choice)
    if result is None:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    text, markup, note = result
    await query.answer(note or None)
    try:
        await query.edit_message_text(fit(text, parts=1)[0], reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in str(exc):
            raise


async def _apply(
    context: BotContext, subscriber: Chat, choice: Choice
) -> tuple[str, Markup, str] | None:
    """The screen to show after ``choice`` (changing the setting if it is a change), and a
    short note for the button's answer; None if the choice no longer makes sense."""
    menu, value = choice.menu, choice.value
    if menu == "time":
        return (*_hours(subscriber), "")
    if menu == "hour":
        return (*_minutes(int(value)), "")
    if menu == "days":
        return (*_days(subscriber), "")
    if menu == "routine":
        return (*_routines(context, subscriber), "")
    if menu == "pause":
        return (*_pauses(), "")
    if menu == "at":
        at = dt.time(int(value[:2]), int(value[2:]))
        subscriber = await apply_times(context, subscriber, (at,))
        return (*_view(context, subscriber), texts.time_note(at))
    if menu == "day":
        days = _toggled(subscriber.schedule.days, value)
        if not days:
            return (*_days(subscriber), texts.KEEP_ONE_DAY)
        subscriber = await apply_days(context, subscriber, days)
        return (*_days(subscriber), "")
    if menu == "use":
        if value not in available(context.services.routines, subscriber):
            return None
        subscriber = await _use_routine(context, subscriber, value)
        return (*_view(context, subscriber), "")
    if menu == "for":
        until = local_today(context, subscriber) + dt.timedelta(days=int(value))
        subscriber = await apply_pause(context, subscriber, until)
        return (*_view(context, subscriber), texts.paused_note(until))
    if menu == "resume":
        subscriber = await apply_resume(context, subscriber)
        return (*_view(context, subscriber), texts.resumed_note(outlook_of(context, subscriber)))
    return (*_view(context, subscriber), "")


def _toggled(days: frozenset[int], value: str) -> frozenset[int]:
    if value == "all":
        return ALL_DAYS
    if value == "weekdays":
        return WEEKDAYS
    return days ^ {int(value)}
