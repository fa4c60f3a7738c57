"""The embedded store: the :class:`~bot.ports.Store` port over a data folder's chat files.

Each method is one operation on one chat's small TinyDB file (:mod:`bot.storage.chatfiles`),
complete before it returns: with a single process, nothing else can run in the middle of it.
A unit of work (:meth:`change`) holds the chat's lock around its read and write and checks the
version it read; a conflicting save makes it re-read and re-apply, never lose a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.storage.chatfiles import ChatFiles

__all__ = ["TinyStore"]


class TinyStore:
    """Chats and their sessions in TinyDB files, one per chat, under ``files.path``."""

    def __init__(self, files: ChatFiles) -> None:
        self.files = files

    @classmethod
    def in_folder(cls, folder: Path) -> TinyStore:
        return cls(ChatFiles.in_folder(folder))

    async def chat(self, chat_id: int) -> Chat | None:
        return self.files.chat(chat_id)

    async def create(self, chat: Chat) -> Chat:
        return self.files.save(chat)

    async def change(self, chat_id: int, change: Callable[[Chat], Chat]) -> Chat | None:
        return await self.files.change(chat_id, change)

    async def chats(self) -> AsyncIterator[Chat]:
        for chat in self.files.chats():
            yield chat

    async def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        return self.files.claim_reminder(chat_id, slot, at)

    async def release_reminder(
        self, chat_id: int, slot: str, at: dt.datetime, previous: dt.datetime | None
    ) -> None:
        self.files.release_reminder(chat_id, slot, at, previous)

    async def begin_session(self, active: ActiveSession) -> None:
        self.files.begin_session(active)

    async def end_session(self, record: SessionRecord) -> None:
        self.files.end_session(record)

    async def clear_active_session(self, chat_id: int) -> None:
        self.files.clear_active_session(chat_id)

    async def active_sessions(self) -> list[ActiveSession]:
        return self.files.active_sessions()

    async def history(self, chat_id: int) -> list[SessionRecord]:
        return self.files.history(chat_id)

    async def update_session(self, record: SessionRecord) -> bool:
        return self.files.update_session(record)

    async def open_prompt(
        self, chat_id: int, kind: str, message_id: int, payload: str = ""
    ) -> None:
        self.files.open_prompt(chat_id, kind, message_id, payload)

    async def take_prompt(self, chat_id: int, kind: str, message_id: int) -> str | None:
        return self.files.take_prompt(chat_id, kind, message_id)

    async def forget(self, chat_id: int) -> None:
        self.files.forget_chat(chat_id)

    async def unreadable(self, chat_id: int) -> bool:
        return self.files.quarantine.holds(chat_id)

    async def take_unreadable_notice(self, chat_id: int) -> bool:
        return self.files.quarantine.take_notice(chat_id)
