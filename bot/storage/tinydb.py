"""The embedded store: the :class:`~bot.ports.Store` port over a data folder's chat files.

Each method is one operation on one chat's small TinyDB file (:mod:`bot.storage.chatfiles`),
complete before it returns: with a single process, nothing else can run in the middle of it.
A unit of work (:meth:`change`) holds the chat's lock around its read and write and checks the
version it read; a conflicting save makes it re-read and re-apply, never lose a change.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.storage.chatfiles import ChatFiles, StaleWrite
from bot.storage.file_ids import FileIdFile

__all__ = ["TinyStore"]

_LOGGER = logging.getLogger(__name__)
#: How often a unit of work re-reads and re-applies after a conflicting save.
_CHANGE_ATTEMPTS = 5


class TinyStore:
    """Chats and their sessions in TinyDB files, one per chat, under ``files.path``."""

    def __init__(self, files: ChatFiles) -> None:
        self.files = files
        #: Per chat, one unit of work at a time (never held across a Telegram call).
        self._locks: dict[int, asyncio.Lock] = {}
        self._file_ids = FileIdFile(files.path)

    @classmethod
    def in_folder(cls, folder: Path) -> TinyStore:
        return cls(ChatFiles.in_folder(folder))

    async def chat(self, chat_id: int) -> Chat | None:
        return self.files.chat(chat_id)

    async def create(self, chat: Chat) -> Chat:
        return self.files.save(chat)

    async def change(self, chat_id: int, change: Callable[[Chat], Chat]) -> Chat | None:
        """One unit of work: apply ``change`` to the chat's current settings and save the
        result; returns what was saved, or None if the chat has no settings.

        ``change`` must be a pure function of the chat it is given: if another save got
        in first, it is applied again to the newer copy, so a confirmed change is never lost
        and never fails. Nothing is written if it returns an equal chat.
        """
        async with self._locks.setdefault(chat_id, asyncio.Lock()):
            for _ in range(_CHANGE_ATTEMPTS):
                current = self.files.chat(chat_id)
                if current is None:
                    return None
                changed = change(current)
                if changed == current:
                    return current
                try:
                    return self.files.save(changed)
                except StaleWrite:
                    _LOGGER.info("Chat %s changed meanwhile; applying the change again", chat_id)
        raise StaleWrite(f"chat {chat_id}: gave up after {_CHANGE_ATTEMPTS} conflicting saves")

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

    async def active_session(self, chat_id: int) -> ActiveSession | None:
        return self.files.active_session(chat_id)

    async def overdue_sessions(self, before: dt.datetime) -> list[int]:
        return [
            active.chat_id
            for active in self.files.active_sessions()
            if active.due is not None and active.due < before
        ]

    async def save_session(self, active: ActiveSession) -> bool:
        # One process, and nothing awaited between the read and the write: the check holds.
        stored = self.files.active_session(active.chat_id)
        if (stored.version if stored else 0) != active.version - 1:
            return False
        self.files.begin_session(active)
        return True

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

    async def file_id(self, key: str) -> str | None:
        return self._file_ids.get(key)

    async def remember_file_id(self, key: str, file_id: str) -> None:
        self._file_ids.put(key, file_id)

    async def forget_file_id(self, key: str) -> None:
        self._file_ids.drop(key)
