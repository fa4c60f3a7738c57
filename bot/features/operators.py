"""/admin and /broadcast, for the operators (the user ids in ADMIN_IDS) only.

To anyone else the commands do not exist (the handler answers as to an unknown command). A
broadcast asks first; the store remembers the question with its text, so only the first answer
sends it, and it goes out in the bulk lane, behind every session and reply.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from bot.features.account import Reminders, Reply
from bot.ports import Blocked, Clock, Lane, Note, Outbox, Store

__all__ = [
    "AdminReport",
    "Broadcast",
    "BroadcastCancelled",
    "BroadcastDone",
    "BroadcastQuestion",
    "BroadcastUsage",
    "Operators",
]

_LOGGER = logging.getLogger(__name__)
#: The kind of the broadcast question in the store.
BROADCAST = "bc"


@dataclass(frozen=True, slots=True)
class AdminReport(Note):
    """Chats by state, and delivery failures since start-up."""

    subscribed: int
    paused: int
    blocked: int
    stopped: int
    failures: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class BroadcastUsage(Note):
    """/broadcast with no text."""


@dataclass(frozen=True, slots=True)
class BroadcastQuestion(Note):
    """ "Send this to N chats?", with Send and Cancel buttons."""

    text: str
    recipients: int


@dataclass(frozen=True, slots=True)
class BroadcastCancelled(Note):
    pass


@dataclass(frozen=True, slots=True)
class Broadcast(Note):
    """An operator's message, shown exactly as typed."""

    text: str


@dataclass(frozen=True, slots=True)
class BroadcastDone(Note):
    sent: int
    failed: int


class Operators:
    """What the operators see and send."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        outbox: Outbox,
        reminders: Reminders,
        *,
        admin_ids: Collection[int],
        failures: Counter[str],
    ) -> None:
        self._store = store
        self._clock = clock
        self._outbox = outbox
        self._reminders = reminders
        self._admin_ids = frozenset(admin_ids)
        self._failures = failures

    def is_operator(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self._admin_ids

    async def report(self, user_id: int | None) -> AdminReport | None:
        """Chat counts and delivery failures since start-up; None for anyone else."""
        if not self.is_operator(user_id):
            return None
        now = self._clock.now()
        subscribed = paused = blocked = stopped = 0
        async for chat in self._store.chats():
            if chat.delivery.blocked_at is not None:
                blocked += 1
            elif not chat.schedule.subscribed:
                stopped += 1
            elif chat.schedule.paused_on(chat.schedule.local_date(now)):
                paused += 1
            else:
                subscribed += 1
        return AdminReport(subscribed, paused, blocked, stopped, dict(self._failures))

    async def _recipients(self) -> list[int]:
        return [chat.chat_id async for chat in self._store.chats() if chat.schedule.subscribed]

    async def ask_broadcast(
        self, user_id: int | None, chat_id: int, text: str, *, reply: Reply
    ) -> bool:
        """``/broadcast <text>``: show the message and who gets it, and ask before sending;
        False (nothing said) for anyone but an operator."""
        if not self.is_operator(user_id):
            return False
        if not text:
            await reply(BroadcastUsage())
            return True
        asked = await reply(BroadcastQuestion(text, len(await self._recipients())))
        if asked is not None:
            # Kept in the store, not in memory: only the first answer to this question counts.
            await self._store.open_prompt(chat_id, BROADCAST, asked, text)
        return True

    async def take_answer(self, user_id: int | None, chat_id: int, message_id: int) -> str | None:
        """The text to send if this is an operator's first answer to the live question in
        ``message_id``; else None (the button has expired)."""
        if not self.is_operator(user_id):
            return None
        return await self._store.take_prompt(chat_id, BROADCAST, message_id)

    async def broadcast(self, text: str) -> BroadcastDone:
        """Send to every subscribed chat, one after another, in the bulk lane: a chat that
        blocked the bot gets its reminders turned off; one failing stops nobody else."""
        sent = failed = 0
        for chat_id in await self._recipients():
            try:
                await self._outbox.send(chat_id, Broadcast(text), lane=Lane.BULK, sound=True)
                sent += 1
            except Blocked:
                await self._reminders.mark_blocked(chat_id)
                failed += 1
            except Exception as exc:  # Unreachable, or a chat Telegram no longer knows
                _LOGGER.warning("Broadcast to chat %s failed: %s", chat_id, exc)
                failed += 1
        return BroadcastDone(sent, failed)
