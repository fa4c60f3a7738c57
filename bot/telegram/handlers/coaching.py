"""Coaching: the feedback and "it hurts" buttons, the pain check and /pain, /sound, a chat's own
routine sent as a file. The decisions live in ``services.coaching``
(:class:`bot.features.coaching.CoachingService`); these handlers parse and answer."""

from __future__ import annotations

import html
import logging

from telegram import Message, Update
from telegram.error import TelegramError

from bot.core.parsing import quoted
from bot.core.progression import Feedback
from bot.core.uploads import MAX_BYTES, UploadError
from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit
from bot.telegram.handlers.common import reply, subscriber_to_change
from bot.telegram.render import account as account_text
from bot.telegram.render import coaching as words

_LOGGER = logging.getLogger(__name__)


async def feedback_button(update: Update, context: BotContext) -> None:
    """Too easy / Just right / Too hard on a release message."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    vote = callbacks.parse_feedback(query.data) if isinstance(query.data, str) else None
    result = None
    if vote is not None and chat is not None:
        result = await context.services.coaching.feedback(
            chat.id,
            vote=Feedback(vote.vote),
            key=vote.key,
            used_ms=vote.used_ms,
            session=vote.session,
        )
    if result is None or chat is None:
        await query.answer(account_text.button_expired())
        return
    await query.answer()
    note = words.feedback_noted(
        result.label, result.before, result.after, hurt=result.hurt, limit=result.limit
    )
    message = query.message
    if isinstance(message, Message) and message.text:
        try:  # the buttons go, so the same vote cannot be counted twice
            edited = fit(f"{html.escape(message.text)}\n{note}", parts=1)[0]
            await query.edit_message_text(edited)
        except TelegramError as exc:
            _LOGGER.debug("Could not mark feedback in chat %s: %s", chat.id, exc)


async def hurts_button(update: Update, context: BotContext) -> None:
    """“Stop — it hurts” on a hold message: whenever it is pressed, even on a finished
    session's message, the answer is the safety note (and a running session stops)."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    await query.answer()
    if chat is not None:
        await context.services.coaching.hurts(chat.id)


async def pain_button(update: Update, context: BotContext) -> None:
    """An answer to “How is your back, 0–10?”, before or after a session, acted on by the
    rules of bot/core/safety.py; a question from before the latest session has expired."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    answer = callbacks.parse_pain(query.data) if isinstance(query.data, str) else None
    coaching = context.services.coaching
    answers = None
    if answer is not None and chat is not None:
        answers = await coaching.record_pain(
            chat.id, session=answer.session, before=answer.before, value=answer.value
        )
    if answer is None or chat is None or answers is None:
        await query.answer(account_text.button_expired())
        return
    await query.answer()
    question = words.pain_before() if answer.before else words.pain_after()
    try:
        await query.edit_message_text(words.pain_answered(question, answer.value))
    except TelegramError as exc:
        _LOGGER.debug("Could not mark the pain answer in chat %s: %s", chat.id, exc)
    if answer.value is not None:
        await coaching.act_on_pain(
            chat.id, session=answer.session, before=answer.before, answers=answers
        )


async def gate_button(update: Update, context: BotContext) -> None:
    """“Continue gently” or “Stop for today” after a high pain answer; live while that
    session runs."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    gate = callbacks.parse_gate(query.data) if isinstance(query.data, str) else None
    coaching = context.services.coaching
    if gate is None or chat is None or not await coaching.gate_is_live(chat.id, gate.session):
        await query.answer(account_text.button_expired())
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message) and message.text:
        try:  # the buttons go: the question is answered
            answered = words.gate_answered(html.escape(message.text), gate.go_on)
            await query.edit_message_text(fit(answered, parts=1)[0])
        except TelegramError as exc:
            _LOGGER.debug("Could not mark the answer in chat %s: %s", chat.id, exc)
    await coaching.pass_gate(chat.id, session=gate.session, go_on=gate.go_on)


async def pain_command(update: Update, context: BotContext) -> None:
    """/pain on or /pain off: the question before and after sessions."""
    subscriber = await subscriber_to_change(update, context)
    if subscriber is None:
        return
    choice = " ".join(context.args or []).lower()
    if choice not in ("on", "off"):
        await reply(update, words.pain_usage())
        return
    await context.services.coaching.set_pain_check(subscriber.chat_id, choice == "on")
    await reply(update, words.pain_on() if choice == "on" else words.pain_off())


async def sound_command(update: Update, context: BotContext) -> None:
    """/sound on or /sound off: a notification with the cues that end a hold."""
    subscriber = await subscriber_to_change(update, context)
    if subscriber is None:
        return
    choice = " ".join(context.args or []).lower()
    if choice not in ("on", "off"):
        await reply(update, words.sound_usage())
        return
    await context.services.coaching.set_sound(subscriber.chat_id, choice == "on")
    await reply(update, words.sound_on() if choice == "on" else words.sound_off())


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
        await reply(update, words.upload_not_toml())
        return
    if document.file_size is not None and document.file_size > MAX_BYTES:
        # Checked before downloading: Telegram says the size, so a huge file is never fetched.
        too_big = f"{quoted(name)}: larger than {MAX_BYTES // 1024} KB"
        await reply(update, words.upload_rejected([too_big]))
        return
    try:
        data = bytes(await (await document.get_file()).download_as_bytearray())
    except TelegramError as exc:
        _LOGGER.warning("Could not download a routine file: %s", exc)
        await reply(update, words.upload_failed())
        return
    try:
        routine = await context.services.coaching.save_routine(subscriber.chat_id, data, name)
    except UploadError as exc:
        await reply(update, words.upload_rejected(exc.problems))
        return
    await reply(update, words.upload_accepted(routine.title, routine.id))
