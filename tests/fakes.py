"""In-memory fakes of the ports (``bot.ports``), for unit tests of the features.

A feature gets these at construction instead of the real adapters: no Application, no HTTP, no
files. Each keeps what a test wants to look at (the notes sent, the timers set) and lets the
test move time (:class:`ManualClock`, :meth:`ManualTimers.run_due`).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field, replace

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.ports import Blocked, Lane, Note, Timer, TimerHandler, Unreachable

__all__ = ["ManualClock", "ManualTimers", "MemoryStore", "RecordingOutbox", "Sent"]

START = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, now: dt.datetime = START) -> None:
        self._now = now
        self._mono = 1000.0

    def now(self) -> dt.datetime:
        return self._now

    def seconds_until(self, when: dt.datetime) -> float:
        return max(0.0, (when - self._now).total_seconds())

    def monotonic(self) -> float:
        return self._mono

    def advance(self, seconds: float) -> None:
        self._now += dt.timedelta(seconds=seconds)
        self._mono += seconds


class MemoryStore:
    """The Store port in a dict; versions are checked as a real store checks them."""

    def __init__(self) -> None:
        self.chats_by_id: dict[int, Chat] = {}
        self.sessions: dict[int, list[SessionRecord]] = {}
        self.active: dict[int, ActiveSession] = {}
        self.prompts: dict[tuple[int, str], tuple[int, str]] = {}
        self.unreadable_chats: set[int] = set()
        self.untold: set[int] = set()
        self.file_ids: dict[str, str] = {}
        self._locks: dict[int, asyncio.Lock] = {}

    async def chat(self, chat_id: int) -> Chat | None:
        return self.chats_by_id.get(chat_id)

    async def create(self, chat: Chat) -> Chat:
        if chat.chat_id in self.chats_by_id:
            raise ValueError(f"chat {chat.chat_id} exists")
        saved = self.chats_by_id[chat.chat_id] = replace(chat, version=1)
        return saved

    async def change(self, chat_id: int, change: Callable[[Chat], Chat]) -> Chat | None:
        async with self._locks.setdefault(chat_id, asyncio.Lock()):
            current = self.chats_by_id.get(chat_id)
            if current is None:
                return None
            changed = change(current)
            if changed == current:
                return current
            saved = self.chats_by_id[chat_id] = replace(changed, version=current.version + 1)
            return saved

    async def chats(self) -> AsyncIterator[Chat]:
        for chat in list(self.chats_by_id.values()):
            yield chat

    async def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        current = self.chats_by_id.get(chat_id)
        if current is None:
            return False
        previous = current.delivery.last_sent.get(slot)
        if previous is not None and previous >= at:
            return False
        last_sent = {**current.delivery.last_sent, slot: at}
        delivery = replace(current.delivery, last_sent=last_sent)
        self.chats_by_id[chat_id] = replace(current, delivery=delivery)
        return True

    async def release_reminder(
        self, chat_id: int, slot: str, at: dt.datetime, previous: dt.datetime | None
    ) -> None:
        current = self.chats_by_id.get(chat_id)
        if current is None or current.delivery.last_sent.get(slot) != at:
            return
        last_sent = {k: v for k, v in current.delivery.last_sent.items() if k != slot}
        if previous is not None:
            last_sent[slot] = previous
        delivery = replace(current.delivery, last_sent=last_sent)
        self.chats_by_id[chat_id] = replace(current, delivery=delivery)

    async def begin_session(self, active: ActiveSession) -> None:
        self.active[active.chat_id] = active

    async def end_session(self, record: SessionRecord) -> None:
        self.sessions.setdefault(record.chat_id, []).append(record)
        self.active.pop(record.chat_id, None)

    async def clear_active_session(self, chat_id: int) -> None:
        self.active.pop(chat_id, None)

    async def active_sessions(self) -> list[ActiveSession]:
        return list(self.active.values())

    async def active_session(self, chat_id: int) -> ActiveSession | None:
        return self.active.get(chat_id)

    async def overdue_sessions(self, before: dt.datetime) -> list[int]:
        return [a.chat_id for a in self.active.values() if a.due is not None and a.due < before]

    async def save_session(self, active: ActiveSession) -> bool:
        stored = self.active.get(active.chat_id)
        if (stored.version if stored else 0) != active.version - 1:
            return False
        self.active[active.chat_id] = active
        return True

    async def history(self, chat_id: int) -> list[SessionRecord]:
        return sorted(self.sessions.get(chat_id, []), key=lambda record: record.started_at)

    async def update_session(self, record: SessionRecord) -> bool:
        records = self.sessions.get(record.chat_id, [])
        for index, old in enumerate(records):
            if old.started_at == record.started_at:
                records[index] = record
                return True
        return False

    async def open_prompt(
        self, chat_id: int, kind: str, message_id: int, payload: str = ""
    ) -> None:
        self.prompts[chat_id, kind] = (message_id, payload)

    async def take_prompt(self, chat_id: int, kind: str, message_id: int) -> str | None:
        prompt = self.prompts.get((chat_id, kind))
        if prompt is None or prompt[0] != message_id:
            return None
        del self.prompts[chat_id, kind]
        return prompt[1]

    async def forget(self, chat_id: int) -> None:
        self.chats_by_id.pop(chat_id, None)
        self.sessions.pop(chat_id, None)
        self.active.pop(chat_id, None)
        self.unreadable_chats.discard(chat_id)
        self.untold.discard(chat_id)

    async def unreadable(self, chat_id: int) -> bool:
        return chat_id in self.unreadable_chats

    async def take_unreadable_notice(self, chat_id: int) -> bool:
        if chat_id not in self.untold:
            return False
        self.untold.discard(chat_id)
        return True

    async def file_id(self, key: str) -> str | None:
        return self.file_ids.get(key)

    async def remember_file_id(self, key: str, file_id: str) -> None:
        self.file_ids[key] = file_id

    async def forget_file_id(self, key: str) -> None:
        self.file_ids.pop(key, None)


class ManualTimers:
    """The Timers port with a manual clock: :meth:`run_due` runs what is due by then."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.handlers: dict[str, TimerHandler] = {}
        self.timers: dict[str, Timer] = {}

    def on(self, kind: str, handler: TimerHandler) -> None:
        self.handlers[kind] = handler

    async def set(self, timer: Timer) -> None:
        self.timers[timer.name] = timer

    async def cancel(self, name: str) -> None:
        self.timers.pop(name, None)

    async def pending(self, chat_id: int | None = None) -> list[Timer]:
        return self.listed(chat_id)

    def listed(self, chat_id: int | None = None) -> list[Timer]:
        """:meth:`pending` without awaiting."""
        found = [t for t in self.timers.values() if chat_id is None or t.chat_id == chat_id]
        return sorted(found, key=lambda timer: (timer.due, timer.name))

    def named(self, name: str) -> Timer | None:
        return self.timers.get(name)

    async def run_due(self) -> int:
        """Run every timer due by the clock's now, soonest first (timers they set too, if due);
        how many ran."""
        ran = 0
        while True:
            due = [t for t in self.listed() if t.due <= self.clock.now()]
            if not due:
                return ran
            timer = due[0]
            del self.timers[timer.name]
            await self.handlers[timer.kind](timer)
            ran += 1

    async def advance(self, seconds: float) -> int:
        """Move the clock on and run what came due, timer by timer at its own time."""
        end = self.clock.now() + dt.timedelta(seconds=seconds)
        ran = 0
        while True:
            upcoming = [t for t in self.listed() if t.due <= end]
            if not upcoming:
                break
            step = (upcoming[0].due - self.clock.now()).total_seconds()
            if step > 0:
                self.clock.advance(step)
            ran += await self.run_due()
        rest = (end - self.clock.now()).total_seconds()
        if rest > 0:
            self.clock.advance(rest)
        return ran


