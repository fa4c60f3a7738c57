"""A running session as the store keeps it: loaded, moved on and saved by any instance.

The stored state is the truth (``Store.active_session``): every transition loads it, applies
the engine's step and saves it with the next version *before* its cue is sent, so the instance
that fires the session's next timer, whichever it is, continues from the cue after the last one
sent. A save over a newer version is refused (the cross-instance per-chat lock): the loser
loads again and re-applies its step to what the winner left.

With one instance (``shared=False``, the TinyDB default) the process's memory is the truth, as
it always was: the session is stored when it starts (a restart closes it as interrupted, and
nothing else could continue it) and moved on in memory, not rewritten at every cue: a chat file
with a year of history costs 17 ms of blocked event loop per save (p50; 1.7 ms on PostgreSQL).
With several (PostgreSQL) every read and every transition goes to the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from bot.core.chat import ActiveSession
from bot.core.routines import Routine, RoutineBook
from bot.core.session import GuidedSession
from bot.core.session_doc import session_from_doc, session_to_doc
from bot.core.uploads import own_routine
from bot.features.session_log import SessionLog
from bot.features.session_notes import CueNote
from bot.ports import Note, Store, Timer

__all__ = [
    "CLAIMED_FOR",
    "LOOK_AFTER",
    "LOOK_AFTER_EVERY",
    "STALE_AFTER",
    "Running",
    "SessionStates",
]

_T = TypeVar("_T")
#: Seconds a session's timer may be overdue before its session counts as dead (its instance
#: died between saving it and setting the timer, or with the timer in its hands).
STALE_AFTER = 60.0
#: Seconds a session's timer may be gone past its due time while an instance handles it.
CLAIMED_FOR = 5.0
#: The timer kind (local to each instance) of looking after sessions whose timer was lost.
LOOK_AFTER = "session-watch"
LOOK_AFTER_EVERY = 2.0
#: Saves a transition tries before giving up (each lost one means another instance moved on).
_ATTEMPTS = 5


@dataclass(slots=True)
class Running:
    """One chat's session in progress and how it is run."""

    session: GuidedSession
    #: The countdown is live; groups get only the final edit (20 messages a minute there).
    live_countdown: bool
    #: It asks the pain question (a private chat that did not turn it off).
    pain_check: bool
    #: When the session's timer is due (the next cue, or giving up while paused).
    timer_due: dt.datetime | None = None
    #: The stored version this copy was loaded as (or saved as).
    version: int = 0
    #: The hold message being counted down (its id, its cue's position), so that whichever
    #: instance ends the hold shows it done (the countdown itself stays with its instance).
    hold_message: tuple[int, int] | None = None
    #: Not stored: that message, once a transition has moved past its hold.
    ended_hold: tuple[int, int] | None = None

    def ended_hold_message(self) -> tuple[int, Note] | None:
        """The message of the hold just ended, as it was sent, if there was one."""
        if self.ended_hold is None:
            return None
        message_id, position = self.ended_hold
        return message_id, CueNote(self.session.script[position], self.session.id)

    def to_active(self) -> ActiveSession:
        session = self.session
        state: dict[str, Any] = {
            "session": session_to_doc(session),
            "live_countdown": self.live_countdown,
            "pain_check": self.pain_check,
            "hold_message": list(self.hold_message) if self.hold_message else None,
        }
        return ActiveSession(
            session.chat_id,
            session.routine.id,
            session.started_at,
            session.local_date,
            state=state,
            version=self.version,
            due=self.timer_due,
        )

    def arm(self, now: dt.datetime, delay: float | None) -> None:
        """The session's timer comes due after ``delay`` real seconds (None: as it was)."""
        if delay is not None:
            self.timer_due = now + dt.timedelta(seconds=delay)

    def timer(self, kind: str) -> Timer | None:
        """The session's timer, carrying its id and generation (an older one does nothing)."""
        session, due = self.session, self.timer_due
        if due is None:
            return None
        data = {"session": session.id, "generation": session.generation}
        return Timer(f"{kind}:{session.chat_id}", kind, session.chat_id, due, data)

    def dead(self, now: dt.datetime) -> bool:
        """Its timer is long overdue: nobody will play its next cue."""
        return self.timer_due is None or (now - self.timer_due).total_seconds() > STALE_AFTER


