"""How a test names chats and messages, and how the driver resolves those names.

A chat is named by its id or by its user (a private chat's id is the user's); a message by
its id or by anything that has a ``message_id`` (a ``BotMessage``, a PTB ``Message``). Shared
by the driver's parts, so that a chat nobody added is the same usage error everywhere.
"""

from __future__ import annotations

from typing import Protocol

from ..errors import EmulatorUsageError
from ..models import ChatState, EmulatedUser
from ..state import EmulatorState

ChatRef = int | EmulatedUser


class HasMessageId(Protocol):
    """A ``BotMessage``, a PTB ``Message``, or anything else that knows its message id."""

    @property
    def message_id(self) -> int: ...


MessageRef = int | HasMessageId


def chat_id(chat: ChatRef) -> int:
    """The id of the chat, whether or not the emulator knows it."""
    return chat.id if isinstance(chat, EmulatedUser) else chat


def message_id(message: MessageRef) -> int:
    return message if isinstance(message, int) else message.message_id


def known_chat(state: EmulatorState, chat: ChatRef) -> ChatState:
    """The chat, which ``add_user()`` or ``add_group()`` must have created."""
    wanted = chat_id(chat)
    found = state.chats.get(wanted)
    if found is None:
        raise EmulatorUsageError(f"no chat {wanted}; add_user() or add_group() first")
    return found
