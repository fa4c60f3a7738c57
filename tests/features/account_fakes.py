"""The account feature built on the in-memory fakes, with recording stand-ins for its seams to
the reminders and sessions features (:class:`bot.features.account.Reminders`, ``Sessions``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from bot.core.chat import Chat
from bot.core.flood import FloodGuard, LocalFlood
from bot.core.loader import load_routines
from bot.core.routines import Routine, RoutineBook
from bot.features.account import Account, Permission
from bot.features.operators import Operators
from bot.features.privacy import Privacy
from bot.features.schedule_settings import ScheduleSettings
from bot.features.settings_menu import SettingsMenu
from bot.ports import Note
from tests.factories import CONTENT
from tests.fakes import ManualClock, MemoryStore, RecordingOutbox

__all__ = [
    "ADMIN",
    "FakeReminders",
    "FakeSessions",
    "Replies",
    "World",
    "allow",
    "deny",
    "forbidden",
]

#: The operator's user id (ADMIN_IDS).
ADMIN = 7


async def allow() -> bool:
    return True


async def deny() -> bool:
    return False


async def forbidden() -> bool:
    """A permission that must not be asked for: looking needs none."""
    raise AssertionError("the group rule was checked")


class FakeReminders:
    """Records what the account asked of the reminders; unblocking changes the store as the
    reminders feature does."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.rescheduled: list[Chat] = []
        #: (chat id, snooze, follow-up) per cancel_pending call.
        self.cancelled: list[tuple[int, bool, bool]] = []
        self.closed: list[int] = []
        self.blocked: list[int] = []
        self.forgotten: list[int] = []

    async def reschedule(self, chat: Chat) -> None:
        self.rescheduled.append(chat)

    async def cancel_pending(
        self, chat_id: int, *, snooze: bool = True, follow_up: bool = True
    ) -> None:
        self.cancelled.append((chat_id, snooze, follow_up))

    async def close_reminder(self, chat_id: int) -> None:
        self.closed.append(chat_id)

    async def mark_blocked(self, chat_id: int) -> None:
        self.blocked.append(chat_id)

    async def unblocked(self, chat_id: int) -> Chat | None:
        chat = await self.store.chat(chat_id)
        if chat is None or chat.delivery.blocked_at is None:
            return None
        return await self.store.change(
            chat_id,
            lambda current: replace(
                current,
                schedule=replace(current.schedule, subscribed=True),
                delivery=replace(current.delivery, blocked_at=None),
            ),
        )

    async def forget(self, chat_id: int) -> None:
        self.forgotten.append(chat_id)


class FakeSessions:
    """Sessions that run where a test says; stopping one ends it."""

    def __init__(self) -> None:
        self.running_in: set[int] = set()
        self.stopped: list[int] = []
        self.discarded: list[int] = []

    async def running(self, chat_id: int) -> bool:
        return chat_id in self.running_in

    async def stop(self, chat_id: int) -> bool:
        if chat_id not in self.running_in:
            return False
        self.running_in.discard(chat_id)
        self.stopped.append(chat_id)
        return True

    async def discard(self, chat_id: int) -> None:
        self.running_in.discard(chat_id)
        self.discarded.append(chat_id)

    def script_seconds(self, routine: Routine) -> float:
        return 60.0 * len(routine.exercises)


@dataclass
class Replies:
    """A :data:`bot.features.account.Reply` that keeps the notes and numbers the messages."""

    notes: list[Note] = field(default_factory=list)
    next_id: int = 100

    async def __call__(self, note: Note) -> int | None:
        self.notes.append(note)
        self.next_id += 1
        return self.next_id


class World:
    """Every part of the account, wired to fakes."""

    def __init__(self, *, burst: int = 10) -> None:
        self.clock = ManualClock()
        self.store = MemoryStore()
        self.outbox = RecordingOutbox()
        self.routines: RoutineBook = load_routines(CONTENT)
        self.reminders = FakeReminders(self.store)
        self.sessions = FakeSessions()
        self.failures: Counter[str] = Counter()
        self.account = Account(
            self.store,
            self.clock,
            self.routines,
            self.reminders,
            self.sessions,
            default_zone="Europe/Berlin",
            default_time=dt.time(9, 0),
            flood=LocalFlood(FloodGuard(burst=burst), self.clock.monotonic),
            failures=self.failures,
        )
        self.schedules = ScheduleSettings(self.store, self.clock, self.reminders)
        self.menu = SettingsMenu(self.store, self.routines, self.schedules, self.sessions)
        self.privacy = Privacy(
            self.store, self.clock, self.routines, self.reminders, self.sessions
        )
        self.operators = Operators(
            self.store,
            self.clock,
            self.outbox,
            self.reminders,
            admin_ids={ADMIN},
            failures=self.failures,
        )

    async def subscribed(self, chat_id: int = 42, allowed: Permission = allow) -> Chat:
        """A chat after its /start."""
        await self.account.start(chat_id, name="Alex", group=False, allowed=allowed)
        chat = await self.store.chat(chat_id)
        assert chat is not None
        self.reminders.rescheduled.clear()
        return chat
