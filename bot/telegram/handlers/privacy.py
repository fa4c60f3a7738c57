"""/forget (with a confirm button) and /export (the rules:
:class:`bot.features.privacy.Privacy`)."""

from __future__ import annotations

from telegram import Update

from bot.features.privacy import FORGET, Exported
from bot.ports import Note
from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, may_change, permission, render
from bot.telegram.render import account as account_text


async def forget(update: Update, context: BotContext) -> None:
    """Ask first: deleting cannot be undone."""
    chat = update.effective_chat
    if chat is None:
        return

    async def reply(note: Note) -> int | None:
        sent = await answer(update, note)
        return sent.message_id if sent else None

    await context.services.privacy.ask_forget(
        chat.id, allowed=permission(update, context), reply=reply
    )


async def forget_button(update: Update, context: BotContext) -> None:
    """The answer to /forget's question: delete everything about the chat, or nothing."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    yes = callbacks.parse_confirm(FORGET, query.data)
    if yes is None or query.message is None:
        await query.answer(account_text.button_expired())
        return
    if not await may_change(update, context):
        return
    privacy = context.services.privacy
    if not await privacy.take_answer(chat.id, query.message.message_id):
        # A second tap, an older question, or the data is already gone: nothing to do.
        await query.answer(account_text.button_expired())
        return
    await query.answer()
    outcome = await privacy.forget(chat.id, yes=yes)
    if yes and context.chat_data is not None:
        context.chat_data.clear()
    await query.edit_message_text(render(outcome).text)


async def export(update: Update, context: BotContext) -> None:
    """``/export`` (JSON) or ``/export <format>``: the chat's data as a document."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None:
        return
    note = await context.services.privacy.export(
        chat.id, context.args or [], allowed=permission(update, context)
    )
    if not isinstance(note, Exported):
        await answer(update, note)
        return
    document = note.document
    await message.reply_document(
        document.data, filename=document.filename, caption=render(note).text
    )
