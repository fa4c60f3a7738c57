"""What the bot did, as snapshots: its messages, API calls, answers, commands; and events.

Reading here consumes nothing; ``waiting`` has the waits that do.
"""

from __future__ import annotations

import asyncio

from ..errors import EmulatorUsageError
from ..models import JSON, ApiRequest, BotMessage, CallbackAnswer, ChatAction, Event
from ..state import EmulatorState, scope_key
from . import refs
from .refs import ChatRef


class Observation:
    """``BotAPIEmulator``'s part for looking at the bot: ``messages``, ``requests``..."""

    _state: EmulatorState  # shared with the server; set by BotAPIEmulator.__init__

    # -- the bot's messages ------------------------------------------------------------------

    def messages(self, chat: ChatRef) -> list[BotMessage]:
        """Everything the bot sent to this chat, oldest first, deleted ones included."""
        chat_id = refs.chat_id(chat)
        return list(self._state.bot_messages.get(chat_id, []))

    def message(self, chat: ChatRef, message_id: int) -> BotMessage:
        """One of the bot's messages, in its current (edited) state."""
        chat_id = refs.chat_id(chat)
        found = self._state.bot_message(chat_id, message_id)
        if found is None:
            raise EmulatorUsageError(f"the bot sent no message #{message_id} to {chat_id}")
        return found

    def last_message(self, chat: ChatRef) -> BotMessage | None:
        messages = self.messages(chat)
        return messages[-1] if messages else None

    def documents(self, chat: ChatRef) -> list[BotMessage]:
        """The bot's messages in this chat that carry a document (sendDocument), oldest first;
        ``message.document`` is the file and ``message.text`` its caption."""
        return [message for message in self.messages(chat) if message.document is not None]

    def photos(self, chat: ChatRef) -> list[BotMessage]:
        """The bot's photos in this chat (sendPhoto), oldest first; ``message.photo`` is the
        picture (``photo.uploaded``: its bytes came with it) and ``message.text`` its caption."""
        return [message for message in self.messages(chat) if message.photo is not None]

    def photo_uploads(self, chat: ChatRef | None = None) -> int:
        """How many photos the bot uploaded (rather than re-sent by file_id), in one chat or
        in all of them."""
        chats = [refs.chat_id(chat)] if chat is not None else list(self._state.bot_messages)
        return sum(
            1
            for chat_id in chats
            for message in self._state.bot_messages.get(chat_id, [])
            if message.photo is not None and message.photo.uploaded
        )

    def edit_times(self, chat: ChatRef) -> list[float]:
        """Monotonic times of every successful edit in this chat, for edit-rate assertions."""
        return sorted(edit.at for message in self.messages(chat) for edit in message.edits)

    def edit_count(self, chat: ChatRef) -> int:
        return len(self.edit_times(chat))

    # -- API calls and what they set ---------------------------------------------------------

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
    def waiting_polls(self) -> int:
        """getUpdates calls waiting for an update right now (long polls in progress)."""
        return self._state.waiting_polls

    @property
    def dropped_updates(self) -> list[JSON]:
        """Updates not delivered because the bot's allowed_updates excluded their kind."""
        return list(self._state.dropped_updates)

    @property
    def internal_errors(self) -> list[str]:
        """Emulator bugs (500s) seen so far; a test fixture can assert this stays empty."""
        return list(self._state.internal_errors)

    # -- events ------------------------------------------------------------------------------

    def subscribe(self) -> asyncio.Queue[Event]:
        """A queue receiving every new message, edit, deletion, callback answer, chat action."""
        queue: asyncio.Queue[Event] = asyncio.Queue()
        self._state.subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[Event]) -> None:
        if queue in self._state.subscribers:
            self._state.subscribers.remove(queue)
