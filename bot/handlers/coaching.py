"""Coaching: the feedback and "it hurts" buttons, the pain check and /pain, a chat's own routine
sent as a file, and /export csv. The decisions live in the coach, bot/progression.py,
bot/uploads.py and bot/report.py; these handlers parse and answer."""

from __future__ import annotations

import html
import logging
from dataclasses import replace

from telegram import Message, Update
from telegram.error import TelegramError

from bot import callbacks, texts
from bot.context import BotContext
from bot.fitting import fit
from bot.handlers.common import reply, subscriber_to_change
from bot.parsing import quoted
from bot.uploads import MAX_BYTES, UploadError, validate_upload

_LOGGER = logging.getLogger(__name__)


async def feedback_button(update: Update, context: BotContext) -> None:
    """Too easy / Just right / Too hard on a release message."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    vote = callbacks.parse_feedback(query.data) if isinstance(query.data, str) else None
    result = await context.services.coach.feedback(chat.id, vote) if vote and chat else None
    if result is None or chat is None:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    label, before, after, hurt = result
    await query.answer()
    note = texts.feedback_noted(label, before, after, hurt=hurt)
    message = query.message
    if isinstance(message, Message) and message.text:
        try:  # the buttons go, so the same vote cannot be counted twice
            edited = fit(f"{html.escape(message.text)}\n{note}", parts=1)[0]
            await query.edit_message_text(edited)
        except TelegramError as exc:
            _LOGGER.debug("Could not mark feedback in chat %s: %s", chat.id, exc)


async def hurts_button(update: Update, context: BotContext) -> None:
    """“Stop — it hurts” on a hold message."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    if chat is None or not await context.services.coach.hurts(context, chat.id):
        await query.answer(texts.BUTTON_EXPIRED)
        return
    await query.answer()


async def pain_button(update: Update, context: BotContext) -> None:
    """An answer to “How is your back, 0–10?”, before or after a session."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    answer = callbacks.parse_pain(query.data) if isinstance(query.data, str) else None
    coach = context.services.coach
    if answer is None or chat is None or not await coach.record_pain(chat.id, answer):
        await query.answer(texts.BUTTON_EXPIRED)
        return
    await query.answer()
    question = texts.PAIN_BEFORE if answer.before else texts.PAIN_AFTER
    try:
        await query.edit_message_text(texts.pain_answered(question, answer.value))
    except TelegramError as exc:
        _LOGGER.debug("Could not mark the pain answer in chat %s: %s", chat.id, exc)


async def pain_command(update: Update, context: BotContext) -> None:
    """/pain on or /pain off: the question before and after sessions."""
    subscriber = await subscriber_to_change(update, context)
    if subscriber is None:
        return
    choice = " ".join(context.args or []).lower()
    if choice not in ("on", "off"):
        await reply(update, texts.PAIN_USAGE)
        return
    await context.services.storage.change(
        subscriber.chat_id, lambda current: replace(current, pain_check=choice == "on")
    )
    await reply(update, texts.PAIN_ON if choice == "on" else texts.PAIN_OFF)


async def routine_file(update: Update, context: BotContext) -> None:
    """A document: a routine file to use as the chat's own routine, or every reason why not."""
    message = update.effective_message
    document = message.document if message else None
    if document is None:
        return
    subscriber = await subscriber_to_change(update, context)
    if subscriber is None:
        return
    name = document.file_name or "the file"
    if not name.lower().endswith(".toml"):
        await reply(update, texts.UPLOAD_NOT_TOML)
        return
    if document.file_size is not None and document.file_size > MAX_BYTES:
        # Checked before downloading: Telegram says the size, so a huge file is never fetched.
        too_big = f"{quoted(name)}: larger than {MAX_BYTES // 1024} KB"
        await reply(update, texts.upload_rejected([too_big]))
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as exc:
        _LOGGER.warning("Could not download a routine file: %s", exc)
        await reply(update, texts.UPLOAD_FAILED)
        return
    services = context.services
    try:
        routine = validate_upload(data, name, set(services.routines))
    except UploadError as exc:
        await reply(update, texts.upload_rejected(exc.problems))
        return
    # Kept without a byte-order mark: it is text now, and the loader reads it either way.
    text = data.decode("utf-8-sig")
    await services.storage.change(
        subscriber.chat_id, lambda current: replace(current, own_routine=text)
    )
    await reply(update, texts.upload_accepted(routine.title, routine.id))
