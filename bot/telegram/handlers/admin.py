"""/admin and /broadcast, for the user ids in ADMIN_IDS only (the rules:
:class:`bot.features.operators.Operators`).

Anyone else gets exactly the reply to an unknown command, so the commands do not reveal that
they exist; neither is in the public command menu.
"""

from __future__ import annotations

from telegram import CallbackQuery, Update

from bot.features.operators import BROADCAST, BroadcastCancelled
from bot.ports import Note
from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, render
from bot.telegram.handlers.errors import expired_button, unknown_command


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


async def admin(update: Update, context: BotContext) -> None:
    """Chat counts and delivery failures since start-up."""
    report = await context.services.operators.report(_user_id(update))
    if report is None:
        await unknown_command(update, context)
        return
    await answer(update, report)


async def broadcast(update: Update, context: BotContext) -> None:
    """``/broadcast <text>``: show the message and who gets it, and ask before sending."""
    message = update.effective_message
    if message is None:
        await unknown_command(update, context)
        return

    async def reply(note: Note) -> int | None:
        sent = await answer(update, note)
        return sent.message_id if sent else None

    text = (message.text or "").partition(" ")[2].strip()
    asked = await context.services.operators.ask_broadcast(
        _user_id(update), message.chat_id, text, reply=reply
    )
    if not asked:
        await unknown_command(update, context)


async def broadcast_button(update: Update, context: BotContext) -> None:
    """Send the pending broadcast to every subscribed chat, in the background."""
    query, chat = update.callback_query, update.effective_chat
    yes = callbacks.parse_confirm(BROADCAST, query.data or "") if query else None
    asked = query.message if query else None
    pending = None
    if asked is not None and chat is not None and yes is not None:
        operators = context.services.operators
        pending = await operators.take_answer(_user_id(update), chat.id, asked.message_id)
    if query is None or yes is None or pending is None:
        await expired_button(update, context)
        return
    await query.answer()
    if not yes:
        await query.edit_message_text(render(BroadcastCancelled()).text)
        return
    # In the background: updates are handled one at a time, and 10 000 sends at Telegram's 30 a
    # second would keep every user waiting for five minutes.
    context.application.create_task(_broadcast(context, query, pending), update=update)


async def _broadcast(context: BotContext, query: CallbackQuery, text: str) -> None:
    done = await context.services.operators.broadcast(text)
    await query.edit_message_text(render(done).text)
