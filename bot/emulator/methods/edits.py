"""Changing a message the bot sent: editMessageText and editMessageReplyMarkup.

Both refuse an edit that changes nothing ("message is not modified"), as Telegram does, and
count against the flood limits like a send.
"""

from __future__ import annotations

import time

from .. import limits
from ..errors import bad_request
from ..models import JSON, BotMessage, MessageEdit, MessageEdited
from ..spec import BotApiSpec
from ..state import EmulatorState
from .registry import Params, method

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


def _message_to_edit(state: EmulatorState, p: Params) -> BotMessage:
    if "inline_message_id" in p:
        raise bad_request("inline messages are not emulated")
    if "chat_id" not in p or "message_id" not in p:
        raise bad_request("message identifier is not specified")
    chat = state.writable_chat(p["chat_id"])
    message = state.bot_message(chat.id, p["message_id"])
    if message is None or message.deleted:
        if state.message_exists(chat.id, p["message_id"]):
            raise bad_request("message can't be edited")
        raise bad_request("message to edit not found")
    return message


def _apply_edit(
    state: EmulatorState,
    message: BotMessage,
    text: str,
    entities: list[JSON],
    reply_markup: JSON | None,
    now: float,
) -> object:
    if (text, entities, reply_markup) == (message.text, message.entities, message.reply_markup):
        raise bad_request(NOT_MODIFIED)
    state.check_flood(message.chat_id, now)
    edit = MessageEdit(now, int(time.time()), text, entities, reply_markup)
    message.text, message.entities, message.reply_markup = text, entities, reply_markup
    message.edits.append(edit)
    state.publish(MessageEdited(message, edit))
    return state.message_to_api(message)


@method("editMessageText")
async def edit_message_text(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    """Without reply_markup the inline keyboard goes away, as at Telegram."""
    message = _message_to_edit(state, p)
    if message.photo is not None or message.document is not None:
        raise bad_request("there is no text in the message to edit")  # editMessageCaption's
    text, entities = limits.formatted_text(p["text"], p.get("parse_mode"), p.get("entities"))
    limits.check_reply_markup(spec, p.get("reply_markup"))
    if "link_preview_options" in p:
        message.link_preview_options = p["link_preview_options"]
    return _apply_edit(state, message, text, entities, p.get("reply_markup"), now)


@method("editMessageReplyMarkup")
async def edit_message_reply_markup(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    message = _message_to_edit(state, p)
    limits.check_reply_markup(spec, p.get("reply_markup"))
    return _apply_edit(state, message, message.text, message.entities, p.get("reply_markup"), now)
