"""/forget (with a confirm button) and /export: the user's data is theirs to take or erase."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot.core.exports import EXPORTERS, ChatData
from bot.core.uploads import available
from bot.telegram import callbacks, jobs, texts
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import may_change, reply
from bot.telegram.handlers.reminders import close_reminder

_LOGGER = logging.getLogger(__name__)
_FORGET = "fgt"


def _chat_data(context: BotContext, chat_id: int) -> ChatData | None:
    services = context.services
    storage = services.storage
    active = next((a for a in storage.active_sessions() if a.chat_id == chat_id), None)
    subscriber = storage.chat(chat_id)
    titles = {
        routine_id: routine.title
        for routine_id, routine in available(services.routines, subscriber).items()
    }
    data = ChatData(chat_id, subscriber, storage.history(chat_id), active, titles)
    return None if (data.subscriber, data.sessions, data.active) == (None, [], None) else data


async def forget(update: Update, context: BotContext) -> None:
    """Ask first: deleting cannot be undone."""
    chat = update.effective_chat
    if chat is None or not await may_change(update, context):
        return
    storage = context.services.storage
    if _chat_data(context, chat.id) is None and not storage.quarantine.holds(chat.id):
        await reply(update, texts.NOTHING_STORED)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.BUTTON_FORGET, callback_data=callbacks.confirm(_FORGET, True)
                ),
                InlineKeyboardButton(
                    texts.BUTTON_KEEP, callback_data=callbacks.confirm(_FORGET, False)
                ),
            ]
        ]
    )
    asked = await reply(update, texts.FORGET_CONFIRM, keyboard)
    if asked is not None:
        # Only an answer to this very question counts, and only the first one.
        storage.open_prompt(chat.id, _FORGET, asked.message_id)


async def forget_button(update: Update, context: BotContext) -> None:
    """The answer to /forget's question: delete everything about the chat, or nothing."""
    query, chat = update.callback_query, update.effective_chat
    if query is None or chat is None or query.data is None:
        return
    yes = callbacks.parse_confirm(_FORGET, query.data)
    if yes is None or query.message is None:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    if not await may_change(update, context):
        return
    services = context.services
    if services.storage.take_prompt(chat.id, _FORGET, query.message.message_id) is None:
        # A second tap, an older question, or the data is already gone: nothing to do.
        await query.answer(texts.BUTTON_EXPIRED)
        return
    await query.answer()
    if not yes:
        await query.edit_message_text(texts.FORGET_CANCELLED)
        return
    await services.coach.discard(chat.id)
    await close_reminder(context, chat.id)  # its "Start now" would find nobody
    async with services.storage.lock(chat.id):
        jobs.cancel_chat(context.jobs, chat.id)
        services.storage.forget_chat(chat.id)
    if context.chat_data is not None:
        context.chat_data.clear()
    _LOGGER.info("Chat %s asked to be forgotten: done", chat.id)
    await query.edit_message_text(texts.FORGOTTEN)


async def export(update: Update, context: BotContext) -> None:
    """``/export`` (JSON) or ``/export <format>``: the chat's data as a document."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or message is None or not await may_change(update, context):
        return
    args = context.args or []
    name = args[0].lower() if args else next(iter(EXPORTERS))
    exporter = EXPORTERS.get(name)
    if exporter is None or len(args) > 1:
        await reply(update, texts.export_unknown_format(" ".join(args), list(EXPORTERS)))
        return
    data = _chat_data(context, chat.id)
    if data is None:
        unreadable = context.services.storage.quarantine.holds(chat.id)
        await reply(update, texts.NOTHING_READABLE if unreadable else texts.NOTHING_STORED)
        return
    document = exporter(data, context.services.clock.now())
    await message.reply_document(
        document.data, filename=document.filename, caption=texts.EXPORT_CAPTIONS[name]
    )
