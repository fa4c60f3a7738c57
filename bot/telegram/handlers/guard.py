"""What every update passes before the real handlers (groups -5 to -1, see bot.app).

A polled update seen before is dropped first: after a poller dies, the next one is handed the
updates it had not confirmed, some already handled (webhooks check in ``bot.web`` instead).

The flood guard drops a user's updates past a short burst, so spamming cannot make the bot send
faster than Telegram allows to that chat, nor queue up work; a button press the bot cannot act
on (no message, so no chat) is answered and dropped; a chat that had blocked the bot and writes
again gets its reminders back.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from bot.core.flood import Verdict
from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, reply
from bot.telegram.render import account as account_text
from bot.telegram.render import coaching as coaching_text
from bot.telegram.render import i18n

_LOGGER = logging.getLogger(__name__)


async def speak_their_language(update: Update, context: BotContext) -> None:
    """Answer this update in the chat's language: the one it chose or was given at /start,
    else the writer's Telegram language, else English."""
    chat, user = update.effective_chat, update.effective_user
    saved = await context.services.store.chat(chat.id) if chat is not None else None
    i18n.use(i18n.pick(saved.language if saved else None, user.language_code if user else None))


async def first_time_only(update: Update, context: BotContext) -> None:
    """Drop an update some instance has already taken (see :class:`bot.ports.Updates`)."""
    if not await context.services.updates.first_time(update.update_id):
        _LOGGER.info("Update %s was already taken; dropping it", update.update_id)
        raise ApplicationHandlerStop


async def flood_guard(update: Update, context: BotContext) -> None:
    """Let an update through, or drop it (one "slow down" per flood).

    An update with no user (a channel post, a forged message) is dropped too: every command
    acts for someone, and nobody is there to answer.
    """
    user = update.effective_user
    if user is None:
        raise ApplicationHandlerStop
    i18n.use(user.language_code)  # "slow down" before the chat's own language is read
    verdict = await context.services.account.admit(user.id)
    if verdict is Verdict.ALLOW:
        return
    query = update.callback_query
    if query is not None:
        # A button press must be answered, or the button spins; this sends no chat message.
        await query.answer(account_text.slow_down() if verdict is Verdict.WARN else None)
    elif verdict is Verdict.WARN:
        _LOGGER.info("User %s is flooding; dropping their updates for a moment", user.id)
        await reply(update, account_text.slow_down())
    raise ApplicationHandlerStop


async def button_without_message(update: Update, _: BotContext) -> None:
    """Answer a button press that carries no message, and drop it.

    Telegram leaves the message out for buttons on old messages (and a query may carry no
    data): no handler can tell which chat it is for, so none can act, and an unanswered
    button keeps spinning in the user's app.
    """
    query = update.callback_query
    if query is None or (query.message is not None and query.data is not None):
        return
    if isinstance(query.data, str) and callbacks.parse_hurts(query.data):
        # "Stop — it hurts" always answers with the safety note, however old the button.
        await query.answer(coaching_text.hurt_note(), show_alert=True)
    else:
        await query.answer(account_text.button_expired())
    raise ApplicationHandlerStop


async def welcome_back(update: Update, context: BotContext) -> None:
    """A chat that blocked the bot writes again: reminders on, and say so. A chat whose saved
    settings could not be read (set aside in quarantine) is told so, once."""
    chat = update.effective_chat
    if chat is None or update.effective_user is None:
        return
    for note in await context.services.account.arrived(chat.id):
        await answer(update, note)
