"""The ports: what the features need from the world, as small protocols.

Features (``bot.features``) use the core and these ports only, so they run the same against the
real adapters and against the in-memory fakes of the unit tests (``tests/fakes.py``):

* :class:`Store` — a chat's settings, units of work on them, its sessions and history
  (``bot.storage``: TinyDB in the data folder);
* :class:`Timers` — "call me at this instant", by name, replaced or cancelled by name
  (``bot.telegram.timers``: PTB's JobQueue);
* :class:`Updates` — whether an update is seen for the first time, across instances
  (``bot.storage.updates`` in memory; ``bot.storage.postgres.updates`` for several instances);
* :class:`Outbox` — send, edit and take buttons off messages, in a lane (``bot.telegram.outbox``:
  the Bot API behind the rate limiter). What to say is a :class:`Note`, plain data; the
  adapter renders it (``bot.telegram.render``), so a feature never builds a sentence;
* :class:`Places` — the time zone at a point or of a city by any of its names (``bot.places``:
  offline, over data the libraries ship).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.core.flood import Verdict

__all__ = [
    "Blocked",
    "Clock",
    "FileIds",
    "FloodLedger",
    "JSONValue",
    "Lane",
    "Note",
    "Outbox",
    "Places",
    "SendBudget",
    "Slots",
    "Store",
    "Timer",
    "TimerHandler",
    "Timers",
    "Unreachable",
    "Updates",
]

#: What a timer's data may hold: small values a database row can keep as JSON.
JSONValue = str | int | float | bool | None


class Clock(Protocol):
    """The bot's idea of now (``bot.clock.Clock``; the sandbox can shift it)."""

    def now(self) -> dt.datetime: ...

    def seconds_until(self, when: dt.datetime) -> float: ...

    def monotonic(self) -> float: ...


# The store --------------------------------------------------------------------------------


class FileIds(Protocol):
    """The file_ids Telegram gave pictures the bot uploaded, by the picture's content hash: a
    picture is uploaded once, then re-sent by its file_id (Telegram's own advice)."""

    async def file_id(self, key: str) -> str | None: ...

    async def remember_file_id(self, key: str, file_id: str) -> None: ...

    async def forget_file_id(self, key: str) -> None:
        """Telegram refused the file_id: the next send uploads the picture again."""
        ...


class Store(FileIds, Protocol):
    """Chats and their sessions. Every change to a chat is a unit of work (:meth:`change`):
    read, apply a pure function, save if the chat was not changed meanwhile (else again).
    It also keeps the file_ids of the pictures the bot uploaded (:class:`FileIds`)."""

    async def chat(self, chat_id: int) -> Chat | None: ...

    async def create(self, chat: Chat) -> Chat:
        """Save a chat that is not stored yet (version 0); returns it as saved."""
        ...

    async def change(self, chat_id: int, change: Callable[[Chat], Chat]) -> Chat | None:
        """Apply ``change`` (a pure function) to the chat as stored and save it; None if the
        chat has no settings. Never held across a send."""
        ...

    def chats(self) -> AsyncIterator[Chat]:
        """Every chat with settings (reminders on or off); unreadable ones are skipped."""
        ...

    async def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        """Record that the reminder for ``slot`` at ``at`` is being sent; False if it (or a
        later one of the slot) already was: what keeps a reminder from going out twice."""
        ...

    async def release_reminder(
        self, chat_id: int, slot: str, at: dt.datetime, previous: dt.datetime | None
    ) -> None:
        """Undo a claim after a send that failed (``previous`` is what was recorded before)."""
        ...

    async def begin_session(self, active: ActiveSession) -> None: ...

    async def end_session(self, record: SessionRecord) -> None:
        """Move a session from active to the history."""
        ...

    async def clear_active_session(self, chat_id: int) -> None: ...

    async def active_sessions(self) -> list[ActiveSession]: ...

    async def active_session(self, chat_id: int) -> ActiveSession | None:
        """The chat's session in progress as saved last, with its state and version."""
        ...

    async def overdue_sessions(self, before: dt.datetime) -> list[int]:
        """The chats whose session in progress has its timer due before ``before``."""
        ...

    async def save_session(self, active: ActiveSession) -> bool:
        """Save a session in progress at ``active.version``, only over the version before it
        (over none for version 1): False if another save got in first, e.g. another instance
        moved the session on, or a session already runs. The cross-instance per-chat lock."""
        ...

    async def history(self, chat_id: int) -> list[SessionRecord]:
        """A chat's sessions, oldest first."""
        ...

    async def update_session(self, record: SessionRecord) -> bool:
        """Replace the history entry with the same start; False if there is none."""
        ...

    async def open_prompt(
        self, chat_id: int, kind: str, message_id: int, payload: str = ""
    ) -> None:
        """Remember the one live question of this kind in the chat (/forget, /broadcast)."""
        ...

    async def take_prompt(self, chat_id: int, kind: str, message_id: int) -> str | None:
        """Close that question if ``message_id`` asks it: its payload, once; else None."""
        ...

    async def forget(self, chat_id: int) -> None:
        """Delete everything about the chat, copies set aside as unreadable included."""
        ...

    async def unreadable(self, chat_id: int) -> bool:
        """Whether the chat's stored data could not be read and was set aside."""
        ...

    async def take_unreadable_notice(self, chat_id: int) -> bool:
        """True once after the chat's data was set aside: time to tell the chat."""
        ...


