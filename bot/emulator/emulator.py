"""``BotAPIEmulator``: a local Telegram for one bot, driven by tests and the sandbox.

The bot talks to it over real HTTP (``ApplicationBuilder().base_url(emulator.base_url)``);
the test, in the same event loop, plays the users (``send_text``, ``press_button``...) and
observes the bot (``messages``, ``wait_for_message``, ``requests``...).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from types import TracebackType
from typing import Protocol, Self, TypeVar

from aiohttp import web

from . import files
from .errors import ButtonNotFound, EmulatorUsageError, WaitTimeout
from .faults import Faults
from .flood import FloodLimits, TelegramLimits
from .models import (
    JSON,
    ApiRequest,
    BotMessage,
    CallbackAnswer,
    ChatAction,
    ChatState,
    EmulatedUser,
    Event,
    MessageEdit,
)
from .server import build_app
from .spec import BotApiSpec, load_spec
from .state import EmulatorState, PendingQuery, scope_key

DEFAULT_TOKEN = "123456:TEST-emulator-token-not-real"
_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_FIRST_USER_ID = 700_000_001
_FIRST_GROUP_ID = -1_001_000_000_001
_SHOWN_IN_FAILURES = 10

T = TypeVar("T")
ChatRef = int | EmulatedUser
MessageMatch = str | re.Pattern[str] | Callable[[BotMessage], bool] | None
EditMatch = str | re.Pattern[str] | Callable[[MessageEdit], bool] | None
RequestPredicate = Callable[[ApiRequest], bool] | None


class HasMessageId(Protocol):
    """A ``BotMessage``, a PTB ``Message``, or anything else that knows its message id."""

    @property
    def message_id(self) -> int: ...


MessageRef = int | HasMessageId


def _matches(
    match: str | re.Pattern[str] | Callable[[T], bool] | None, text: str, item: T
) -> bool:
    if match is None:
        return True
    if isinstance(match, str):
        return match in text
    if isinstance(match, re.Pattern):
        return match.search(text) is not None
    return match(item)


def _describe_match(match: object) -> str:
    if match is None:
        return "any"
    if isinstance(match, re.Pattern):
        return f"/{match.pattern}/"
    if isinstance(match, str):
        return repr(match)
    return getattr(match, "__name__", repr(match))


class BotAPIEmulator:
    """A local, in-process Telegram Bot API server plus the controls to play its users."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        username: str = "stretch_test_bot",
        first_name: str = "Stretch Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        flood_limit_per_chat: tuple[int, float] | None = None,
        limits: bool | FloodLimits = False,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("token must look like Telegram's: '<bot id>:<secret>'")
        self._token = token
        self._host = host
        self._port = port
        self.spec: BotApiSpec = load_spec()
        self._state = EmulatorState(
            {
                "id": int(bot_id),
                "is_bot": True,
                "first_name": first_name,
                "username": username,
                "can_join_groups": True,
                "can_read_all_group_messages": False,
                "supports_inline_queries": False,
                "can_connect_to_business": False,
                "has_main_web_app": False,
            }
        )
        self._state.flood_limit = flood_limit_per_chat
        if limits:
            self.enable_limits(None if limits is True else limits)
        self._runner: web.AppRunner | None = None
        self._next_user_id = _FIRST_USER_ID
        self._next_group_id = _FIRST_GROUP_ID
        self._sticker_count = 0
        self._read_cursor: dict[int, int] = {}
        self._edit_cursor: dict[tuple[int, int], int] = {}
        self._request_cursor: dict[str, int] = {}

    def __repr__(self) -> str:  # never shows the token
        state = f"serving on {self._host}:{self._port}" if self._runner else "stopped"
        return f"<BotAPIEmulator @{self.bot_user['username']} {state}>"

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port`` (port 0 picks a free one, see ``base_url``)."""
        if self._runner is not None:
            raise EmulatorUsageError("the emulator is already running")
        self._state.closing = False
        app = build_app(self._state, self.spec, self._token)
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            # A thousand chats at once open hundreds of connections together: with aiohttp's
            # backlog of 128 the rest would wait for a SYN retry (1 s, then 3 s).
            site = web.TCPSite(runner, self._host, self._port, backlog=4096)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        """Answer pending long polls (empty), then close every connection and the socket."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._state.closing = True
        self._state.changed.fire()
        await asyncio.sleep(0)
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- connection facts --------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._token

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url()`` / ``Bot(base_url=...)`` need."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's ``User`` object, as getMe returns it."""
        return dict(self._state.bot_user)

    # -- users and chats ---------------------------------------------------------------------

    def add_user(
        self,
        first_name: str = "Alex",
        *,
        user_id: int | None = None,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> EmulatedUser:
        """A new user with a private chat with the bot (chat id == user id)."""
        if user_id is None:
            user_id = self._next_user_id
            self._next_user_id += 1
        if user_id in self._state.users or user_id <= 0:
            raise EmulatorUsageError(f"user id {user_id} is taken or not positive")
        user = EmulatedUser(user_id, first_name, last_name, username, language_code)
        self._state.users[user_id] = user
        self._state.chats[user_id] = ChatState(user_id, "private", user=user)
        return user

    def user(self, user_id: int) -> EmulatedUser:
        """A user added earlier."""
        try:
            return self._state.users[user_id]
        except KeyError:
            raise EmulatorUsageError(f"no user {user_id}; add_user() first") from None

    def add_group(
        self,
        title: str,
        *,
        members: Iterable[EmulatedUser] = (),
        admins: Iterable[EmulatedUser] = (),
        username: str | None = None,
    ) -> int:
        """A supergroup with the bot in it; the first admin is its creator. Returns its id."""
        member_ids = [self._known(user).id for user in members]
        admin_ids = [self._known(user).id for user in admins]
        chat_id = self._next_group_id
        self._next_group_id -= 1
        self._state.chats[chat_id] = ChatState(
            chat_id,
            "supergroup",
            title=title,
            username=username,
            member_ids=member_ids,
            admin_ids=admin_ids,
        )
        return chat_id

    def block_bot(self, user: ChatRef) -> None:
        """From now on the bot gets 403 "bot was blocked by the user" in this private chat."""
        self._state.blocked.add(self._private_chat(user).id)

    def unblock_bot(self, user: ChatRef) -> None:
        self._state.blocked.discard(self._private_chat(user).id)

    def _known(self, user: EmulatedUser) -> EmulatedUser:
        if self._state.users.get(user.id) != user:
            raise EmulatorUsageError(f"user {user.id} was not added with add_user()")
        return user

    def _chat(self, chat: ChatRef) -> ChatState:
        chat_id = chat.id if isinstance(chat, EmulatedUser) else chat
        found = self._state.chats.get(chat_id)
        if found is None:
            raise EmulatorUsageError(f"no chat {chat_id}; add_user() or add_group() first")
        return found

    def _private_chat(self, user: ChatRef) -> ChatState:
        chat = self._chat(user)
        if chat.user is None:
            raise EmulatorUsageError(f"chat {chat.id} is not a private chat")
        return chat

    # -- acting as a user --------------------------------------------------------------------

    def send_text(
        self,
        chat: ChatRef,
        text: str,
        *,
        from_user: EmulatedUser | None = None,
        reply_to: MessageRef | None = None,
        entities: list[JSON] | None = None,
    ) -> JSON:
        """The user sends ``text``; a leading ``/command[@bot]`` gets a bot_command entity."""
        chat_state, message = self._new_message(chat, from_user)
        message["text"] = text
        if entities is None:
            command = _COMMAND_RE.match(text)
            entities = (
                [{"type": "bot_command", "offset": 0, "length": command.end()}] if command else []
            )
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            reply_id = reply_to if isinstance(reply_to, int) else reply_to.message_id
            replied = self._state.any_message_to_api(chat_state.id, reply_id)
            if replied is None:
                raise EmulatorUsageError(f"no message {reply_id} in chat {chat_state.id}")
            message["reply_to_message"] = replied
        return self._deliver(chat_state, message)

    def send_sticker(
        self,
        chat: ChatRef,
        *,
        emoji: str = "👍",
        set_name: str = "EmulatorStickers",
        from_user: EmulatedUser | None = None,
    ) -> JSON:
        """The user sends a (regular, static) sticker."""
        chat_state, message = self._new_message(chat, from_user)
        self._sticker_count += 1
        message["sticker"] = {
            "file_id": f"CAACAgIAAxkBAAEmulatorSticker{self._sticker_count:06d}",
            "file_unique_id": f"AgADEmu{self._sticker_count:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": set_name,
            "file_size": 24_000,
        }
        return self._deliver(chat_state, message)

    def send_document(
        self,
        chat: ChatRef,
        filename: str,
        data: bytes,
        mime_type: str = "application/octet-stream",
        *,
        from_user: EmulatedUser | None = None,
        caption: str | None = None,
    ) -> JSON:
        """The user sends a file; the bot can fetch it with getFile and the file URL."""
        chat_state, message = self._new_message(chat, from_user)
        stored = files.store_file(self._state, data, filename)
        message["document"] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "mime_type": mime_type,
            "file_size": len(data),
        }
        if caption:
            message["caption"] = caption
        return self._deliver(chat_state, message)

    def documents(self, chat: ChatRef) -> list[BotMessage]:
        """The bot's messages in this chat that carry a document (sendDocument), oldest first;
        ``message.document`` is the file and ``message.text`` its caption."""
        return [message for message in self.messages(chat) if message.document is not None]

    def send_location(
        self,
        chat: ChatRef,
        latitude: float,
        longitude: float,
        *,
        from_user: EmulatedUser | None = None,
    ) -> JSON:
        """The user shares a location."""
        chat_state, message = self._new_message(chat, from_user)
        message["location"] = {"latitude": latitude, "longitude": longitude}
        return self._deliver(chat_state, message)

    def send_message_with(
        self, chat: ChatRef, fields: JSON, *, from_user: EmulatedUser | None = None
    ) -> JSON:
        """A message carrying any other content (photo, voice, contact…), given as its fields."""
        chat_state, message = self._new_message(chat, from_user)
        message.update(fields)
        return self._deliver(chat_state, message)

    def send_update(self, kind: str, payload: JSON) -> JSON:
        """Any raw update (an edited message, a channel post…), unchecked: for odd inputs.

        Like Telegram, updates of a kind the bot did not ask for in allowed_updates are dropped.
        """
        return self._state.enqueue_update(kind, payload)

    @property
    def dropped_updates(self) -> list[JSON]:
        """Updates not delivered because the bot's allowed_updates excluded their kind."""
        return list(self._state.dropped_updates)

    def press_button(
        self,
        chat: ChatRef,
        message: MessageRef,
        *,
        text: str | None = None,
        data: str | None = None,
        from_user: EmulatedUser | None = None,
    ) -> JSON:
        """Press an inline button the message shows *now*, found by label and/or data.

        Raises ``ButtonNotFound`` if the message (after its latest edit) has no such
        callback button, so a test can never press a button the user could not see.
        """
        if text is None and data is None:
            raise EmulatorUsageError("press_button() needs text= or data=")
        chat_state = self._chat(chat)
        message_id = message if isinstance(message, int) else message.message_id
        current = self._state.bot_message(chat_state.id, message_id)
        wanted = " ".join(f"{k}={v!r}" for k, v in (("text", text), ("data", data)) if v)
        if current is None or current.deleted:
            gone = "was deleted" if current else "was never sent by the bot"
            raise ButtonNotFound(f"message #{message_id} in chat {chat_state.id} {gone}")
        button = current.find_button(text=text, data=data)
        if button is None:
            shown = " ".join(
                f"[{b['text']}]" + (f"({b['callback_data']})" if "callback_data" in b else "")
                for b in current.buttons
            )
            raise ButtonNotFound(
                f"no button {wanted} on {current.describe()} in chat {chat_state.id}; "
                + (f"it shows {shown}" if shown else "it has no inline keyboard")
            )
        if "callback_data" not in button:
            raise ButtonNotFound(
                f"button [{button['text']}] is not a callback button; "
                "pressing it sends nothing to the bot"
            )
        return self.send_callback_query(
            chat_state.id, message_id, str(button["callback_data"]), from_user=from_user
        )

    def send_callback_query(
        self,
        chat: ChatRef,
        message_id: int | None,
        data: str,
        *,
        from_user: EmulatedUser | None = None,
    ) -> JSON:
        """A raw button press with any ``data``, e.g. to forge stale or invalid callbacks.

        ``message_id=None`` sends the query without its ``message``, as Telegram does for a
        button on a message too old for it to attach (the bot then cannot tell the chat).
        """
        chat_state, user = self._sender(chat, from_user)
        query_id = self._state.new_query_id()
        query: JSON = {"id": query_id, "from": user.to_api()}
        if message_id is not None:
            message = self._state.bot_message(chat_state.id, message_id)
            if message is None:
                raise EmulatorUsageError(
                    f"the bot sent no message #{message_id} to {chat_state.id}"
                )
            query["message"] = (
                {"chat": chat_state.to_api(), "message_id": message_id, "date": 0}
                if message.deleted
                else self._state.message_to_api(message)
            )
        query["chat_instance"] = str(abs(chat_state.id) * 7_919 % 10**19)
        query["data"] = data
        self._state.queries[query_id] = PendingQuery(query_id, chat_state.id, message_id, data)
        self._state.enqueue_update("callback_query", query)
        return query

    def _sender(
        self, chat: ChatRef, from_user: EmulatedUser | None
    ) -> tuple[ChatState, EmulatedUser]:
        chat_state = self._chat(chat)
        if chat_state.user is not None:
            if from_user is not None and from_user.id != chat_state.user.id:
                raise EmulatorUsageError(f"user {from_user.id} can't write in {chat_state.id}")
            if chat_state.id in self._state.blocked:
                raise EmulatorUsageError(
                    f"user {chat_state.id} blocked the bot; unblock_bot() before writing to it"
                )
            return chat_state, chat_state.user
        if from_user is None:
            raise EmulatorUsageError(f"chat {chat_state.id} is a group: pass from_user=")
        if from_user.id not in chat_state.member_ids + chat_state.admin_ids:
            raise EmulatorUsageError(f"user {from_user.id} is not in chat {chat_state.id}")
        return chat_state, self._known(from_user)

    def _new_message(
        self, chat: ChatRef, from_user: EmulatedUser | None
    ) -> tuple[ChatState, JSON]:
        chat_state, user = self._sender(chat, from_user)
        return chat_state, {
            "message_id": self._state.next_message_id(chat_state.id),
            "from": user.to_api(),
            "chat": chat_state.to_api(),
            "date": int(time.time()),
        }

    def _deliver(self, chat: ChatState, message: JSON) -> JSON:
        self._state.user_messages[chat.id, message["message_id"]] = message
        self._state.enqueue_update("message", message)
        return message

    # -- observing the bot -------------------------------------------------------------------

    def messages(self, chat: ChatRef) -> list[BotMessage]:
        """Everything the bot sent to this chat, oldest first, deleted ones included."""
        chat_id = chat.id if isinstance(chat, EmulatedUser) else chat
        return list(self._state.bot_messages.get(chat_id, []))

    def message(self, chat: ChatRef, message_id: int) -> BotMessage:
        """One of the bot's messages, in its current (edited) state."""
        chat_id = chat.id if isinstance(chat, EmulatedUser) else chat
        found = self._state.bot_message(chat_id, message_id)
        if found is None:
            raise EmulatorUsageError(f"the bot sent no message #{message_id} to {chat_id}")
        return found

    def last_message(self, chat: ChatRef) -> BotMessage | None:
        messages = self.messages(chat)
        return messages[-1] if messages else None

    @property
    def requests(self) -> list[ApiRequest]:
        """Every API call, in arrival order, with its params, time and HTTP status."""
        return list(self._state.requests)

    def requests_for(self, method: str) -> list[ApiRequest]:
        """The calls of one method (case-insensitive name)."""
        return [r for r in self._state.requests if r.method.lower() == method.lower()]

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return list(self._state.callback_answers)

    @property
    def chat_actions(self) -> list[ChatAction]:
        return list(self._state.chat_actions)

    @property
    def commands(self) -> list[JSON]:
        """The commands for the default scope and all languages (what users usually see)."""
        return self.commands_for()

    def commands_for(self, scope: JSON | None = None, language_code: str = "") -> list[JSON]:
        """The commands set with setMyCommands for one scope and language."""
        return list(self._state.commands.get((scope_key(scope), language_code), []))

    @property
    def descriptions(self) -> dict[str, str]:
        """setMyDescription texts by language code ("" = default)."""
        return dict(self._state.descriptions)

    @property
    def short_descriptions(self) -> dict[str, str]:
        return dict(self._state.short_descriptions)

    @property
    def pending_updates(self) -> list[JSON]:
        """Updates queued for the bot and not yet confirmed through getUpdates' offset."""
        return list(self._state.updates)

    @property
    def internal_errors(self) -> list[str]:
        """Emulator bugs (500s) seen so far; a test fixture can assert this stays empty."""
        return list(self._state.internal_errors)

    def edit_times(self, chat: ChatRef) -> list[float]:
        """Monotonic times of every successful edit in this chat, for edit-rate assertions."""
        return sorted(edit.at for message in self.messages(chat) for edit in message.edits)

    def edit_count(self, chat: ChatRef) -> int:
        return len(self.edit_times(chat))

    @property
    def faults(self) -> Faults:
        """Injected failures: ``emulator.faults.add("502", method="sendMessage", times=2)``."""
        return self._state.faults

    def set_flood_limit(self, per_chat: tuple[int, float] | None) -> None:
        """At most ``n`` sends/edits per chat in ``seconds``, else 429; None turns it off."""
        self._state.flood_limit = per_chat

    def enable_limits(self, limits: FloodLimits | None = None) -> None:
        """Limits mode: answer 429 as Telegram does past its flood limits (see ``flood``)."""
        self._state.telegram_limits = TelegramLimits(limits)

    def disable_limits(self) -> None:
        self._state.telegram_limits = None

    @property
    def too_many_requests(self) -> int:
        """How many 429s the emulator has answered so far (limits mode or set_flood_limit)."""
        return self._state.too_many_requests

    def subscribe(self) -> asyncio.Queue[Event]:
        """A queue receiving every new message, edit, deletion, callback answer, chat action."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._state.subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        if queue in self._state.subscribers:
            self._state.subscribers.remove(queue)

    # -- waiting -----------------------------------------------------------------------------

    async def wait_for_message(
        self,
        chat: ChatRef,
        match: MessageMatch = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> BotMessage:
        """The first unconsumed bot message in the chat matching ``match`` (None: any;
        str: substring of the current text; Pattern: search; callable: predicate).

        It and everything before it count as consumed, so consecutive waits check order.
        On timeout raises ``WaitTimeout`` listing what the bot did send.
        """
        chat_id = self._chat(chat).id

        def probe() -> BotMessage | None:
            messages = self._state.bot_messages.get(chat_id, [])
            for index in range(self._read_cursor.get(chat_id, 0), len(messages)):
                if _matches(match, messages[index].text, messages[index]):
                    self._read_cursor[chat_id] = index + 1
                    return messages[index]
            return None

        return await self._wait(
            probe,
            timeout,
            lambda: self._chat_report(
                chat_id, f"no bot message matching {_describe_match(match)}", timeout
            ),
        )

    async def wait_for_edit(
        self,
        chat: ChatRef,
        message_id: int,
        match: EditMatch = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> MessageEdit:
        """The first not yet consumed edit of the message matching ``match`` (applied to the
        edited text, or a callable on the ``MessageEdit``)."""
        chat_id = self._chat(chat).id
        key = (chat_id, message_id)

        def probe() -> MessageEdit | None:
            message = self._state.bot_message(chat_id, message_id)
            edits = message.edits if message else []
            for index in range(self._edit_cursor.get(key, 0), len(edits)):
                if _matches(match, edits[index].text, edits[index]):
                    self._edit_cursor[key] = index + 1
                    return edits[index]
            return None

        return await self._wait(
            probe,
            timeout,
            lambda: self._chat_report(
                chat_id, f"no edit of #{message_id} matching {_describe_match(match)}", timeout
            ),
        )

    async def wait_for_request(
        self,
        method: str,
        predicate: RequestPredicate = None,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> ApiRequest:
        """The first not yet consumed call of ``method`` (any status) satisfying
        ``predicate``; consumption is tracked per method."""
        key = method.lower()

        def probe() -> ApiRequest | None:
            requests = self._state.requests
            for index in range(self._request_cursor.get(key, 0), len(requests)):
                request = requests[index]
                if request.method.lower() == key and (predicate is None or predicate(request)):
                    self._request_cursor[key] = index + 1
                    return request
            return None

        def report() -> str:
            latest = self._state.requests[-_SHOWN_IN_FAILURES:]
            seen = [f"{r.method} -> {r.status}" for r in latest]
            return (
                f"no {method} request matching {_describe_match(predicate)} within {timeout}s; "
                f"latest calls: {', '.join(seen) or 'none'}"
            )

        return await self._wait(probe, timeout, report)

    def drain(self, chat: ChatRef) -> list[BotMessage]:
        """The bot messages not yet consumed by a wait; they count as consumed now."""
        chat_id = chat.id if isinstance(chat, EmulatedUser) else chat
        messages = self._state.bot_messages.get(chat_id, [])
        unread = messages[self._read_cursor.get(chat_id, 0) :]
        self._read_cursor[chat_id] = len(messages)
        return list(unread)

    def mark_all_read(self) -> None:
        """Consume everything so far: messages, edits and requests (a test's fresh start)."""
        for chat_id, messages in self._state.bot_messages.items():
            self._read_cursor[chat_id] = len(messages)
            for message in messages:
                self._edit_cursor[chat_id, message.message_id] = len(message.edits)
        for method in {request.method.lower() for request in self._state.requests}:
            self._request_cursor[method] = len(self._state.requests)

    async def _wait(
        self, probe: Callable[[], T | None], seconds: float, failure: Callable[[], str]
    ) -> T:
        deadline = time.monotonic() + seconds
        while True:
            found = probe()
            if found is not None:
                return found
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise WaitTimeout(failure())
            await self._state.changed.wait(remaining)

    def _chat_report(self, chat_id: int, headline: str, timeout: float) -> str:
        messages = self._state.bot_messages.get(chat_id, [])
        cursor = self._read_cursor.get(chat_id, 0)
        first = max(0, len(messages) - _SHOWN_IN_FAILURES)
        lines = [f"{headline} in chat {chat_id} within {timeout}s."]
        if messages:
            lines.append("Bot messages there (oldest first; '>' = not consumed by a wait yet):")
            for index in range(first, len(messages)):
                marker = ">" if index >= cursor else " "
                lines.append(f"  {marker} {messages[index].describe()}")
        else:
            lines.append("The bot sent nothing to this chat.")
        failed = [r for r in self._state.requests if r.status >= 400][-5:]
        if failed:
            lines.append("Recent failed API calls:")
            lines.extend(f"    {r.method} -> {r.status} {r.description}" for r in failed)
        return "\n".join(lines)
