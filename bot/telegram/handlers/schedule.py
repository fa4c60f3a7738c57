"""Changing when reminders come: /time, /days, /pause, /resume and /nudge (the rules:
:class:`bot.features.schedule_settings.ScheduleSettings`; /timezone is ``handlers.place``'s),
and /pain alone."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.features.account import Permission
from bot.ports import Note
from bot.telegram.context import BotContext
from bot.telegram.handlers import coaching
from bot.telegram.handlers.common import answer, is_group, permission

#: A schedule command of :class:`~bot.features.schedule_settings.ScheduleSettings`: the chat,
#: what followed the command, whether it is a group, and who may change its settings.
Command = Callable[..., Awaitable[Note]]


async def _run(update: Update, context: BotContext, command: Command) -> None:
    """Call the feature with the command's argument and the sender's rights; reply."""
    if update.effective_chat is None:
        return
    note = await command(
        update.effective_chat.id,
        " ".join(context.args or []),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def set_time(update: Update, context: BotContext) -> None:
    """``/time 07:30`` or ``/time 07:30 13:00 17:45``: the daily reminder times."""
    await _run(update, context, context.services.schedules.time)


async def set_days(update: Update, context: BotContext) -> None:
    """``/days mon-fri``, ``/days mon wed fri``, ``/days every day``."""
    await _run(update, context, context.services.schedules.days)


async def pause(update: Update, context: BotContext) -> None:
    """``/pause 7`` (days) or ``/pause 2026-12-27``: no reminders until then."""
    await _run(update, context, context.services.schedules.pause)


async def resume(update: Update, context: BotContext) -> None:
    """``/resume``: end a pause early (anything after the command is ignored)."""

    async def resume_only(chat_id: int, _: str, *, group: bool, allowed: Permission) -> Note:
        return await context.services.schedules.resume(chat_id, group=group, allowed=allowed)

    await _run(update, context, resume_only)


async def set_nudge(update: Update, context: BotContext) -> None:
    """``/nudge off``, ``/nudge on``, ``/nudge 30``: the one follow-up after a reminder."""
    await _run(update, context, context.services.schedules.nudge)


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