# Timers -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timer:
    """A call to come at ``due``: to the handler of ``kind``, for ``chat_id``.

    Its ``name`` is unique: setting a timer replaces any other of the same name, and cancelling
    one goes by name (``session:42``, ``reminder:42:09:30``), as in PTB's timerbot example.
    """

    name: str
    kind: str
    chat_id: int
    due: dt.datetime
    data: Mapping[str, JSONValue] = field(default_factory=dict)


#: What a feature registers for a kind of timer.
TimerHandler = Callable[[Timer], Awaitable[None]]


class Timers(Protocol):
    def on(self, kind: str, handler: TimerHandler) -> None:
        """Run ``handler`` for every timer of ``kind`` when it comes due."""
        ...

    async def set(self, timer: Timer) -> None:
        """Call the timer's handler at ``timer.due`` (at once if that has passed), instead of
        any timer of the same name. Async: on PostgreSQL a timer is a row any instance runs."""
        ...

    async def cancel(self, name: str) -> None: ...

    async def pending(self, chat_id: int | None = None) -> list[Timer]:
        """Timers not yet due (of one chat), soonest first."""
        ...


# The outbox -------------------------------------------------------------------------------


class Note:
    """What to say, as data (base class): the outbox's renderer turns each kind into a
    message's text and buttons."""

    __slots__ = ()


class Lane(StrEnum):
    """Who waits for whom under Telegram's rate limits."""

    #: Session cues, replies, a hold's last edit: a person is waiting for them.
    INTERACTIVE = "interactive"
    #: Reminders, follow-ups, broadcasts: many at once, they can wait behind the rest.
    BULK = "bulk"
    #: A countdown's ticks: sent only when nothing else waits, and dropped (the edit returns
    #: False) rather than sent late; the next tick will do.
    SPARE = "spare"


class Blocked(Exception):
    """The chat has blocked the bot (Telegram answered 403)."""


class Unreachable(Exception):
    """Telegram did not take the message (5xx, a dropped connection, a timeout, or 429 after
    the rate limiter's own retries); ``retry_after`` is Telegram's wait, if it said one."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Outbox(Protocol):
    async def send(
        self, chat_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE, sound: bool = False
    ) -> int:
        """Send ``note`` (without a notification sound unless ``sound``); its message id.
        Raises :class:`Blocked` or :class:`Unreachable`; anything else is a bug."""
        ...

    async def edit(
        self, chat_id: int, message_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE
    ) -> bool:
        """Replace a message's text and buttons; False if it could not be (gone, unchanged,
        or a :attr:`Lane.SPARE` edit that found no room)."""
        ...

    async def drop_buttons(self, chat_id: int, message_id: int) -> None:
        """Take a message's buttons off (a gone or too old message is fine)."""
        ...

    def bulk_slot(self) -> contextlib.AbstractAsyncContextManager[object]:
        """One of the few places for bulk work in progress: hold it while preparing and
        sending one bulk message, so 10 000 due at once never freeze the event loop."""
        ...


# Updates ----------------------------------------------------------------------------------


class Places(Protocol):
    """Where places are: each lookup is offline and remembers nothing it was asked."""

    async def zone_at(self, latitude: float, longitude: float) -> str | None:
        """The IANA zone at a point; None out at sea."""
        ...

    async def city_zone(self, name: str) -> str | None:
        """The zone of the city of that name, in any language; None: unknown or ambiguous."""
        ...


class Updates(Protocol):
    """Which Telegram updates were already taken: Telegram redelivers an update after any
    non-2xx answer or timeout, and after a poller dies before confirming it, possibly to
    another instance, so each is handled where it is first seen and dropped elsewhere."""

    async def first_time(self, update_id: int) -> bool:
        """Record ``update_id`` as taken; True only for the first caller, in any instance.

        Taken means at most once: an instance that records an update and dies before handling
        it loses that update (a person's message goes unanswered and they send it again),
        rather than risk a command such as /broadcast running twice."""
        ...


# The send budget ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slots:
    """Slots taken from a bucket: the seconds from now until the first (≤ 0: at once), and its
    running number in the bucket (the next ones follow, one interval and one number apart)."""

    wait: float
    number: int


class SendBudget(Protocol):
    """Telegram's limits are per bot token, not per process: each limit is a bucket of emission
    slots (GCRA) that every instance takes from, so that N instances together keep it."""

    async def take(self, bucket: str, interval: float, *, burst: int = 1, count: int = 1) -> Slots:
        """Reserve ``count`` slots of ``bucket`` (``overall``, ``chat:42``…), one every
        ``interval`` seconds, up to ``burst`` of them at once after a quiet spell. With
        ``burst`` 1, no ``n + 1`` slots are ever closer than ``n × interval``."""
        ...

    async def answered(self, bucket: str, interval: float, limit: int, number: int) -> None:
        """Slot ``number``'s send has been answered, so it reached Telegram by now: the slot
        ``limit`` numbers later must come a second after now at the earliest. However late
        the send went (a busy loop, a slow network), at most ``limit`` sends in any second."""
        ...

    async def take_window(self, bucket: str, limit: int, seconds: float) -> float:
        """Reserve one slot of ``bucket`` such that no ``seconds`` hold more than ``limit``
        (a sliding window: a group's 20 a minute, in a burst if need be); seconds until it."""
        ...


class FloodLedger(Protocol):
    """The incoming flood guard's buckets, one per user (``bot.core.flood``): in memory, or in
    PostgreSQL so that a user's updates count the same whichever instance gets them."""

    async def check(self, user_id: int) -> Verdict:
        """Spend one of the user's tokens: let the update through, warn once, or drop it."""
        ...
