"""The session features on the in-memory fakes: a chat set up, time moved by hand."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.routines import Routine, RoutineBook
from bot.core.session import Cue, CueKind
from bot.features.coaching import CoachingService
from bot.features.session_notes import CueNote
from bot.features.sessions import Sessions
from tests.factories import make_chat, routines
from tests.fakes import ManualClock, ManualTimers, MemoryStore, RecordingOutbox

CHAT = 42


@dataclass
class World:
    clock: ManualClock
    store: MemoryStore
    timers: ManualTimers
    outbox: RecordingOutbox
    routines: RoutineBook
    sessions: Sessions
    coaching: CoachingService

    @property
    def quick(self) -> Routine:
        """Two exercises, both sides each: title, two steps, a 20 s hold and a release."""
        return self.routines["quick"]

    def cues(self, kind: CueKind | None = None) -> list[Cue]:
        """The cues sent to the chat, in order (of one kind)."""
        return [
            note.cue
            for note in self.outbox.notes(CueNote, CHAT)
            if isinstance(note, CueNote) and (kind is None or note.cue.kind is kind)
        ]

    async def session_id(self) -> int:
        running = await self.sessions.running(CHAT)
        assert running is not None
        return running.id


@pytest.fixture
async def world() -> World:
    """A private chat that has used /start (pain check off unless a test turns it on)."""
    clock = ManualClock()
    store = MemoryStore()
    timers = ManualTimers(clock)
    outbox = RecordingOutbox()
    book = routines()
    sessions = Sessions(
        store=store, timers=timers, outbox=outbox, clock=clock, routines=book, time_scale=1.0
    )
    coaching = CoachingService(store=store, sessions=sessions, routines=book)
    await store.create(make_chat(CHAT, pain_check=False))
    return World(clock, store, timers, outbox, book, sessions, coaching)
