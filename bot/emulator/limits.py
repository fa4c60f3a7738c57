"""Telegram's limits that the spec states only in prose, enforced with Telegram's error texts."""

from __future__ import annotations

import re
from typing import Any

from . import markup
from .errors import bad_request
from .spec import BotApiSpec

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200
MAX_COMMANDS = 100
MAX_COMMAND_DESCRIPTION = 256
MAX_DESCRIPTION = 512
MAX_SHORT_DESCRIPTION = 120
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
BUTTON_STYLES = frozenset({"danger", "success", "primary"})
_COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
_LANGUAGE_RE = re.compile(r"[a-z]{2}")
# Fields of InlineKeyboardButton that decorate it rather than say what it does.
_BUTTON_DECORATIONS = frozenset({"text", "icon_custom_emoji_id", "style"})


def formatted_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """Parse a message text like Telegram: explicit entities win over parse_mode; the result
    must be 1-4096 characters once markup is removed and whitespace trimmed."""
    if entities is not None:
        plain, parsed = markup.trim(text, entities)
    else:
        try:
            plain, parsed = markup.parse(text, parse_mode)
        except markup.EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from None
        except ValueError:
            raise bad_request("unsupported parse_mode") from None
    if not plain:
        raise bad_request("message text is empty")
    if len(plain) > MAX_TEXT_LENGTH:
        raise bad_request("message is too long")
    return plain, parsed


def caption(params: dict[str, Any]) -> tuple[str, list[Any]]:
    """A media message's caption and its entities (none: ""), checked as the Bot API does."""
    if not params.get("caption"):
        return "", []
    text, entities = formatted_text(
        params["caption"], params.get("parse_mode"), params.get("caption_entities")
    )
    if len(text) > MAX_CAPTION_LENGTH:
        raise bad_request("message caption is too long")
    return text, entities


def check_reply_markup(spec: BotApiSpec, reply_markup: dict[str, Any] | None) -> None:
    """Inline buttons: a label, exactly one action, and callback_data of 1-64 bytes."""
    if not reply_markup or "inline_keyboard" not in reply_markup:
        return
    actions = set(spec.types["InlineKeyboardButton"].fields) - _BUTTON_DECORATIONS
    for row in reply_markup["inline_keyboard"]:
        for button in row:
            used = actions & button.keys()
            if not used:
                raise bad_request(
                    "can't parse inline keyboard button: "
                    "Text buttons are unallowed in the inline keyboard"
                )
            if len(used) > 1:
                raise bad_request(
                    "can't parse inline keyboard button: exactly one of "
                    f"{', '.join(sorted(used))} must be used"
                )
            if not str(button["text"]).strip():
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            if "style" in button and button["style"] not in BUTTON_STYLES:
                raise bad_request("can't parse inline keyboard button: unsupported style")
            if "callback_data" in button:
                size = len(str(button["callback_data"]).encode("utf-8"))
                if not 1 <= size <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not str(button["url"]).strip():
                raise bad_request("can't parse inline keyboard button: URL must be non-empty")


#: KeyboardButton fields that only decorate it; at most one of the others may be used.
_KEY_DECORATIONS = frozenset({"text", "icon_custom_emoji_id", "style"})
#: Buttons "available in private chats only", as the spec says of each.
_PRIVATE_ONLY = frozenset({"request_contact", "request_location"})


def check_reply_keyboard(spec: BotApiSpec, reply_markup: dict[str, Any] | None, chat: str) -> None:
    """Reply-keyboard buttons: a label (a string, or an object with ``text``), at most one
    request, and contact or location requests in private chats only."""
    if not reply_markup or "keyboard" not in reply_markup:
        return
    actions = set(spec.types["KeyboardButton"].fields) - _KEY_DECORATIONS
    for row in reply_markup["keyboard"]:
        for button in row:
            label = button if isinstance(button, str) else button.get("text", "")
            if not str(label).strip():
                raise bad_request("can't parse keyboard button: Text must be non-empty")
            used = set() if isinstance(button, str) else actions & button.keys()
            if len(used) > 1:
                both = ", ".join(sorted(used))
                raise bad_request(f"can't parse keyboard button: only one of {both} is allowed")
            if used & _PRIVATE_ONLY and chat != "private":
                raise bad_request("can't parse keyboard button: available in private chats only")


def check_commands(commands: list[dict[str, Any]]) -> None:
    """setMyCommands: at most 100 commands, names 1-32 of a-z0-9_, descriptions 1-256."""
    if len(commands) > MAX_COMMANDS:
        raise bad_request("BOT_COMMANDS_TOO_MUCH")
    for command in commands:
        if not _COMMAND_RE.fullmatch(str(command["command"])):
            raise bad_request("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command["description"]).strip()) <= MAX_COMMAND_DESCRIPTION:
            raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")


def check_language_code(language_code: str) -> None:
    """A two-letter ISO 639-1 code, or empty for all languages."""
    if language_code and not _LANGUAGE_RE.fullmatch(language_code):
        raise bad_request("LANG_CODE_INVALID")


def check_callback_answer(text: str | None) -> None:
    """answerCallbackQuery shows at most 200 characters."""
    if text is not None and len(text) > MAX_CALLBACK_ANSWER_LENGTH:
        raise bad_request("MESSAGE_TOO_LONG")


def check_chat_action(action: str) -> None:
    """sendChatAction accepts only Telegram's fixed list of actions."""
    if action not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
