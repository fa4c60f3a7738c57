"""Changing when reminders come: /time, /timezone, /days, /pause, /resume and /nudge (the
rules: :class:`bot.features.schedule_settings.ScheduleSettings`), and /pain alone."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotContext
from bot.telegram.handlers import coaching
from bot.telegram.handlers.common import answer, is_group, permission


def _argument(context: BotContext) -> str:
    return " ".join(context.args or [])


async def set_time(update: Update, context: BotContext) -> None:
    """``/time 07:30`` or ``/time 07:30 13:00 17:45``: the daily reminder times."""
    if update.effective_chat is None:
        return
    note = await context.services.schedules.time(
        update.effective_chat.id,
        _argument(context),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def set_timezone(update: Update, context: BotContext) -> None:
    """``/timezone Europe/Berlin``: reminder times stay the same wall-clock times."""
    if update.effective_chat is None:
        return
    note = await context.services.schedules.timezone(
        update.effective_chat.id,
        _argument(context),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def set_days(update: Update, context: BotContext) -> None:
    """``/days mon-fri``, ``/days mon wed fri``, ``/days every day``."""
    if update.effective_chat is None:
        return
    note = await context.services.schedules.days(
        update.effective_chat.id,
        _argument(context),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def pause(update: Update, context: BotContext) -> None:
    """``/pause 7`` (days) or ``/pause 2026-12-27``: no reminders until then."""
    if update.effective_chat is None:
        return
    note = await context.services.schedules.pause(
        update.effective_chat.id,
        _argument(context),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def resume(update: Update, context: BotContext) -> None:
    """``/resume``: end a pause early."""
    if update.effective_chat is None:
        return
    note = await context.services.schedules.resume(
        update.effective_chat.id, group=is_group(update), allowed=permission(update, context)
    )
    await answer(update, note)


async def set_nudge(update: Update, context: BotContext) -> None:
    """``/nudge off``, ``/nudge on``, ``/nudge 30``: the one follow-up after a reminder."""
    if update.effective_chat is None:
        return
    note = await context.services.schedules.nudge(
        update.effective_chat.id,
        _argument(context),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def pain(update: Update, context: BotContext) -> None:
    """``/pain`` alone: whether the pain question is on; ``/pain on|off`` is the coaching
    handler's."""
    if context.args:
        await coaching.pain_command(update, context)
        return
    if update.effective_chat is None:
        return
    note = await context.services.schedules.pain(update.effective_chat.id, group=is_group(update))
    await answer(update, note)