class SessionStates:
    """Load and save running sessions (see the module's docstring)."""

    def __init__(
        self, store: Store, routines: RoutineBook, log: SessionLog, *, shared: bool
    ) -> None:
        self._store = store
        self._routines = routines
        self._log = log
        self.shared = shared
        self._cache: dict[int, Running] = {}

    async def load(self, chat_id: int) -> Running | None:
        """The chat's session as stored last (None: none, or one cut without its state)."""
        if not self.shared:
            return self._cache.get(chat_id)
        active = await self._store.active_session(chat_id)
        return None if active is None else await self.restore(active)

    async def restore(self, active: ActiveSession) -> Running | None:
        state = active.state
        if state is None:
            return None
        doc = state["session"]
        held = state.get("hold_message")
        return Running(
            session_from_doc(doc, await self._routine(active.chat_id, str(doc["routine_id"]))),
            live_countdown=bool(state.get("live_countdown", True)),
            pain_check=bool(state.get("pain_check", False)),
            timer_due=active.due,
            version=active.version,
            hold_message=(int(held[0]), int(held[1])) if held else None,
        )

    async def _routine(self, chat_id: int, routine_id: str) -> Routine | None:
        if routine_id in self._routines:
            return self._routines[routine_id]
        chat = await self._store.chat(chat_id)
        return own_routine(chat) if chat else None

    async def save(self, record: Running) -> bool:
        """Save the next version; False (and ``record`` unchanged) if another got in first.
        With one instance, only a new session is written (see the module's docstring)."""
        record.version += 1
        in_memory = not self.shared and record.version > 1
        if in_memory or await self._store.save_session(record.to_active()):
            self._cache[record.session.chat_id] = record
            return True
        record.version -= 1
        return False

    async def change(
        self, chat_id: int, step: Callable[[Running], _T | None]
    ) -> tuple[Running, _T] | None:
        """Apply ``step`` (no I/O; None: nothing to do) to the session as stored and save it,
        again on the newer copy if another save got in first. None if there is no session."""
        for _ in range(_ATTEMPTS):
            record = await self.load(chat_id)
            if record is None:
                return None
            position = record.session.position
            outcome = step(record)
            if outcome is None:
                return None
            moved = record.session.position != position or record.session.finished
            if moved and record.hold_message is not None:
                record.ended_hold, record.hold_message = record.hold_message, None
            if await self.save(record):
                return record, outcome
            self._cache.pop(chat_id, None)
        raise RuntimeError(f"session of chat {chat_id}: {_ATTEMPTS} conflicting saves")

    async def create(self, record: Running, now: dt.datetime) -> bool:
        """Save a new session; a dead one still stored (its instance died) is closed first.
        False if another instance started one meanwhile."""
        for _ in range(2):
            if await self.save(record):
                return True
            stored = await self._store.active_session(record.session.chat_id)
            if stored is None:
                continue
            old = await self.restore(stored)
            if old is not None and not old.session.finished and not old.dead(now):
                return False
            await self._log.close_cut(stored, now)
        return False

    async def close_dead(
        self, now: dt.datetime, timer_set: Callable[[int], Awaitable[bool]]
    ) -> list[int]:
        """At start-up with several instances: record the sessions nobody runs any more as
        interrupted; returns their chats. A session whose timer is set is alive (any instance
        fires it, late if all were down); one without, dead once its due time is past by
        :data:`CLAIMED_FOR` (its instance died between saving it and setting the timer, or
        holding the claimed timer). The others go on on their instances."""
        chats = []
        for active in await self._store.active_sessions():
            record = await self.restore(active)
            if record is not None and not record.session.finished:
                if await timer_set(active.chat_id):
                    continue
                due = record.timer_due
                if due is not None and (now - due).total_seconds() <= CLAIMED_FOR:
                    continue  # its timer is being handled right now
            if await self._log.close_cut(active, now):
                chats.append(active.chat_id)
        return chats

    async def keep_hold(self, record: Running, message_id: int) -> None:
        """Note the message of the hold just sent (with several instances: another may end
        it); if the session moved on meanwhile, that instance has ended it already."""
        if self.shared:
            record.hold_message = (message_id, record.session.position)
            if not await self.save(record):
                record.hold_message = None

    async def stalled(self, now: dt.datetime) -> list[int]:
        """Chats whose session's timer is past due by more than a claim takes, and not so
        long that nobody waits for it any more."""
        return await self._store.overdue_sessions(now - dt.timedelta(seconds=CLAIMED_FOR))

    @staticmethod
    def rearm(record: Running, now: dt.datetime) -> bool | None:
        """The step before a stalled session gets its timer again: nothing changes, but its
        save fails if another instance moved the session on meanwhile (then it has a timer).
        Either timer that fires first plays the cue; the other finds its generation gone.
        None: it is not stalled."""
        due = record.timer_due
        if due is None or not CLAIMED_FOR < (now - due).total_seconds() <= STALE_AFTER:
            return None
        return True

    def forget(self, chat_id: int) -> None:
        self._cache.pop(chat_id, None)

    def cached(self, chat_id: int) -> Running | None:
        return self._cache.get(chat_id)
