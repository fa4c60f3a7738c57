"""/forget and /export: the user's data is theirs to take or erase.

/forget asks first, and the store remembers the question (``open_prompt``): only the first
answer to that very question counts, even across a restart or two taps at once.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.exports import EXPORTERS, ChatData, Export
from bot.core.routines import RoutineBook
from bot.core.uploads import available
from bot.features.account import AdminsOnly, Permission, Reminders, Reply, Sessions
from bot.ports import Clock, Note, Store

__all__ = [
    "Exported",
    "ForgetCancelled",
    "ForgetQuestion",
    "Forgotten",
    "NothingReadable",
    "NothingStored",
    "Privacy",
    "UnknownExportFormat",
]

_LOGGER = logging.getLogger(__name__)
#: The kind of the /forget question in the store.
FORGET = "fgt"


@dataclass(frozen=True, slots=True)
class NothingStored(Note):
    pass


@dataclass(frozen=True, slots=True)
class NothingReadable(Note):
    """Only an unreadable copy is kept: nothing to export."""


@dataclass(frozen=True, slots=True)
class ForgetQuestion(Note):
    """ "Delete it all?", with Yes and No buttons."""


@dataclass(frozen=True, slots=True)
class Forgotten(Note):
    pass


@dataclass(frozen=True, slots=True)
class ForgetCancelled(Note):
    pass


@dataclass(frozen=True, slots=True)
class UnknownExportFormat(Note):
    given: str
    formats: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Exported(Note):
    """The chat's data as a document in ``format``."""

    document: Export
    format: str


class Privacy:
    """Erasing a chat (after asking) and exporting its data."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        routines: RoutineBook,
        reminders: Reminders,
        sessions: Sessions,
    ) -> None:
        self._store = store
        self._clock = clock
        self._routines = routines
        self._reminders = reminders
        self._sessions = sessions

    async def _data(self, chat_id: int) -> ChatData | None:
        """Everything stored about the chat; None if there is nothing readable."""
        store = self._store
        active = next((a for a in await store.active_sessions() if a.chat_id == chat_id), None)
        chat = await store.chat(chat_id)
        titles = {
            routine_id: routine.title
            for routine_id, routine in available(self._routines, chat).items()
        }
        data = ChatData(chat_id, chat, await store.history(chat_id), active, titles)
        return None if (data.subscriber, data.sessions, data.active) == (None, [], None) else data

    async def ask_forget(self, chat_id: int, *, allowed: Permission, reply: Reply) -> None:
        """Ask first (deleting cannot be undone), and remember the question."""
        if not await allowed():
            await reply(AdminsOnly())
            return
        if await self._data(chat_id) is None and not await self._store.unreadable(chat_id):
            await reply(NothingStored())
            return
        asked = await reply(ForgetQuestion())
        if asked is not None:
            # Only an answer to this very question counts, and only the first one.
            await self._store.open_prompt(chat_id, FORGET, asked)

    async def take_answer(self, chat_id: int, message_id: int) -> bool:
        """Whether a tap on the question in ``message_id`` is the first answer to the live
        question; a second tap, an older question, or after the data is gone: False."""
        return await self._store.take_prompt(chat_id, FORGET, message_id) is not None

    async def forget(self, chat_id: int, *, yes: bool) -> Forgotten | ForgetCancelled:
        """Act on the answer :meth:`take_answer` let through: delete everything, or nothing."""
        if not yes:
            return ForgetCancelled()
        await self._sessions.discard(chat_id)
        await self._reminders.close_reminder(chat_id)  # its "Start now" would find nobody
        await self._reminders.forget(chat_id)
        await self._store.forget(chat_id)
        _LOGGER.info("Chat %s asked to be forgotten: done", chat_id)
        return Forgotten()

    async def export(self, chat_id: int, args: Sequence[str], *, allowed: Permission) -> Note:
        """``/export`` (JSON) or ``/export <format>``: the chat's data as a document."""
        if not await allowed():
            return AdminsOnly()
        name = args[0].lower() if args else next(iter(EXPORTERS))
        exporter = EXPORTERS.get(name)
        if exporter is None or len(args) > 1:
            return UnknownExportFormat(" ".join(args), tuple(EXPORTERS))
        data = await self._data(chat_id)
        if data is None:
            unreadable = await self._store.unreadable(chat_id)
            return NothingReadable() if unreadable else NothingStored()
        return Exported(exporter(data, self._clock.now()), name)
