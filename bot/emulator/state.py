"""Everything the emulated Telegram knows: chats, messages, pending updates, logs, listeners.

Both sides work on it in one event loop: the HTTP handlers (the bot's calls) and the driver
(tests and the sandbox playing users). Anyone who changes something calls ``changed.fire()``
so that long polls and ``wait_for_*`` calls re-check their condition.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections import deque
from dataclasses import dataclass

from .errors import ApiError, bad_request, forbidden
from .faults import Faults
from .flood import TelegramLimits
from .models import (
    JSON,
    ApiRequest,
    BotMessage,
    CallbackAnswer,
    ChatAction,
    ChatState,
    EmulatedUser,
    Event,
    StoredFile,
)
from .webhook import WebhookState

# Sent when allowed_updates is empty or was never set, as at Telegram.
DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


def scope_key(scope: JSON | None) -> str:
    """A BotCommandScope as a dict key (absent means the default scope)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


class Pulse:
    """A broadcast wake-up: ``fire()`` releases everyone currently in ``wait()``."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def fire(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seconds: float) -> None:
        """Return on the next ``fire()`` or after ``seconds``, whichever is first."""
        event = self._event
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(seconds, 0)):
                await event.wait()


@dataclass
class PendingQuery:
    """A callback query the bot has received but may not have answered yet."""

    id: str
    chat_id: int | None
    message_id: int | None
    data: str | None
    answered: bool = False


class EmulatorState:
    """The emulated Telegram world for one bot."""

    def __init__(self, bot_user: JSON) -> None:
        self.bot_user = bot_user
        self.users: dict[int, EmulatedUser] = {}
        self.chats: dict[int, ChatState] = {}
        self.blocked: set[int] = set()
        self.bot_messages: dict[int, list[BotMessage]] = {}
        self.user_messages: dict[tuple[int, int], JSON] = {}
        self.deleted_user_messages: set[tuple[int, int]] = set()
        self._last_message_id: dict[int, int] = {}
        self.updates: list[JSON] = []
        self.dropped_updates: list[JSON] = []
        self._last_update_id = 0
        self.allowed_updates: frozenset[str] | None = None
        #: The webhook, if one is set (then getUpdates is 409), and its deliveries.
        self.webhooks = WebhookState()
        self.poll_generation = 0
        self.waiting_polls = 0
        self.closing = False
        self.queries: dict[str, PendingQuery] = {}
        self._last_query_id = 0
        self.callback_answers: list[CallbackAnswer] = []
        self.chat_actions: list[ChatAction] = []
        self.requests: list[ApiRequest] = []
        self.commands: dict[tuple[str, str], list[JSON]] = {}
        self.descriptions: dict[str, str] = {}
        self.short_descriptions: dict[str, str] = {}
        self.flood_limit: tuple[int, float] | None = None
        self._flood_times: dict[int, deque[float]] = {}
        #: Limits mode (None: off), and every 429 answered, by either flood check.
        self.telegram_limits: TelegramLimits | None = None
        self.too_many_requests = 0
        #: Sends with allow_paid_broadcast=True that went through (each costs Stars at Telegram).
        self.paid_broadcasts = 0
        self.internal_errors: list[str] = []
        self.faults = Faults()
        self._last_file_number = 0
        #: Files users sent, by file_id (bot/emulator/files.py); the bot's are on its messages.
        self.files: dict[str, StoredFile] = {}
        self.subscribers: list[asyncio.Queue[Event]] = []
        self.changed = Pulse()

    # -- chats -------------------------------------------------------------------------------

    def chat(self, chat_id: object) -> ChatState:
        """The chat a call targets by id or ``@username``, or 400 "chat not found"."""
        if isinstance(chat_id, int):
            found = self.chats.get(chat_id)
            if found is not None:
                return found
        elif isinstance(chat_id, str):
            for chat in self.chats.values():
                if chat.username and f"@{chat.username}".lower() == chat_id.lower():
                    return chat
        raise bad_request("chat not found")

    def writable_chat(self, chat_id: object) -> ChatState:
        """A chat the bot may post to: known, and (if private) not blocked by the user."""
        chat = self.chat(chat_id)
        if chat.id in self.blocked:
            raise forbidden("bot was blocked by the user")
        return chat

    def next_message_id(self, chat_id: int) -> int:
        """Message ids are per chat and shared by both sides, as in private chats."""
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    def next_file_number(self) -> int:
        self._last_file_number += 1
        return self._last_file_number

    def bot_message(self, chat_id: int, message_id: int) -> BotMessage | None:
        """The bot's message with this id, deleted or not."""
        for message in self.bot_messages.get(chat_id, []):
            if message.message_id == message_id:
                return message
        return None

    def message_exists(self, chat_id: int, message_id: int) -> bool:
        """Whether a (not deleted) message from either side has this id."""
        bot = self.bot_message(chat_id, message_id)
        if bot is not None:
            return not bot.deleted
        key = (chat_id, message_id)
        return key in self.user_messages and key not in self.deleted_user_messages

    def message_to_api(self, message: BotMessage) -> JSON:
        """The Bot API ``Message`` object for one of the bot's messages."""
        data: JSON = {
            "message_id": message.message_id,
            "from": self.bot_user_short(),
            "chat": self.chats[message.chat_id].to_api(),
            "date": message.date,
        }
        if message.reply_to_message_id is not None:
            replied = self.any_message_to_api(message.chat_id, message.reply_to_message_id)
            if replied is not None:
                data["reply_to_message"] = replied
        if message.edit_date is not None:
            data["edit_date"] = message.edit_date
        if message.protect_content:
            data["has_protected_content"] = True
        if message.document is not None or message.photo is not None:
            if message.document is not None:
                data["document"] = message.document.to_api()
            if message.photo is not None:
                data["photo"] = message.photo.to_api()
            if message.text:
                data["caption"] = message.text
            if message.entities:
                data["caption_entities"] = message.entities
        else:
            data["text"] = message.text
            if message.entities:
                data["entities"] = message.entities
        if message.link_preview_options:
            data["link_preview_options"] = message.link_preview_options
        if message.reply_markup and "inline_keyboard" in message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def any_message_to_api(self, chat_id: int, message_id: int) -> JSON | None:
        """A message from either side, without its own ``reply_to_message``."""
        bot = self.bot_message(chat_id, message_id)
        if bot is not None:
            data = self.message_to_api(bot)
        elif (chat_id, message_id) in self.user_messages:
            data = dict(self.user_messages[chat_id, message_id])
        else:
            return None
        data.pop("reply_to_message", None)
        return data

    def bot_user_short(self) -> JSON:
        """The bot as ``from`` of its messages: the fields Telegram includes there."""
        keys = ("id", "is_bot", "first_name", "username")
        return {key: self.bot_user[key] for key in keys}

    # -- updates -----------------------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: JSON) -> JSON:
        """Queue an update for getUpdates (unless allowed_updates filters it out)."""
        self._last_update_id += 1
        update = {"update_id": self._last_update_id, kind: payload}
        allowed = self.allowed_updates
        if (allowed is None and kind in DEFAULT_EXCLUDED_UPDATES) or (
            allowed is not None and kind not in allowed
        ):
            self.dropped_updates.append(update)
        else:
            self.updates.append(update)
        self.changed.fire()
        return update

    def confirm_updates(self, offset: int) -> None:
        """getUpdates' offset: forget updates below it (a negative one keeps the last -offset)."""
        if offset < 0:
            self.updates = self.updates[offset:]
        else:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]

    def set_allowed_updates(self, kinds: list[str]) -> None:
        """Remembered across calls; an empty list restores the default set."""
        self.allowed_updates = frozenset(kinds) if kinds else None

    def new_query_id(self) -> str:
        """Callback query ids look like Telegram's: long decimal strings."""
        self._last_query_id += 1
        return str(4_611_686_018_427_387_904 + self._last_query_id)

    # -- flood control -----------------------------------------------------------------------

    def check_flood(self, chat_id: int, now: float, *, paid: bool = False) -> None:
        """429 with retry_after if this chat already got ``n`` sends/edits in the window, or
        (in limits mode) if the call would break Telegram's limits; ``paid`` is a send with
        allow_paid_broadcast (its own overall limit, and counted once it passes)."""
        if self.telegram_limits is not None:
            chat = self.chats.get(chat_id)
            try:
                self.telegram_limits.check(
                    chat_id, chat is not None and chat.user is not None, now, paid=paid
                )
            except ApiError:
                self.too_many_requests += 1
                raise
        if self.flood_limit is None:
            self._count_paid(paid)
            return
        limit, window = self.flood_limit
        times = self._flood_times.setdefault(chat_id, deque())
        while times and times[0] <= now - window:
            times.popleft()
        if len(times) >= limit:
            self.too_many_requests += 1
            retry_after = max(1, math.ceil(times[0] + window - now))
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        times.append(now)
        self._count_paid(paid)

    def _count_paid(self, paid: bool) -> None:
        if paid:
            self.paid_broadcasts += 1

    # -- observation -------------------------------------------------------------------------

    def publish(self, event: Event) -> None:
        """Tell the subscribers (the sandbox UI) and wake every waiter."""
        for queue in self.subscribers:
            queue.put_nowait(event)
        self.changed.fire()

    def log_request(self, request: ApiRequest) -> None:
        self.requests.append(request)
        self.changed.fire()
