"""Runs guided sessions: sends each cue the engine produces and times the next with a timer.

The engine (:mod:`bot.core.session`) decides *what* comes next; this module does the I/O over the
ports: the cues as notes (quiet, in the interactive lane), the ``session:{chat_id}`` timer, the
live countdown (:mod:`bot.features.countdown`) and the history (:mod:`bot.features.session_log`).
Each chat's transitions run under that chat's lock, so a timer firing while the user types
"skip" cannot interleave with it and messages leave in order. Not the store's lock: a transition
sends messages, and a unit of work never waits for Telegram.

A timer carries the session and its generation; a transition that replaces the timer bumps the
generation, so a timer already on its way when the user skipped, paused or stopped does nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass

from bot.core.chat import SessionStatus
from bot.core.routines import Routine, RoutineBook
from bot.core.session import Beat, Cue, CueKind, GuidedSession, compile_script, script_seconds
from bot.features.countdown import EDIT_RATE, Countdowns
from bot.features.session_log import SessionLog
from bot.features.session_notes import (
    Completed,
    CueNote,
    HurtStop,
    PainQuestion,
    Partial,
    Paused,
    PauseExpired,
    Resumed,
    Stopped,
)
from bot.ports import Blocked, Clock, Note, Outbox, Store, Timer, Timers, Unreachable

__all__ = ["PAUSE_TIMEOUT", "SESSION", "Sessions", "session_timer"]

_LOGGER = logging.getLogger(__name__)

#: A session left paused this long (real seconds, not scaled) is closed as stopped.
PAUSE_TIMEOUT = 30 * 60
#: The timer kind of a session's next cue (or, while paused, of giving up on it).
SESSION = "session"


def session_timer(chat_id: int) -> str:
    return f"session:{chat_id}"


@dataclass(slots=True)
class _Running:
    """One chat's session in progress and how it is run."""

    session: GuidedSession
    #: The countdown is live; groups get only the final edit (20 messages a minute there).
    live_countdown: bool
    #: It asks the pain question (a private chat that did not turn it off).
    pain_check: bool


