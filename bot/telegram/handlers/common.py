"""Small helpers shared by the handlers: replying (a text, or a feature's note), finding the
chat's settings, group rules."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import (
    ChatMember,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.constants import ChatType
from telegram.error import TelegramError

from bot.core.chat import Chat
from bot.ports import Note
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit
from bot.telegram.render import Rendered
from bot.telegram.render import account as account_text
from bot.telegram.render.registry import RENDERERS

_LOGGER = logging.getLogger(__name__)
_ADMINS = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


async def reply(
    update: Update,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
) -> Message | None:
    """Answer in the chat the update came from: in several messages if the text is longer than
    one (the buttons go on the last); returns the last one sent."""
    message = update.effective_message
    if message is None:
        return None
    parts = fit(text)
    sent = None
    for number, part in enumerate(parts, start=1):
        last = number == len(parts)
        sent = await message.reply_text(part, reply_markup=markup if last else None)
    return sent


def render(note: Note) -> Rendered:
    """The message a note becomes (KeyError for a note nobody renders: a wiring bug)."""
    return RENDERERS[type(note)](note)


async def answer(update: Update, note: Note) -> Message | None:
    """Reply with a note, as :func:`reply` replies with a text: in the update's chat, quoting
    the command in a group, in its topic; the last message sent."""
    rendered = render(note)
    return await reply(update, rendered.text, rendered.keyboard or rendered.buttons)


def is_group(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type in (ChatType.GROUP, ChatType.SUPERGROUP)


async def known_subscriber(update: Update, context: BotContext) -> Chat | None:
    """The chat's stored settings; if it never used /start, say so and return None."""
    chat = update.effective_chat
    subscriber = await context.services.store.chat(chat.id) if chat else None
    if subscriber is None:
        await reply(
            update,
            account_text.group_not_set_up() if is_group(update) else account_text.not_set_up(),
        )
    return subscriber


async def is_admin(update: Update, context: BotContext) -> bool:
    """In a group, whether the sender may change its settings; in a private chat, always."""
    if not is_group(update):
        return True
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None:
        return False
    if message is not None and message.sender_chat is not None:
        # An anonymous admin writes as the group itself.
        return message.sender_chat.id == chat.id
    if user is None:
        return False
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        _LOGGER.warning("Could not check admin rights in chat %s: %s", chat.id, exc)
        return False
    return member.status in _ADMINS


def permission(update: Update, context: BotContext) -> Callable[[], Awaitable[bool]]:
    """The group rule, for a feature to ask only when a change is requested (in a group it
    costs a ``getChatMember`` call); the feature says "admins only" itself."""
    return lambda: is_admin(update, context)


async def may_change(update: Update, context: BotContext) -> bool:
    """Settings change only by group admins; others are told why nothing happened."""
    if await is_admin(update, context):
        return True
    if update.callback_query:
        await update.callback_query.answer(account_text.admins_only(), show_alert=True)
    else:
        await reply(update, account_text.admins_only())
    return False


async def subscriber_to_change(update: Update, context: BotContext) -> Chat | None:
    """The chat's settings, if they exist and the sender may change them."""
    if not await may_change(update, context):
        return None
    return await known_subscriber(update, context)
