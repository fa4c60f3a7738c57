"""Everything nobody else handled, and the error handler."""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.ports import Blocked, Unreachable
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import reply
from bot.telegram.render import account as account_text

_LOGGER = logging.getLogger(__name__)


async def unknown_command(update: Update, context: BotContext) -> None:
    """Say so, unless the command is addressed to another bot (``/time@other_bot``)."""
    message = update.effective_message
    words = (message.text or "").split() if message else []
    command, _, addressee = (words[0] if words else "").partition("@")
    if addressee and addressee.lower() != (context.bot.username or "").lower():
        return
    await reply(update, account_text.unknown_command(command))


async def not_text(update: Update, _: BotContext) -> None:
    """Stickers, photos, voice notes…: nothing to act on, but say so rather than stay silent."""
    await reply(update, account_text.not_text())


async def expired_button(update: Update, _: BotContext) -> None:
    """A button whose data no handler accepts: from an old message, or forged."""
    if update.callback_query:
        await update.callback_query.answer(account_text.button_expired(), show_alert=False)


def _where(update: object, context: BotContext) -> str:
    """Which update or job failed, for the log line (ids only: no message text)."""
    if isinstance(update, Update):
        chat = update.effective_chat
        return f"update {update.update_id} in chat {chat.id if chat else None}"
    if context.job is not None:
        return f"job {context.job.name}"
    return "no update"


async def on_error(update: object, context: BotContext) -> None:
    """Log the error once, with where it happened (the log filter takes the token out), and
    tell the user something went wrong rather than leave them waiting."""
    error = context.error
    context.services.failures[type(error).__name__] += 1
    quiet = isinstance(error, Forbidden | NetworkError) and not isinstance(error, BadRequest)
    if quiet or isinstance(error, Blocked | Unreachable):
        # Blocked by a user, or Telegram unreachable for a moment: nothing to tell anyone.
        _LOGGER.warning(
            "Telegram refused or was unreachable (%s): %s", _where(update, context), error
        )
        return
    _LOGGER.error("Exception while handling %s", _where(update, context), exc_info=error)
    if isinstance(update, Update) and update.callback_query is not None:
        # A press the failed handler never answered would leave its button spinning.
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer(account_text.something_went_wrong())
    if isinstance(update, Update) and update.effective_message:
        try:
            await update.effective_message.reply_text(account_text.something_went_wrong())
        except Exception:  # the error handler must not raise in its turn
            _LOGGER.exception("Could not tell the user about the error")
