"""Starting and steering a guided session: the word "start", /go, the reminder's button, and
the words stop / pause / resume / skip while a session runs."""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BotContext
from bot.handlers.common import known_subscriber, reply
from bot.parsing import normalize_words


async def _begin(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or await known_subscriber(update, context) is None:
        return
    services = context.services
    if not await services.coach.start(context, chat.id, services.routines.default):
        await reply(update, texts.ALREADY_RUNNING)


async def go(update: Update, context: BotContext) -> None:
    """/go: start the routine now."""
    await _begin(update, context)


async def start_button(update: Update, context: BotContext) -> None:
    """The reminder's "Start now" button."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    await _begin(update, context)


async def on_text(update: Update, context: BotContext) -> None:
    """Plain text: session words while a session runs, "start" otherwise."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    words = normalize_words(message.text)
    coach = context.services.coach
    if coach.running(chat.id) is None:
        if words == texts.WORD_START:
            await _begin(update, context)
        elif words in (texts.WORD_STOP, texts.WORD_PAUSE, texts.WORD_RESUME, texts.WORD_SKIP):
            await reply(update, texts.NO_SESSION)
        else:
            await reply(update, texts.NOT_UNDERSTOOD)
        return
    if words == texts.WORD_START:
        await reply(update, texts.ALREADY_RUNNING)
    elif words == texts.WORD_STOP:
        await coach.stop(context, chat.id)
    elif words == texts.WORD_SKIP:
        await coach.skip(context, chat.id)
    elif words == texts.WORD_PAUSE:
        if await coach.pause(context, chat.id) is False:
            await reply(update, texts.ALREADY_PAUSED)
    elif words == texts.WORD_RESUME:
        if await coach.resume(context, chat.id) is False:
            await reply(update, texts.NOT_PAUSED)
    else:
        await reply(update, texts.SESSION_HINT)
