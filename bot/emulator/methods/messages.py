"""What the bot puts in a chat: sendMessage, sendChatAction, deleteMessage.

``post`` keeps a sent message with the options every send method shares; sendDocument
(in ``files``) uses it too.
"""

from __future__ import annotations

import time
from typing import Any

from .. import limits
from ..errors import bad_request
from ..models import JSON, BotMessage, ChatAction, ChatActionSent, MessageDeleted, MessageSent
from ..spec import BotApiSpec
from ..state import EmulatorState
from .registry import Params, method


@method("sendMessage")
async def send_message(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    chat = state.writable_chat(p["chat_id"])
    text, entities = limits.formatted_text(p["text"], p.get("parse_mode"), p.get("entities"))
    limits.check_reply_markup(spec, p.get("reply_markup"))
    limits.check_reply_keyboard(spec, p.get("reply_markup"), chat.type)
    reply_to: int | None = None
    if "reply_parameters" in p:
        reply = p["reply_parameters"]
        if state.message_exists(chat.id, reply["message_id"]):
            reply_to = reply["message_id"]
        elif not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
    state.check_flood(chat.id, now, paid=bool(p.get("allow_paid_broadcast")))
    return post(
        state,
        p,
        chat.id,
        now,
        text,
        entities,
        source_text=p["text"],
        link_preview_options=p.get("link_preview_options"),
        reply_to_message_id=reply_to,
    )


def post(
    state: EmulatorState,
    p: Params,
    chat_id: int,
    now: float,
    text: str,
    entities: list[JSON],
    **fields: Any,
) -> object:
    """Keep a message the bot sent (with the options every send method shares), tell the
    listeners, and answer with it as a Message. A reply keyboard in it (or its removal)
    changes what the chat shows under its input field."""
    markup = p.get("reply_markup") or {}
    chat = state.chat(chat_id)
    if "keyboard" in markup:
        chat.reply_keyboard = markup
    elif markup.get("remove_keyboard"):
        chat.reply_keyboard = None
    message = BotMessage(
        chat_id=chat_id,
        message_id=state.next_message_id(chat_id),
        text=text,
        entities=entities,
        parse_mode=p.get("parse_mode"),
        reply_markup=p.get("reply_markup"),
        disable_notification=bool(p.get("disable_notification", False)),
        protect_content=bool(p.get("protect_content", False)),
        paid_broadcast=bool(p.get("allow_paid_broadcast", False)),
        sent_at=now,
        date=int(time.time()),
        **fields,
    )
    state.bot_messages.setdefault(chat_id, []).append(message)
    state.publish(MessageSent(message))
    return state.message_to_api(message)


@method("deleteMessage")
async def delete_message(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    chat = state.chat(p["chat_id"])
    message_id: int = p["message_id"]
    if not state.message_exists(chat.id, message_id):
        raise bad_request("message to delete not found")
    message = state.bot_message(chat.id, message_id)
    if message is not None:
        message.deleted, message.deleted_at = True, now
    else:
        state.deleted_user_messages.add((chat.id, message_id))
    state.publish(MessageDeleted(chat.id, message_id, message))
    return True


@method("sendChatAction")
async def send_chat_action(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    chat = state.writable_chat(p["chat_id"])
    limits.check_chat_action(p["action"])
    action = ChatAction(chat.id, p["action"], now)
    state.chat_actions.append(action)
    state.publish(ChatActionSent(action))
    return True
