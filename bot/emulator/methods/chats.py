"""What the bot can learn about a chat: getChat, its members, administrators and size."""

from __future__ import annotations

from ..errors import bad_request
from ..models import JSON, ChatState
from ..spec import BotApiSpec
from ..state import EmulatorState
from .registry import Params, method


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