class Sessions:
    """The guided sessions in progress, one per chat, kept in memory (and noted in the store)."""

    def __init__(
        self,
        *,
        store: Store,
        timers: Timers,
        outbox: Outbox,
        clock: Clock,
        routines: RoutineBook,
        time_scale: float = 1.0,
        edit_rate: float = EDIT_RATE,
    ) -> None:
        self._timers = timers
        self._outbox = outbox
        self._clock = clock
        self._routines = routines
        self._time_scale = time_scale
        self._log = SessionLog(store, clock)
        self._countdowns = Countdowns(timers, outbox, clock, time_scale, edit_rate)
        self._running: dict[int, _Running] = {}
        self._scripts = {routine_id: compile_script(r) for routine_id, r in routines.items()}
        self._locks: dict[int, asyncio.Lock] = {}
        timers.on(SESSION, self._on_timer)

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The chat's session lock: one transition at a time (coaching records a pain answer
        under it, so the session cannot end in the middle)."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    # Questions ---------------------------------------------------------------------------------

    def running(self, chat_id: int) -> GuidedSession | None:
        record = self._running.get(chat_id)
        return record.session if record else None

    def script_seconds(self, routine: Routine) -> float:
        """How long a routine takes at normal speed (with the file's own timings)."""
        script = self._scripts.get(routine.id)
        if script is None or routine is not self._routines.get(routine.id):
            script = compile_script(routine)  # a chat's own routine
        return script_seconds(script)

    async def latest(self, chat_id: int) -> int | None:
        """The session whose buttons are live: the running one, else the last one recorded.
        A session's pain and feedback buttons expire when the next one starts."""
        running = self.running(chat_id)
        return running.id if running is not None else await self._log.latest(chat_id)

    # Transitions -------------------------------------------------------------------------------

    async def start(
        self, chat_id: int, routine: Routine, *, live_countdown: bool = True, private: bool = True
    ) -> bool:
        """Begin a session; False (and nothing changes) if one is already running. The pain
        check is for one person's back: private chats only."""
        async with self.lock(chat_id):
            if chat_id in self._running:
                return False
            started = self._clock.now()
            chat = await self._log.forget_hurt(chat_id, routine.id)
            session = GuidedSession(
                chat_id=chat_id,
                routine=routine,
                script=compile_script(routine, chat.coaching.holds if chat else None),
                started_at=started,
                local_date=chat.schedule.local_date(started) if chat else started.date(),
                started_mono=self._clock.monotonic(),
                time_scale=self._time_scale,
            )
            pain_check = private and bool(chat and chat.coaching.pain_check)
            record = self._running[chat_id] = _Running(session, live_countdown, pain_check)
            await self._log.begin(session)
            if pain_check:
                await self._say(chat_id, PainQuestion(session.id, before=True))
            await self._play(record, session.begin(self._clock.monotonic()))
        return True

    async def skip(self, chat_id: int) -> bool:
        """On to the next exercise; False if no session runs."""
        async with self.lock(chat_id):
            record = self._running.get(chat_id)
            if record is None:
                return False
            beat = record.session.skip(self._clock.monotonic())
            await self._play(record, beat, hold_done=False)
        return True

    async def pause(
        self, chat_id: int, *, of_session: int | None = None, reason: Note | None = None
    ) -> bool | None:
        """Pause at once; None if no session (or not the one ``of_session`` names), False if
        it was already paused. ``reason`` is said instead of "Paused", also when it was
        already paused. While paused the session timer is the give-up timer."""
        async with self.lock(chat_id):
            record = self._running.get(chat_id)
            if record is None or of_session not in (None, record.session.id):
                return None
            session = record.session
            was_paused = session.paused
            if not was_paused:
                session.pause(self._clock.monotonic())
                await self._countdowns.pause(chat_id)
                await self._set_timer(session, PAUSE_TIMEOUT)
            if reason or not was_paused:
                await self._say(chat_id, reason or Paused())
        return not was_paused

    async def resume(self, chat_id: int) -> bool | None:
        """Resume; None if no session, False if it was not paused."""
        async with self.lock(chat_id):
            record = self._running.get(chat_id)
            if record is None:
                return None
            session = record.session
            if not session.paused:
                return False
            cue = session.current
            beat = session.resume(self._clock.monotonic())
            if cue is None or not cue.is_hold or not beat.delay:
                await self._play(record, beat, note=Resumed(None))
                return True
            # Mid-hold: the rest of it in a new message that counts down where the user is
            # looking; the paused one above keeps its mark.
            await self._set_timer(session, beat.delay)
            await self._countdowns.retire(chat_id)
            left = beat.delay / self._time_scale
            await self._send(record, Resumed(left), hold=left)
        return True

    async def stop(
        self, chat_id: int, *, of_session: int | None = None, say: Note | None = None
    ) -> bool:
        """Stop (only the session ``of_session`` names, if given), saying ``say`` or "Session
        stopped"; False if there is no such session."""
        async with self.lock(chat_id):
            record = self._running.get(chat_id)
            if record is None or of_session not in (None, record.session.id):
                return False
            await self._finish(record, SessionStatus.STOPPED, say=say)
        return True

    async def hurts(self, chat_id: int) -> bool:
        """Stop at once because it hurts: the safety message; any increase of the exercise's
        holds made this session is undone, and none is made before the next session."""
        async with self.lock(chat_id):
            record = self._running.get(chat_id)
            if record is None:
                return False
            session = record.session
            session.hurt = True
            cue = session.current
            if cue is not None and cue.exercise >= 0:
                await self._log.block_increase(session, cue.exercise)
            await self._finish(record, SessionStatus.STOPPED)
        return True

    async def note(self, chat_id: int, note: Note) -> None:
        """Say something in the chat between (never inside) a session's cues, quietly."""
        async with self.lock(chat_id):
            await self._say(chat_id, note)

    async def discard(self, chat_id: int) -> None:
        """End the chat's session without a word: it is being forgotten, and "Reply start"
        would point at a chat that no longer exists."""
        async with self.lock(chat_id):
            record = self._running.get(chat_id)
            if record is not None:
                await self._countdowns.end(chat_id, done=False, next_note=None)
                await self._close(record, SessionStatus.STOPPED)

    async def close_interrupted(self, now: dt.datetime) -> list[int]:
        """At start-up: record sessions cut by a restart as interrupted; returns their chats."""
        return await self._log.close_interrupted(now)

    # Internals ---------------------------------------------------------------------------------

    async def _on_timer(self, timer: Timer) -> None:
        """The current cue's time is up (or, paused, the time to give up on the session)."""
        async with self.lock(timer.chat_id):
            record = self._running.get(timer.chat_id)
            if record is None:
                return
            session = record.session
            if (timer.data.get("session"), timer.data.get("generation")) != (
                session.id,
                session.generation,
            ):
                return  # replaced by a skip, pause or stop while this timer was due
            if session.paused:
                await self._finish(record, SessionStatus.STOPPED, expired=True)
                return
            await self._play(record, session.advance(self._clock.monotonic()))

    async def _play(
        self, record: _Running, beat: Beat, *, note: Note | None = None, hold_done: bool = True
    ) -> None:
        session = record.session
        chat_id = session.chat_id
        if self._running.get(chat_id) is not record:
            return  # ended meanwhile: the chat blocked the bot
        if beat.finished is not None:
            await self._finish(record, beat.finished, hold_done=hold_done)
            return
        if beat.delay is not None:
            # Set the timer before sending: the hold is measured from when the message leaves.
            await self._set_timer(session, beat.delay)
        if note is not None:
            await self._say(chat_id, note)
        cue = beat.cue
        if cue is None:
            return
        await self._countdowns.end(
            chat_id, done=hold_done, next_note=self._next_note(cue, session)
        )
        await self._send(record, CueNote(cue, session.id), hold=cue.wait if cue.is_hold else None)
        if cue.kind is CueKind.INTRO:
            _LOGGER.info("Session started in chat %s", chat_id)

    async def _send(self, record: _Running, note: Note, *, hold: float | None) -> None:
        """Send a session message; a hold's counts down its ``hold`` (routine seconds)."""
        chat_id = record.session.chat_id
        message_id = await self._say(chat_id, note)
        if message_id is not None and hold is not None:
            await self._countdowns.begin(chat_id, message_id, note, hold, record.live_countdown)

    @staticmethod
    def _next_note(cue: Cue, session: GuidedSession) -> Note | None:
        """What a finished hold's message ends with: the follow-up, or "Release."."""
        if cue.kind in (CueKind.FOLLOW_UP, CueKind.RELEASE):
            return CueNote(cue, session.id)
        return None

    async def _set_timer(self, session: GuidedSession, delay: float) -> None:
        due = self._clock.now() + dt.timedelta(seconds=delay)
        data = {"session": session.id, "generation": session.generation}
        chat_id = session.chat_id
        await self._timers.set(Timer(session_timer(chat_id), SESSION, chat_id, due, data))

    async def _close(self, record: _Running, status: SessionStatus) -> float:
        """Forget the session, cancel its timer and record it; returns how long it took."""
        session = record.session
        await self._timers.cancel(session_timer(session.chat_id))
        self._running.pop(session.chat_id, None)
        took = session.elapsed(self._clock.monotonic())
        await self._log.end(session, status, took)
        _LOGGER.info("Session in chat %s ended: %s after %.1f s", session.chat_id, status, took)
        return took

    async def _finish(
        self,
        record: _Running,
        status: SessionStatus,
        *,
        expired: bool = False,
        hold_done: bool = False,
        say: Note | None = None,
    ) -> None:
        session = record.session
        chat_id = session.chat_id
        done = status is SessionStatus.COMPLETED
        ended = done or status is SessionStatus.PARTIAL  # reached the end of the routine
        await self._countdowns.end(chat_id, done=hold_done and ended, next_note=None)
        took = await self._close(record, status)
        note: Note
        if expired:
            note = PauseExpired()
        elif session.hurt:
            note = HurtStop()
        elif ended:
            streak, outlook = await self._log.summary(chat_id)
            title = session.routine.title
            note = Completed(title, took, streak, outlook) if done else Partial(title, outlook)
        else:
            note = say or Stopped()
        await self._say(chat_id, note)
        if ended and record.pain_check:
            await self._say(chat_id, PainQuestion(session.id, before=False))

    async def _say(self, chat_id: int, note: Note) -> int | None:
        """Send one quiet session message; its id. A failure is logged and the session carries
        on (or ends, if the user blocked the bot)."""
        try:
            return await self._outbox.send(chat_id, note)
        except Blocked:
            _LOGGER.info("Chat %s blocked the bot; ending its session", chat_id)
            record = self._running.get(chat_id)
            if record is not None:
                await self._countdowns.forget(chat_id)
                await self._close(record, SessionStatus.STOPPED)
        except Unreachable as exc:
            _LOGGER.warning("Could not send a session message to chat %s: %s", chat_id, exc)
        return None
