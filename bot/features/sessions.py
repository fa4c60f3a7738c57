"""Runs guided sessions: sends each cue the engine produces and times the next with a timer.

The engine (:mod:`bot.core.session`) decides *what* comes next; this module does the I/O over the
ports: the cues as notes (quiet, in the interactive lane), the ``session:{chat_id}`` timer, the
live countdown (:mod:`bot.features.countdown`) and the history (:mod:`bot.features.session_log`).

A session's state is in the store (:mod:`bot.features.session_state`): each transition loads
it, applies the engine's step, saves it, then sets the timer and sends the cue. So whichever
instance fires the timer continues the session; if the one that ran it died, the next cue comes
from another, neither repeated nor skipped (a death between the save and the send loses that
cue: at most once; one with the timer claimed, before the save, delays it: :meth:`look_after`).
Within an instance, each chat's transitions also run under that chat's lock, so a timer firing
while the user types "skip" cannot interleave with it and messages leave in order. The
countdown stays with the instance that sent the hold (best effort).

A timer carries the session and its generation; a transition that replaces the timer bumps
it, so a timer already on its way when the user skipped, paused or stopped does nothing."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from typing import TypeVar

from bot.core.chat import SessionStatus
from bot.core.routines import Routine, RoutineBook
from bot.core.session import Beat, Cue, CueKind, GuidedSession, compile_script, script_seconds
from bot.features.countdown import EDIT_RATE, Countdowns
from bot.features.session_end import SESSION, SessionEnd
from bot.features.session_log import SessionLog
from bot.features.session_notes import CueNote, PainQuestion, Paused, Resumed, after_hold, cue_note
from bot.features.session_state import LOOK_AFTER, LOOK_AFTER_EVERY, Running, SessionStates
from bot.ports import Clock, Note, Outbox, Store, Timer, Timers

__all__ = ["LOOK_AFTER", "PAUSE_TIMEOUT", "SESSION", "Sessions", "session_timer"]

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

#: A session left paused this long (real seconds, not scaled) is closed as stopped.
PAUSE_TIMEOUT = 30 * 60


def session_timer(chat_id: int) -> str:
    return f"session:{chat_id}"


class Sessions:
    """The guided sessions in progress, one per chat, kept in the store (see the module's
    docstring). ``shared``: several instances share the store (PostgreSQL)."""

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
        shared: bool = False,
    ) -> None:
        self._store = store
        self._timers = timers
        self._outbox = outbox
        self._clock = clock
        self._routines = routines
        self._time_scale = time_scale
        self._log = SessionLog(store, clock, routines.micro)
        self._states = SessionStates(store, routines, self._log, shared=shared)
        self._countdowns = Countdowns(timers, outbox, clock, time_scale, edit_rate, shared)
        self._end = SessionEnd(timers, outbox, clock, self._log, self._states, self._countdowns)
        self._scripts = {routine_id: compile_script(r) for routine_id, r in routines.items()}
        self._locks: dict[int, asyncio.Lock] = {}
        timers.on(SESSION, self._on_timer)
        timers.on(LOOK_AFTER, self.look_after)

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The chat's session lock in this instance: one transition at a time, messages in
        order (coaching records a pain answer under it, so the session cannot end meanwhile).
        Across instances, a save over a newer version is refused instead."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    # Questions ---------------------------------------------------------------------------------

    async def running(self, chat_id: int) -> GuidedSession | None:
        """The chat's session in progress (run by this instance or another), if any."""
        record = await self._live(chat_id)
        return record.session if record else None

    async def _live(self, chat_id: int) -> Running | None:
        """The session in progress; with several instances, not one whose instance died
        before setting its timer (nothing would play its next cue)."""
        record = await self._states.load(chat_id)
        if record is None or record.session.finished:
            return None
        if self._states.shared and record.dead(self._clock.now()):
            return None
        return record

    def script_seconds(self, routine: Routine) -> float:
        """How long a routine takes at normal speed (with the file's own timings)."""
        script = self._scripts.get(routine.id)
        if script is None or routine is not self._routines.get(routine.id):
            script = compile_script(routine)  # a chat's own routine
        return script_seconds(script)

    async def latest(self, chat_id: int) -> int | None:
        """The session whose buttons are live: the running one, else the last one recorded.
        A session's pain and feedback buttons expire when the next one starts."""
        running = await self.running(chat_id)
        return running.id if running is not None else await self._log.latest(chat_id)

    # Transitions -------------------------------------------------------------------------------

    async def start(
        self, chat_id: int, routine: Routine, *, live_countdown: bool = True, private: bool = True
    ) -> bool:
        """Begin a session; False (and nothing changes) if one is already running. The pain
        check is for one person's back: private chats only."""
        async with self.lock(chat_id):
            if await self._live(chat_id) is not None:
                return False
            started = self._clock.now()
            chat = await self._log.forget_hurt(chat_id, routine.id)
            session = GuidedSession(
                chat_id=chat_id,
                routine=routine,
                script=compile_script(routine, chat.coaching.holds if chat else None),
                started_at=started,
                local_date=chat.schedule.local_date(started) if chat else started.date(),
                started_mono=started.timestamp(),
                time_scale=self._time_scale,
                sound=bool(chat and chat.coaching.sound),
            )
            pain_check = private and bool(chat and chat.coaching.pain_check)
            record = Running(session, live_countdown, pain_check)
            beat = self._arm(record, session.begin(self._now()))
            if not await self._states.create(record, started):
                return False
            if pain_check:
                await self._end.say(chat_id, PainQuestion(session.id, before=True))
                if await self._states.load(chat_id) is None:
                    return True  # ended meanwhile: the chat blocked the bot
            await self._play(record, beat)
        return True

    async def skip(self, chat_id: int, how: str = "skip") -> bool | None:
        """On to the next exercise (``skip``), the current step again (``again``: a hold from
        full) or the exercise just finished once more (``repeat``): the engine's
        :meth:`~GuidedSession.move`. None if no session runs, False if nothing to repeat yet."""
        async with self.lock(chat_id):
            changed = await self._change(
                chat_id, lambda r: self._arm(r, r.session.move(how, self._now()) or Beat())
            )
            if changed is None:
                return None
            if changed[1] == Beat():
                return False
            await self._play(*changed, hold_done=False)
        return True

    async def pause(
        self, chat_id: int, *, of_session: int | None = None, reason: Note | None = None
    ) -> bool | None:
        """Pause at once; None if no session (or not the one ``of_session`` names), False if
        it was already paused. ``reason`` is said instead of "Paused", also when it was
        already paused. While paused the session timer is the give-up timer."""

        def pause(record: Running) -> bool | None:
            session = record.session
            if of_session not in (None, session.id):
                return None
            was_paused = session.paused
            if not was_paused:
                session.pause(self._now())
                self._arm(record, Beat(delay=PAUSE_TIMEOUT))
            return was_paused

        async with self.lock(chat_id):
            changed = await self._change(chat_id, pause)
            if changed is None:
                return None
            record, was_paused = changed
            if not was_paused:
                await self._countdowns.pause(chat_id)
                await self._set_timer(record)
            if reason or not was_paused:
                await self._end.say(chat_id, reason or Paused())
        return not was_paused

    async def resume(self, chat_id: int) -> bool | None:
        """Resume; None if no session, False if it was not paused."""

        def resume(record: Running) -> tuple[bool, Cue | None, Beat]:
            session = record.session
            if not session.paused:
                return False, None, Beat()
            cue = session.current
            record.hold_message = None  # a hold resumes in a message of its own
            return True, cue, self._arm(record, session.resume(self._now()))

        async with self.lock(chat_id):
            changed = await self._change(chat_id, resume)
            if changed is None:
                return None
            record, (resumed, cue, beat) = changed
            if not resumed:
                return False
            if cue is None or not cue.is_hold or not beat.delay:
                await self._play(record, beat, note=Resumed(None))
                return True
            # Mid-hold: the rest of it in a new message that counts down where the user is
            # looking; the paused one above keeps its mark.
            self._arm(record, beat)
            await self._set_timer(record)
            await self._countdowns.retire(chat_id)
            left = beat.delay / self._time_scale
            await self._send(record, Resumed(left), hold=left)
        return True

    async def stop(
        self, chat_id: int, *, of_session: int | None = None, say: Note | None = None
    ) -> bool:
        """Stop (only the session ``of_session`` names, if given), saying ``say`` or "Session
        stopped"; False if there is no such session."""

        def stop(record: Running) -> Beat | None:
            return record.session.stop() if of_session in (None, record.session.id) else None

        async with self.lock(chat_id):
            changed = await self._change(chat_id, stop)
            if changed is None:
                return False
            await self._end.finish(changed[0], SessionStatus.STOPPED, say=say)
        return True

    async def hurts(self, chat_id: int) -> bool:
        """Stop at once because it hurts: the safety message; any increase of the exercise's
        holds made this session is undone, and none is made before the next session."""

        def hurt(record: Running) -> tuple[Cue | None]:
            session = record.session
            session.hurt = True
            cue = session.current
            session.stop()
            return (cue,)

        async with self.lock(chat_id):
            changed = await self._change(chat_id, hurt)
            if changed is None:
                return False
            record, (cue,) = changed
            if cue is not None and cue.exercise >= 0:
                await self._log.block_increase(record.session, cue.exercise)
            await self._end.finish(record, SessionStatus.STOPPED)
        return True

    async def keep_pain_before(self, chat_id: int, value: int | None) -> bool:
        """Keep the answer to the pain question with the running session; False if none runs.
        Call under :meth:`lock`."""

        def keep(record: Running) -> bool:
            record.session.pain_before = value
            return True

        return await self._change(chat_id, keep) is not None

    async def note(self, chat_id: int, note: Note) -> None:
        """Say something in the chat between (never inside) a session's cues, quietly."""
        async with self.lock(chat_id):
            await self._end.say(chat_id, note)

    async def discard(self, chat_id: int) -> None:
        """End the chat's session without a word: it is being forgotten, and "Reply start"
        would point at a chat that no longer exists."""
        async with self.lock(chat_id):
            changed = await self._change(chat_id, lambda r: r.session.stop())
            if changed is not None:
                await self._countdowns.end(
                    chat_id, done=False, next_note=None, sent=changed[0].ended_hold_message()
                )
                await self._end.close(changed[0], SessionStatus.STOPPED)

    async def close_interrupted(self, now: dt.datetime) -> list[int]:
        """At start-up: record sessions cut by a restart as interrupted; returns their chats.
        With several instances, only those nobody runs any more (no timer): the others go on."""
        if self._states.shared:
            return await self._states.close_dead(now, self._timer_set)
        return await self._log.close_interrupted(now)

    async def look_after(self, timer: Timer | None = None) -> None:
        """With several instances, every few seconds on each: a session whose timer was lost
        (claimed by an instance that died before moving the session on) gets it again, so its
        next cue comes a few seconds late instead of never."""
        now = self._clock.now()
        for chat_id in await self._states.stalled(now):
            if not await self._timer_set(chat_id):
                async with self.lock(chat_id):
                    changed = await self._change(chat_id, lambda r: self._states.rearm(r, now))
                if changed is not None:
                    _LOGGER.warning("Session in chat %s had lost its timer", chat_id)
                    await self._set_timer(changed[0])
        later = now + dt.timedelta(seconds=LOOK_AFTER_EVERY)
        await self._timers.set(Timer(f"{LOOK_AFTER}:0", LOOK_AFTER, 0, later))

    async def _timer_set(self, chat_id: int) -> bool:
        name = session_timer(chat_id)
        return any(timer.name == name for timer in await self._timers.pending(chat_id))

    # Internals ---------------------------------------------------------------------------------

    def _now(self) -> float:
        """The engine's time: the wall clock, the same on every instance."""
        return self._clock.now().timestamp()

    async def _change(
        self, chat_id: int, step: Callable[[Running], _T | None]
    ) -> tuple[Running, _T] | None:
        """A transition of the chat's session in progress (none once it has finished)."""
        return await self._states.change(
            chat_id, lambda record: None if record.session.finished else step(record)
        )

    def _arm(self, record: Running, beat: Beat) -> Beat:
        record.arm(self._clock.now(), beat.delay)
        return beat

    async def _on_timer(self, timer: Timer) -> None:
        """The current cue's time is up (or, paused, the time to give up on the session)."""

        def due(record: Running) -> tuple[bool, Beat] | None:
            session = record.session
            if (timer.data.get("session"), timer.data.get("generation")) != (
                session.id,
                session.generation,
            ):
                return None  # replaced by a skip, pause or stop while this timer was due
            if session.paused:
                return True, session.stop()
            return False, self._arm(record, session.advance(self._now()))

        async with self.lock(timer.chat_id):
            changed = await self._change(timer.chat_id, due)
            if changed is None:
                return
            record, (expired, beat) = changed
            if expired:
                await self._end.finish(record, SessionStatus.STOPPED, expired=True)
            else:
                await self._play(record, beat)

    async def _play(
        self, record: Running, beat: Beat, *, note: Note | None = None, hold_done: bool = True
    ) -> None:
        """What a saved transition does: end the session, or set its timer and send its cue."""
        session = record.session
        chat_id = session.chat_id
        if beat.finished is not None:
            await self._end.finish(record, beat.finished, hold_done=hold_done)
            return
        if beat.delay is not None:
            # Set the timer before sending: the hold is measured from when the message leaves.
            self._arm(record, beat)
            await self._set_timer(record)
        if note is not None:
            await self._end.say(chat_id, note)
        cue = beat.cue
        if cue is None:
            return
        await self._countdowns.end(
            chat_id,
            done=hold_done,
            next_note=after_hold(cue, session.id),
            sent=record.ended_hold_message(),
        )
        # Which instance plays which cue (a session moves between instances with its timer).
        _LOGGER.debug("Session in chat %s: cue %d", chat_id, session.position)
        await self._send(record, cue_note(session, cue), hold=cue.wait if cue.is_hold else None)
        if cue.kind is CueKind.INTRO:
            _LOGGER.info("Session started in chat %s", chat_id)

    async def _send(self, record: Running, note: Note, *, hold: float | None) -> None:
        """Send a session message; a hold's counts down its ``hold`` (routine seconds)."""
        chat_id, sound = record.session.chat_id, record.session.audible  # a hold's end: /sound
        message_id = await self._end.say(chat_id, note, sound=sound and isinstance(note, CueNote))
        if message_id is not None and hold is not None:
            await self._countdowns.begin(chat_id, message_id, note, hold, record.live_countdown)
            if isinstance(note, CueNote):
                await self._states.keep_hold(record, message_id)

    async def _set_timer(self, record: Running) -> None:
        timer = record.timer(SESSION)
        if timer is not None:
            await self._timers.set(timer)