@dataclass
class Sent:
    """A message the fake outbox "sent"."""

    chat_id: int
    message_id: int
    note: Note
    lane: Lane
    sound: bool
    edits: list[Note] = field(default_factory=list)
    buttons: bool = True


class RecordingOutbox:
    """The Outbox port that keeps every note; a test can make a chat blocked or unreachable."""

    def __init__(self) -> None:
        self.sent: list[Sent] = []
        self.blocked: set[int] = set()
        self.unreachable: set[int] = set()
        #: The lane of every edit, in order.
        self.edit_lanes: list[Lane] = []
        self._next_id = 1

    async def send(
        self, chat_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE, sound: bool = False
    ) -> int:
        if chat_id in self.blocked:
            raise Blocked("blocked by the test")
        if chat_id in self.unreachable:
            raise Unreachable("unreachable by the test")
        self._next_id += 1
        self.sent.append(Sent(chat_id, self._next_id, note, lane, sound))
        return self._next_id

    async def edit(
        self, chat_id: int, message_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE
    ) -> bool:
        self.edit_lanes.append(lane)
        for sent in self.sent:
            if (sent.chat_id, sent.message_id) == (chat_id, message_id):
                sent.edits.append(note)
                return True
        return False

    async def drop_buttons(self, chat_id: int, message_id: int) -> None:
        for sent in self.sent:
            if (sent.chat_id, sent.message_id) == (chat_id, message_id):
                sent.buttons = False

    def bulk_slot(self) -> contextlib.AbstractAsyncContextManager[object]:
        return contextlib.nullcontext()

    def notes(self, kind: type[Note] | None = None, chat_id: int | None = None) -> list[Note]:
        """The notes sent (of one type, to one chat), in order."""
        return [
            sent.note
            for sent in self.sent
            if (kind is None or isinstance(sent.note, kind))
            and (chat_id is None or sent.chat_id == chat_id)
        ]
