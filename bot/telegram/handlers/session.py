"""Starting and steering a guided session: the word "start" (or "start quick"), /go, the
reminder's buttons, "later", and the words stop / pause / resume / skip / again / repeat while
one runs. The session itself is ``services.sessions`` (:class:`bot.features.sessions.Sessions`)."""

from __future__ import annotations

from telegram import Update

from bot.core.parsing import normalize_words
from bot.core.routines import Routine
from bot.core.uploads import available, chat_routine
from bot.features.account import NotSetUp
from bot.telegram import callbacks
from bot.telegram.context import BotContext
from bot.telegram.handlers.common import answer, is_group, known_subscriber, reply
from bot.telegram.handlers.settings import routine_names
from bot.telegram.render import account as account_text
from bot.telegram.render import breaks as breaks_text
from bot.telegram.render import coaching as coaching_words
from bot.telegram.render import schedule as schedule_text
from bot.telegram.render import session as words
from bot.telegram.render.words import (
    WORD_AGAIN,
    WORD_LATER,
    WORD_PAUSE,
    WORD_REPEAT,
    WORD_RESUME,
    WORD_SKIP,
    WORD_START,
    WORD_STOP,
    meaning,
)

#: Words that steer a running session.
MOVES = (WORD_SKIP, WORD_AGAIN, WORD_REPEAT)
SESSION_WORDS = (WORD_STOP, WORD_PAUSE, WORD_RESUME, *MOVES, coaching_words.WORD_HURTS)
#: "later" snoozes the reminder by this many minutes.
LATER_MINUTES = 15


async def find_routine(
    context: BotContext, name: str, chat_id: int | None = None
) -> Routine | None:
    """A routine by id ("quick") or by a word of its title, the chat's own included; None if
    nothing matches."""
    subscriber = await context.services.store.chat(chat_id) if chat_id is not None else None
    routines = available(context.services.routines, subscriber)
    if name in routines:
        return routines[name]
    matches = [r for r in routines.values() if name in normalize_words(r.title).split()]
    return matches[0] if len(matches) == 1 else None


async def begin(update: Update, context: BotContext, routine: Routine | None = None) -> None:
    """Start a session in this chat with ``routine`` (default: the chat's own)."""
    chat = update.effective_chat
    if chat is None:
        return
    subscriber = await known_subscriber(update, context)
    if subscriber is None:
        return
    services = context.services
    routine = routine or chat_routine(services.routines, subscriber)
    if await services.sessions.running(chat.id):
        await reply(update, words.already_running())
        return
    await services.reminders.reacted(chat.id)
    await services.reminders.close_reminder(chat.id)
    # In groups every edit counts against 20 messages a minute: no live countdown there.
    group = is_group(update)
    await services.sessions.start(chat.id, routine, live_countdown=not group, private=not group)


async def go(update: Update, context: BotContext) -> None:
    """/go, or /go quick: start a routine now."""
    name = " ".join(context.args or []).lower()
    chat_id = update.effective_chat.id if update.effective_chat else None
    routine = await find_routine(context, name, chat_id) if name else None
    if name and routine is None:
        await _unknown_routine(update, context, name)
        return
    await begin(update, context, routine)


async def _unknown_routine(update: Update, context: BotContext, name: str) -> None:
    chat = update.effective_chat
    subscriber = await context.services.store.chat(chat.id) if chat else None
    await reply(update, schedule_text.unknown_routine(name, routine_names(context, subscriber)))


async def start_button(update: Update, context: BotContext) -> None:
    """The reminder's "Start now" and "Quick" buttons."""
    query, chat = update.callback_query, update.effective_chat
    if query is None:
        return
    routine_id = callbacks.parse_go(query.data) if isinstance(query.data, str) else None
    subscriber = await context.services.store.chat(chat.id) if chat else None
    routines = available(context.services.routines, subscriber)  # the chat's own too
    routine = routines.get(routine_id) if routine_id else None
    if routine_id is None or chat is None or (routine_id and routine is None):
        await query.answer(account_text.button_expired())
        return
    await query.answer()
    await begin(update, context, routine)


async def on_text(update: Update, context: BotContext) -> None:
    """Plain text: session words while a session runs; "start", "start quick", "later"
    otherwise. In groups, anything else is conversation and is left alone."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or message.text is None:
        return
    typed = normalize_words(message.text)
    # A session word in any shipped language means its English word ("weiter" → "resume").
    said = meaning(typed) or typed
    coach = context.services.sessions
    group = is_group(update)
    if await coach.running(chat.id) is None:
        first, _, rest = typed.partition(" ")
        if said == WORD_START or meaning(first) == WORD_START:
            rest = "" if said == WORD_START else rest
            routine = await find_routine(context, rest, chat.id) if rest else None
            if rest and routine is None:
                await _unknown_routine(update, context, rest)
            else:
                await begin(update, context, routine)
        elif said == WORD_LATER:
            await later(update, context)
        elif group:
            return
        elif typed in coaching_words.hurt_words():
            # Someone in pain is never told to start a session: the safety note instead.
            await reply(update, coaching_words.hurt_note())
        elif await context.services.store.chat(chat.id) is None:
            await reply(
                update, account_text.not_set_up()
            )  # e.g. after /forget: "start" would not work
        elif typed in breaks_text.meeting_words():
            await answer(update, await context.services.breaks.meeting(chat.id) or NotSetUp())
        elif said in SESSION_WORDS:
            await reply(update, words.no_session(said))
        else:
            await reply(update, account_text.not_understood())
        return
    if said == WORD_START or meaning(typed.partition(" ")[0]) == WORD_START:
        await reply(update, words.already_running())
    elif typed in coaching_words.hurt_words():
        await coach.hurts(chat.id)
    elif said == WORD_STOP:
        await coach.stop(chat.id)
    elif said in MOVES:
        if await coach.skip(chat.id, said) is False:
            await reply(update, words.nothing_to_repeat())
    elif said == WORD_PAUSE:
        if await coach.pause(chat.id) is False:
            await reply(update, words.already_paused())
    elif said == WORD_RESUME:
        if await coach.resume(chat.id) is False:
            await reply(update, words.not_paused())
    elif not group:
        await reply(update, words.session_hint())


async def later(update: Update, context: BotContext) -> None:
    """“later”: the reminder again in 15 minutes; after "Skip today", that skip is undone."""
    chat = update.effective_chat
    if chat is None or await known_subscriber(update, context) is None:
        return
    snoozed = await context.services.reminders.later(chat.id)
    if snoozed is not None:
        await answer(update, snoozed)
