"""Coaching: the feedback and "it hurts" buttons, the pain check and /pain, a chat's own routine
sent as a file, and /export csv. The decisions live in the coach, bot/progression.py,
bot/safety.py, bot/uploads.py and bot/report.py; these handlers parse and answer."""

from __future__ import annotations

import html
import logging
from dataclasses import replace

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError

from bot.core import safety
from bot.core.parsing import quoted
from bot.core.uploads import MAX_BYTES, UploadError, validate_upload
from bot.telegram import callbacks, texts
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit
from bot.telegram.handlers.common import reply, subscriber_to_change

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
    await query.answer()
    note = texts.feedback_noted(
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
    coach = context.services.coach
    if chat is not None and not await coach.hurts(context, chat.id):
        await coach.note(context, chat.id, texts.HURT_NOTE)


async def pain_button(update: Update, context: BotContext) -> None:
    """An answer to “How is your back, 0–10?”, before or after a session, acted on by the
    rules of bot/safety.py; a question from before the latest session has expired."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    answer = callbacks.parse_pain(query.data) if isinstance(query.data, str) else None
    coach = context.services.coach
    answers = await coach.record_pain(chat.id, answer) if answer and chat else None
    if answer is None or chat is None or answers is None:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    await query.answer()
    question = texts.PAIN_BEFORE if answer.before else texts.PAIN_AFTER
    try:
        await query.edit_message_text(texts.pain_answered(question, answer.value))
    except TelegramError as exc:
        _LOGGER.debug("Could not mark the pain answer in chat %s: %s", chat.id, exc)
    if answer.value is None:
        return
    if answer.before:
        await _before_session(context, chat.id, answer.session, answers)
    else:
        await _after_session(context, chat.id, answers)


async def _before_session(
    context: BotContext, chat_id: int, session: int, answers: safety.Answers
) -> None:
    """High: pause the routine at once (before its first hold, if it has not come yet) and
    ask whether to go on; middling: go gently. Once the session is over, the note alone."""
    coach, score = context.services.coach, answers.before
    if score is None:
        return
    advice = safety.before_session(score)
    persistent = safety.persistently_high([*answers.earlier, score])
    if advice is safety.Before.STOP:
        buttons = [
            InlineKeyboardButton(
                texts.BUTTON_CONTINUE_GENTLY, callback_data=callbacks.gate(True, session)
            ),
            InlineKeyboardButton(
                texts.BUTTON_STOP_TODAY, callback_data=callbacks.gate(False, session)
            ),
        ]
        asked = texts.pain_high(score, persistent, paused=True)
        paused = await coach.pause(
            context,
            chat_id,
            of_session=session,
            reason=asked,
            markup=InlineKeyboardMarkup([buttons]),
        )
        if paused is None:  # the session has ended meanwhile
            await coach.note(context, chat_id, texts.pain_high(score, persistent, paused=False))
    elif advice is safety.Before.GENTLY and coach.running(chat_id):
        await coach.note(context, chat_id, texts.PAIN_GENTLY)


async def _after_session(context: BotContext, chat_id: int, answers: safety.Answers) -> None:
    """Pain that rose since before the session, or is high, gets a note, not silence."""
    if answers.after is None:
        return
    advice = safety.after_session(answers.before, answers.after)
    if advice is safety.After.ROSE and answers.before is not None:
        await context.services.coach.note(
            context, chat_id, texts.pain_rose(answers.before, answers.after)
        )
    elif advice is safety.After.HIGH:
        await context.services.coach.note(context, chat_id, texts.PAIN_STILL_HIGH)


async def gate_button(update: Update, context: BotContext) -> None:
    """“Continue gently” or “Stop for today” after a high pain answer; live while that
    session runs."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    gate = callbacks.parse_gate(query.data) if isinstance(query.data, str) else None
    coach = context.services.coach
    running = coach.running(chat.id) if chat else None
    if gate is None or chat is None or running is None or running.id != gate.session:
        await query.answer(texts.BUTTON_EXPIRED)
        return
    await query.answer()
    message = query.message
    if isinstance(message, Message) and message.text:
        try:  # the buttons go: the question is answered
            answered = texts.gate_answered(html.escape(message.text), gate.go_on)
            await query.edit_message_text(fit(answered, parts=1)[0])
        except TelegramError as exc:
            _LOGGER.debug("Could not mark the answer in chat %s: %s", chat.id, exc)
    if gate.go_on:
        await coach.resume(context, chat.id)
    else:
        await coach.stop(context, chat.id, of_session=gate.session, say=texts.STOPPED_FOR_TODAY)


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
        subscriber.chat_id,
        lambda current: replace(
            current, coaching=replace(current.coaching, pain_check=choice == "on")
        ),
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
        subscriber.chat_id,
        lambda current: replace(current, coaching=replace(current.coaching, own_routine=text)),
    )
    await reply(update, texts.upload_accepted(routine.title, routine.id))
