"""The users and chats a test plays, and everything they send to the bot.

Texts, stickers, documents, locations, any other message, raw updates, and button presses
(``press_button`` only presses what the message shows; ``send_callback_query`` forges any).
Each becomes an update the bot receives through getUpdates.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from .. import files
from ..errors import ButtonNotFound, EmulatorUsageError
from ..models import JSON, ChatState, EmulatedUser
from ..state import EmulatorState, PendingQuery
from . import refs
from .refs import ChatRef, MessageRef

_COMMAND_RE = re.compile(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_FIRST_USER_ID = 700_000_001
_FIRST_GROUP_ID = -1_001_000_000_001


class Users:
    """``BotAPIEmulator``'s part for playing users: ``add_user``, ``send_text``..."""

    _state: EmulatorState  # shared with the server; set by BotAPIEmulator.__init__

    def _init_users(self) -> None:
        self._next_user_id = _FIRST_USER_ID
        self._next_group_id = _FIRST_GROUP_ID
        self._sticker_count = 0

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

    def _private_chat(self, user: ChatRef) -> ChatState:
        chat = refs.known_chat(self._state, user)
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
            reply_id = refs.message_id(reply_to)
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

    def send_location(
        self,
        chat: ChatRef,
        latitude: float,
        longitude: float,
        *,
        from_user: EmulatedUser | None = None,
        live_period: int | None = None,
    ) -> JSON:
        """The user shares a location (a live one for ``live_period`` seconds: its later
        positions are edits, :meth:`move_live_location`)."""
        chat_state, message = self._new_message(chat, from_user)
        message["location"] = {"latitude": latitude, "longitude": longitude}
        if live_period is not None:
            message["location"]["live_period"] = live_period
        return self._deliver(chat_state, message)

    def move_live_location(self, message: JSON, latitude: float, longitude: float) -> JSON:
        """A live location moves: Telegram sends the message again as an ``edited_message``
        (dropped, as at Telegram, unless the bot asked for edited messages)."""
        location = {**message["location"], "latitude": latitude, "longitude": longitude}
        edited = {**message, "location": location, "edit_date": int(time.time())}
        return self.send_update("edited_message", edited)

    def reply_keyboard(self, chat: ChatRef) -> list[list[JSON]] | None:
        """The reply keyboard the chat shows under its input field now (each button as an
        object: a plain label becomes ``{"text": label}``), or None."""
        shown = refs.known_chat(self._state, chat).reply_keyboard
        if shown is None:
            return None
        return [
            [{"text": b} if isinstance(b, str) else b for b in row] for row in shown["keyboard"]
        ]

    def tap_location_button(
        self,
        chat: ChatRef,
        latitude: float,
        longitude: float,
        *,
        from_user: EmulatedUser | None = None,
    ) -> JSON:
        """Tap the reply keyboard's ``request_location`` button: the user's location arrives
        as a location message. Raises ``ButtonNotFound`` if the chat shows no such button."""
        rows = self.reply_keyboard(chat) or []
        if not any(button.get("request_location") for row in rows for button in row):
            raise ButtonNotFound(f"chat {chat!r} shows no location button (keyboard: {rows})")
        return self.send_location(chat, latitude, longitude, from_user=from_user)

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
        chat_state = refs.known_chat(self._state, chat)
        message_id = refs.message_id(message)
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
        chat_state = refs.known_chat(self._state, chat)
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
