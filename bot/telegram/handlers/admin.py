"""/admin and /broadcast, for the user ids in ADMIN_IDS only.

Anyone else gets exactly the reply to an unknown command, so the commands do not reveal that
they exist; neither is in the public command menu.
"""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError

from bot.telegram import callbacks, delivery, texts
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit
from bot.telegram.handlers.common import reply
from bot.telegram.handlers.errors import expired_button, unknown_command
from bot.telegram.handlers.reminders import mark_blocked

_LOGGER = logging.getLogger(__name__)
_BROADCAST = "bc"


def _is_admin(update: Update, context: BotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.services.settings.admin_ids


async def admin(update: Update, context: BotContext) -> None:
    """Chat counts and delivery failures since start-up."""
    if not _is_admin(update, context):
        await unknown_command(update, context)
        return
    services = context.services
    now = services.clock.now()
    subscribed = paused = blocked = stopped = 0
    for subscriber in services.storage.chats():
        if subscriber.delivery.blocked_at is not None:
            blocked += 1
        elif not subscriber.schedule.subscribed:
            stopped += 1
        elif subscriber.schedule.paused_on(now.astimezone(subscriber.schedule.zone).date()):
            paused += 1
        else:
            subscribed += 1
    await reply(
        update,
        texts.admin_report(subscribed, paused, blocked, stopped, dict(services.failures)),
    )


def _recipients(context: BotContext) -> list[int]:
    return [s.chat_id for s in context.services.storage.chats() if s.schedule.subscribed]


async def broadcast(update: Update, context: BotContext) -> None:
    """``/broadcast <text>``: show the message and who gets it, and ask before sending."""
    message = update.effective_message
    if not _is_admin(update, context) or message is None:
        await unknown_command(update, context)
        return
    text = (message.text or "").partition(" ")[2].strip()
    if not text:
        await reply(update, texts.BROADCAST_USAGE)
        return
    keyboard = InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.BUTTON_SEND, callback_data=callbacks.confirm(_BROADCAST, True)
                ),
                InlineKeyboardButton(
                    texts.BUTTON_CANCEL, callback_data=callbacks.confirm(_BROADCAST, False)
                ),
            ]
        ]
    )
    asked = await reply(update, texts.broadcast_confirm(text, len(_recipients(context))), keyboard)
    if asked is not None:
        # Kept in the store, not in memory: only the first answer to this question counts.
        context.services.storage.open_prompt(message.chat_id, _BROADCAST, asked.message_id, text)


async def broadcast_button(update: Update, context: BotContext) -> None:
    """Send the pending broadcast to every subscribed chat, one after another."""
    query, chat = update.callback_query, update.effective_chat
    yes = callbacks.parse_confirm(_BROADCAST, query.data or "") if query else None
    asked = query.message if query else None
    pending = None
    if asked is not None and chat is not None and yes is not None and _is_admin(update, context):
        pending = context.services.storage.take_prompt(chat.id, _BROADCAST, asked.message_id)
    if query is None or yes is None or pending is None:
        await expired_button(update, context)
        return
    await query.answer()
    if not yes:
        await query.edit_message_text(texts.BROADCAST_CANCELLED)
        return
    # In the background: updates are handled one at a time, and 10 000 sends at Telegram's 30 a
    # second would keep every user waiting for five minutes.
    context.application.create_task(_broadcast(context, query, pending), update=update)


async def _broadcast(context: BotContext, query: CallbackQuery, text: str) -> None:
    """Send to every subscribed chat in the bulk lane, behind sessions and replies."""
    sent = failed = 0
    for chat_id in _recipients(context):
        try:
            for part in fit(texts.broadcast(text)):
                await context.bot.send_message(chat_id, part, rate_limit_args=delivery.BULK)
            sent += 1
        except Forbidden:
            await mark_blocked(context, chat_id)
            failed += 1
        except TelegramError as exc:
            _LOGGER.warning("Broadcast to chat %s failed: %s", chat_id, exc)
            failed += 1
    await query.edit_message_text(texts.broadcast_done(sent, failed))
