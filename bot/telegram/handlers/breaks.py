"""Micro-breaks: /breaks, /workhours and the break prompt's buttons (the rules:
:class:`bot.features.breaks.Breaks`); the word "meeting" is read with the other words in
``handlers.session``."""

from __future__ import annotations

from telegram import Update

from bot.features.breaks import Action, BreakExpired
from bot.telegram.break_callbacks import parse_break
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group, permission
from bot.telegram.handlers.session import begin
from bot.telegram.render import breaks as breaks_text


async def breaks_command(update: Update, context: BotContext) -> None:
    """``/breaks 45``, ``/breaks off``; alone: how breaks are set and when the next comes."""
    if update.effective_chat is None:
        return
    note = await context.services.breaks.breaks(
        update.effective_chat.id,
        " ".join(context.args or []),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def workhours_command(update: Update, context: BotContext) -> None:
    """``/workhours 09:00-17:30``: the window breaks come in."""
    if update.effective_chat is None:
        return
    note = await context.services.breaks.work_hours(
        update.effective_chat.id,
        " ".join(context.args or []),
        group=is_group(update),
        allowed=permission(update, context),
    )
    await answer(update, note)


async def break_button(update: Update, context: BotContext) -> None:
    """A break prompt's button: Start runs the short desk routine as a normal session; the
    others are answered in the chat. A button of an ended prompt does nothing and says so."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.message is None:
        return
    decoded = parse_break(query.data) if isinstance(query.data, str) else None
    if decoded is None:
        await query.answer(breaks_text.break_expired())
        return
    action, number = decoded
    services = context.services
    note = await services.breaks.press(chat.id, action, number, query.message.message_id)
    if isinstance(note, BreakExpired):
        await query.answer(breaks_text.break_expired())
        return
    await query.answer()
    if action is Action.START:
        await begin(update, context, services.routines.micro)
        return
    await answer(update, note)
