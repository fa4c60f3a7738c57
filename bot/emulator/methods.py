"""The Bot API methods the emulator implements, on validated parameters.

Each handler gets the state, the parameters already typed by the spec, and ``now``: the
``time.monotonic()`` at which the request arrived. Anything not registered here answers 404
"not emulated", so a bot relying on an unimplemented feature fails loudly.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from . import limits
from .errors import ApiError, bad_request
from .models import (
    JSON,
    BotMessage,
    CallbackAnswer,
    CallbackAnswered,
    ChatAction,
    ChatActionSent,
    ChatState,
    MessageDeleted,
    MessageEdit,
    MessageEdited,
    MessageSent,
    SentDocument,
    UploadedFile,
)
from .spec import BotApiSpec
from .state import EmulatorState, scope_key

Params = dict[str, Any]
Handler = Callable[[EmulatorState, BotApiSpec, Params, float], Awaitable[object]]
HANDLERS: dict[str, Handler] = {}

CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid"


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under the spec's spelling of the method name."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


# -- the bot itself --------------------------------------------------------------------------


@method("getMe")
async def get_me(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return state.bot_user


@method("logOut")
@method("close")
async def log_out(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return True


@method("getUpdates")
async def get_updates(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    """Long polling; a newer call ends an older one with 409, as at Telegram."""
    state.poll_generation += 1
    generation = state.poll_generation
    state.changed.fire()
    if "allowed_updates" in p:
        state.set_allowed_updates(p["allowed_updates"])
    if "offset" in p:
        state.confirm_updates(p["offset"])
    limit = p.get("limit", 100)
    limit = limit if 1 <= limit <= 100 else 100
    deadline = now + max(0, p.get("timeout", 0))
    while True:
        if generation != state.poll_generation:
            raise ApiError(409, CONFLICT)
        if state.updates or state.closing:
            return state.updates[:limit]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        await state.changed.wait(remaining)


@method("deleteWebhook")
async def delete_webhook(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    if p.get("drop_pending_updates"):
        state.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(state.updates)}


# -- commands and descriptions ---------------------------------------------------------------


def _scope_key(state: EmulatorState, p: Params) -> str:
    scope = p.get("scope")
    if scope and "chat_id" in scope:
        scope = {**scope, "chat_id": state.chat(scope["chat_id"]).id}
    return scope_key(scope)


def _language(p: Params) -> str:
    language: str = p.get("language_code", "")
    limits.check_language_code(language)
    return language


@method("setMyCommands")
async def set_my_commands(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    limits.check_commands(p["commands"])
    key = (_scope_key(state, p), _language(p))
    if p["commands"]:
        state.commands[key] = [dict(c) for c in p["commands"]]
    else:
        state.commands.pop(key, None)
    return True


@method("getMyCommands")
async def get_my_commands(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return state.commands.get((_scope_key(state, p), _language(p)), [])


@method("deleteMyCommands")
async def delete_my_commands(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    state.commands.pop((_scope_key(state, p), _language(p)), None)
    return True


@method("setMyDescription")
async def set_my_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    description: str = p.get("description", "")
    if len(description) > limits.MAX_DESCRIPTION:
        raise bad_request("BOT_DESCRIPTION_INVALID")
    state.descriptions[_language(p)] = description
    return True


@method("getMyDescription")
async def get_my_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    return {"description": state.descriptions.get(_language(p), "")}


@method("setMyShortDescription")
async def set_my_short_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    description: str = p.get("short_description", "")
    if len(description) > limits.MAX_SHORT_DESCRIPTION:
        raise bad_request("BOT_SHORT_DESCRIPTION_INVALID")
    state.short_descriptions[_language(p)] = description
    return True


@method("getMyShortDescription")
async def get_my_short_description(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    return {"short_description": state.short_descriptions.get(_language(p), "")}


# -- messages --------------------------------------------------------------------------------


@method("sendMessage")
async def send_message(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    chat = state.writable_chat(p["chat_id"])
    text, entities = limits.formatted_text(p["text"], p.get("parse_mode"), p.get("entities"))
    limits.check_reply_markup(spec, p.get("reply_markup"))
    reply_to: int | None = None
    if "reply_parameters" in p:
        reply = p["reply_parameters"]
        if state.message_exists(chat.id, reply["message_id"]):
            reply_to = reply["message_id"]
        elif not reply.get("allow_sending_without_reply"):
            raise bad_request("message to be replied not found")
    state.check_flood(chat.id, now)
    return _post(
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


@method("sendDocument")
async def send_document(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    """A file uploaded (multipart, or ``attach://<part>``) or re-sent by file_id."""
    chat = state.writable_chat(p["chat_id"])
    document = _document(state, p, p["document"])
    caption: str = ""
    entities: list[JSON] = []
    if p.get("caption"):
        caption, entities = limits.formatted_text(
            p["caption"], p.get("parse_mode"), p.get("caption_entities")
        )
        if len(caption) > limits.MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
    limits.check_reply_markup(spec, p.get("reply_markup"))
    state.check_flood(chat.id, now)
    return _post(
        state,
        p,
        chat.id,
        now,
        caption,
        entities,
        source_text=p.get("caption", ""),
        document=document,
    )


def _post(
    state: EmulatorState,
    p: Params,
    chat_id: int,
    now: float,
    text: str,
    entities: list[JSON],
    **fields: Any,
) -> object:
    """Keep a message the bot sent (with the options every send method shares), tell the
    listeners, and answer with it as a Message."""
    message = BotMessage(
        chat_id=chat_id,
        message_id=state.next_message_id(chat_id),
        text=text,
        entities=entities,
        parse_mode=p.get("parse_mode"),
        reply_markup=p.get("reply_markup"),
        disable_notification=bool(p.get("disable_notification", False)),
        protect_content=bool(p.get("protect_content", False)),
        sent_at=now,
        date=int(time.time()),
        **fields,
    )
    state.bot_messages.setdefault(chat_id, []).append(message)
    state.publish(MessageSent(message))
    return state.message_to_api(message)


def _document(state: EmulatorState, p: Params, value: object) -> SentDocument:
    if isinstance(value, str) and value.startswith("attach://"):
        value = p.get(value.removeprefix("attach://"))
        if not isinstance(value, UploadedFile):
            raise bad_request("wrong file identifier/HTTP URL specified")
    if isinstance(value, UploadedFile):
        if not value.data:
            raise bad_request("file must be non-empty")
        number = state.next_file_number()
        return SentDocument(
            f"BQACAgIAAxkDAAEmulatorDoc{number:06d}",
            f"AgADEmuDoc{number:06d}",
            value.filename,
            value.content_type,
            value.data,
        )
    for messages in state.bot_messages.values():
        for sent in messages:
            if sent.document is not None and sent.document.file_id == value:
                return sent.document
    raise bad_request("wrong file identifier/HTTP URL specified")


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


@method("answerCallbackQuery")
async def answer_callback_query(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    query = state.queries.get(p["callback_query_id"])
    if query is None or query.answered:
        raise bad_request(_QUERY_INVALID)
    limits.check_callback_answer(p.get("text"))
    query.answered = True
    answer = CallbackAnswer(
        query_id=query.id,
        chat_id=query.chat_id,
        message_id=query.message_id,
        data=query.data,
        text=p.get("text"),
        show_alert=bool(p.get("show_alert", False)),
        url=p.get("url"),
        cache_time=p.get("cache_time"),
        at=now,
    )
    state.callback_answers.append(answer)
    state.publish(CallbackAnswered(answer))
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


# -- chats -----------------------------------------------------------------------------------


@method("getChat")
async def get_chat(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    chat = state.chat(p["chat_id"])
    info = chat.to_api()
    info.update(
        accent_color_id=chat.id % 7,
        max_reaction_count=11,
        accepted_gift_types={
            "unlimited_gifts": True,
            "limited_gifts": True,
            "unique_gifts": True,
            "premium_subscription": True,
            "gifts_from_channels": True,
        },
    )
    return info


def _member(state: EmulatorState, chat: ChatState, user_id: int) -> JSON:
    bot_id = state.bot_user["id"]
    if user_id == bot_id:
        user = state.bot_user_short()
    elif user_id in state.users:
        user = state.users[user_id].to_api()
    else:
        raise bad_request("user not found")
    if chat.user is not None:
        status = "member" if user_id in (chat.id, bot_id) else "left"
        return {"status": status, "user": user}
    if chat.admin_ids and user_id == chat.admin_ids[0]:
        return {"status": "creator", "user": user, "is_anonymous": False}
    if user_id in chat.admin_ids:
        return _administrator(user)
    if user_id in chat.member_ids or user_id == bot_id:
        return {"status": "member", "user": user}
    return {"status": "left", "user": user}


def _administrator(user: JSON) -> JSON:
    rights = [
        "can_manage_chat",
        "can_delete_messages",
        "can_manage_video_chats",
        "can_restrict_members",
        "can_promote_members",
        "can_change_info",
        "can_invite_users",
        "can_post_stories",
        "can_edit_stories",
        "can_delete_stories",
        "can_pin_messages",
    ]
    return {
        "status": "administrator",
        "user": user,
        "can_be_edited": False,
        "is_anonymous": False,
        **dict.fromkeys(rights, True),
    }


@method("getChatMember")
async def get_chat_member(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return _member(state, state.chat(p["chat_id"]), p["user_id"])


@method("getChatAdministrators")
async def get_chat_administrators(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    chat = state.chat(p["chat_id"])
    if chat.user is not None:
        raise bad_request("there are no administrators in the private chat")
    return [_member(state, chat, user_id) for user_id in chat.admin_ids]


@method("getChatMemberCount")
async def get_chat_member_count(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    chat = state.chat(p["chat_id"])
    if chat.user is not None:
        return 2
    return len(set(chat.member_ids) | set(chat.admin_ids)) + 1
