"""Runs guided sessions: sends each cue the engine produces and times the next with a job.

The engine (:mod:`bot.core.session`) decides *what* comes next; this module does the I/O: messages,
the ``session:{chat_id}`` timer, the live countdown, and the history in storage. Each chat's
transitions run under that chat's lock, so a timer firing while the user types "skip" cannot
interleave with it and messages leave in order.

Session messages are sent without a notification sound: only the reminder should buzz.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import re
from dataclasses import replace
from typing import NamedTuple

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.error import BadRequest, Forbidden, NetworkError

from bot.clock import Clock
from bot.core import progression, safety
from bot.core.chat import ActiveSession, Chat, SessionRecord, SessionStatus
from bot.core.outlook import outlook
from bot.core.progression import Feedback
from bot.core.routines import Routine, RoutineBook
from bot.core.session import (
    Beat,
    Cue,
    CueKind,
    GuidedSession,
    compile_script,
    script_seconds,
    session_id,
)
from bot.core.stats import progress
from bot.core.uploads import own_routine
from bot.features.countdown import Countdowns
from bot.storage.chatfiles import ChatFiles
from bot.telegram import callbacks, jobs, texts
from bot.telegram.context import BotContext
from bot.telegram.fitting import fit

__all__ = ["Coach"]

_LOGGER = logging.getLogger(__name__)

#: A session left paused this long (real seconds, not scaled) is closed as stopped.
PAUSE_TIMEOUT = 30 * 60
_TAG = re.compile(r"<[^>]+>")


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


class Coach:
    """The guided sessions in progress, one per chat, kept in memory (and noted in storage)."""

    def __init__(
        self, storage: ChatFiles, routines: RoutineBook, clock: Clock, time_scale: float = 1.0
    ) -> None:
        self._storage = storage
        self._routines = routines
        self._clock = clock
        self._time_scale = time_scale
        self._sessions: dict[int, GuidedSession] = {}
        #: Chats where the countdown is live; groups get only the final edit (20 msgs/min).
        self._live: dict[int, bool] = {}
        #: Chats whose session asks the pain question (private chats that did not turn it off).
        self._pain_check: dict[int, bool] = {}
        self._scripts = {routine_id: compile_script(r) for routine_id, r in routines.items()}
        #: Per chat, one session transition at a time, so cues leave in order. Not the store's
        #: lock: a transition sends messages, and a unit of work never waits for Telegram.
        self._locks: dict[int, asyncio.Lock] = {}
        self._countdowns = Countdowns(clock, time_scale)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        return self._locks.setdefault(chat_id, asyncio.Lock())

    def script_seconds(self, routine: Routine) -> float:
        """How long a routine takes at normal speed (with the file's own timings)."""
        script = self._scripts.get(routine.id)
        if script is None or routine is not self._routines.get(routine.id):
            script = compile_script(routine)  # a chat's own routine
        return script_seconds(script)

    def length(self, routine: Routine) -> str:
        """How long a routine takes, for people: "about 6 minutes"."""
        return texts.minutes(self.script_seconds(routine))

    def running(self, chat_id: int) -> GuidedSession | None:
        return self._sessions.get(chat_id)

    async def start(
        self,
        context: BotContext,
        chat_id: int,
        routine: Routine,
        *,
        live_countdown: bool = True,
        private: bool = True,
    ) -> bool:
        """Begin a session; False (and nothing changes) if one is already running. The pain
        check is for one person's back: private chats only."""
        async with self._lock(chat_id):
            if chat_id in self._sessions:
                return False
            subscriber = self._storage.chat(chat_id)
            zone = subscriber.schedule.zone if subscriber else dt.UTC
            started = self._clock.now()
            if subscriber is not None:
                subscriber = await self._forget_hurt(subscriber, routine)
            session = GuidedSession(
                chat_id=chat_id,
                routine=routine,
                script=compile_script(routine, subscriber.coaching.holds if subscriber else None),
                started_at=started,
                local_date=started.astimezone(zone).date(),
                started_mono=self._clock.monotonic(),
                time_scale=self._time_scale,
            )
            self._sessions[chat_id] = session
            self._live[chat_id] = live_countdown
            self._storage.begin_session(
                ActiveSession(chat_id, routine.id, started, session.local_date)
            )
            self._pain_check[chat_id] = private and bool(
                subscriber and subscriber.coaching.pain_check
            )
            if self._pain_check[chat_id]:
                await self._ask_pain(context, chat_id, session.id, before=True)
            await self._play(context, session, session.begin(self._clock.monotonic()))
        return True

    async def _forget_hurt(self, subscriber: Chat, routine: Routine) -> Chat:
        """This session is the "next time" after a hurt: from here on, increases may resume."""
        prefix = f"{routine.id}:"

        def forget(current: Chat) -> Chat:
            kept = frozenset(key for key in current.coaching.hurt if not key.startswith(prefix))
            return replace(current, coaching=replace(current.coaching, hurt=kept))

        return await self._storage.change(subscriber.chat_id, forget) or subscriber

    async def hurts(self, context: BotContext, chat_id: int) -> bool:
        """Stop at once because it hurts: the safety message; any increase of the exercise's
        holds made this session is undone, and none is made before the next session."""
        async with self._lock(chat_id):
            session = self._sessions.get(chat_id)
            if session is None:
                return False
            session.hurt = True
            cue = session.current
            if cue is not None and cue.exercise >= 0:
                await self._block_increase(session, cue.exercise)
            await self._finish(context, session, SessionStatus.STOPPED)
        return True

    async def _block_increase(self, session: GuidedSession, exercise: int) -> None:
        used = session.exercise_holds(exercise)
        key = progression.exercise_key(session.routine.id, exercise)

        def block(current: Chat) -> Chat:
            # Only sides feedback moved: one never moved has no increase to undo, and
            # storing its time would pass it off as adapted (bot.core.progression.SideHold).
            holds = dict(current.coaching.holds)
            for step, seconds in used.items():
                if step in holds:
                    holds[step] = min(holds[step], seconds)
            return replace(
                current,
                coaching=replace(
                    current.coaching, holds=holds, hurt=current.coaching.hurt | {key}
                ),
            )

        await self._storage.change(session.chat_id, block)

    def routine_for(self, chat_id: int, routine_id: str) -> Routine | None:
        """A routine this chat may use: a shared one, or its own."""
        if routine_id in self._routines:
            return self._routines[routine_id]
        subscriber = self._storage.chat(chat_id)
        mine = own_routine(subscriber) if subscriber else None
        return mine if mine is not None and mine.id == routine_id else None

    def _latest_session(self, chat_id: int) -> int | None:
        """The session whose buttons are live: the running one, else the last one recorded.
        A session's pain and feedback buttons expire when the next one starts."""
        running = self._sessions.get(chat_id)
        if running is not None:
            return running.id
        history = self._storage.history(chat_id)
        return session_id(history[-1].started_at) if history else None

    async def feedback(self, chat_id: int, vote: callbacks.FeedbackVote) -> Noted | None:
        """Apply a feedback button; None for a button that is stale, of an earlier session,
        or not ours."""
        parsed = progression.parse_key(vote.key)
        if parsed is None or self._latest_session(chat_id) != vote.session:
            return None
        routine_id, index, number, mirrored = parsed
        routine = self.routine_for(chat_id, routine_id)
        step = progression.bounded_step(routine, index, number) if routine else None
        if routine is None or step is None or step.bounds is None:
            return None
        bounds = step.bounds
        key = progression.hold_key(routine_id, index, number, mirrored)
        outcome: tuple[float, float, bool] | None = None

        def vote_on(current: Chat) -> Chat:
            nonlocal outcome
            before = progression.stored_total(step, current.coaching.holds.get(key))
            if callbacks.milliseconds(before) != vote.used_ms:
                outcome = None  # pressed before, or a button from an older timing
                return current
            hurt = progression.exercise_key(routine_id, index) in current.coaching.hurt
            after = progression.adjusted(bounds, before, Feedback(vote.vote), hurt=hurt)
            outcome = (before, after, hurt)
            return replace(
                current,
                coaching=replace(current.coaching, holds={**current.coaching.holds, key: after}),
            )

        await self._storage.change(chat_id, vote_on)
        if outcome is None:
            return None
        before, after, hurt = outcome
        label = progression.label(routine.exercises[index], number, mirrored)
        limit = ""
        if after == before and not hurt and vote.vote != Feedback.RIGHT:
            limit = "most" if vote.vote == Feedback.EASY else "least"
        return Noted(label, before, after, hurt, limit)

    async def record_pain(
        self, chat_id: int, answer: callbacks.PainAnswer
    ) -> safety.Answers | None:
        """Keep a pain answer with its session while that is the chat's latest (running, or
        the last in the history): once the next session starts its questions have expired.
        Returns what the safety rules need; None if the question has expired."""
        async with self._lock(chat_id):
            if self._latest_session(chat_id) != answer.session:
                return None
            history = self._storage.history(chat_id)
            session = self._sessions.get(chat_id)
            if session is not None:
                if not answer.before:
                    return None
                session.pain_before = answer.value
                record = None
            else:
                record, history = history[-1], history[:-1]
                if answer.before:
                    record = replace(record, pain_before=answer.value)
                else:
                    record = replace(record, pain_after=answer.value)
                if not self._storage.update_session(record):
                    return None
            earlier = tuple(r.pain_before for r in history if r.pain_before is not None)
            if record is None:
                return safety.Answers(answer.value, None, earlier)
            return safety.Answers(record.pain_before, record.pain_after, earlier)

    async def _ask_pain(
        self, context: BotContext, chat_id: int, session: int, *, before: bool
    ) -> None:
        when = "b" if before else "a"
        rows = [
            [
                InlineKeyboardButton(
                    str(value), callback_data=callbacks.pain(when, value, session)
                )
                for value in row
            ]
            for row in callbacks.PAIN_ROWS
        ]
        skip = callbacks.pain(when, None, session)
        rows[-1].append(InlineKeyboardButton(texts.BUTTON_PAIN_SKIP, callback_data=skip))
        question = texts.PAIN_BEFORE if before else texts.PAIN_AFTER
        await self._say(context, chat_id, question, InlineKeyboardMarkup(rows))

    async def on_timer(self, context: BotContext) -> None:
        """Job callback: the current cue's time is up."""
        job = context.job
        if job is None or job.chat_id is None:
            return
        async with self._lock(job.chat_id):
            session = self._sessions.get(job.chat_id)
            if session is None or session.generation != job.data:
                return  # replaced by a skip, pause or stop while this timer was due
            if session.paused:
                await self._finish(context, session, SessionStatus.STOPPED, expired=True)
                return
            await self._play(context, session, session.advance(self._clock.monotonic()))

    async def skip(self, context: BotContext, chat_id: int) -> bool:
        async with self._lock(chat_id):
            session = self._sessions.get(chat_id)
            if session is None:
                return False
            await self._play(
                context, session, session.skip(self._clock.monotonic()), hold_done=False
            )
        return True

    async def pause(
        self,
        context: BotContext,
        chat_id: int,
        *,
        of_session: int | None = None,
        reason: str | None = None,
        markup: InlineKeyboardMarkup | None = None,
    ) -> bool | None:
        """Pause at once; None if no session (or not the one ``of_session`` names), False if
        it was already paused. ``reason`` (with ``markup``) is said instead of "Paused", also
        when it was already paused."""
        async with self._lock(chat_id):
            session = self._sessions.get(chat_id)
            if session is None or of_session not in (None, session.id):
                return None
            was_paused = session.paused
            if not was_paused:
                session.pause(self._clock.monotonic())
                self._countdowns.pause(context, chat_id)
                # While paused the session timer is the give-up timer.
                self._set_timer(context, session, PAUSE_TIMEOUT)
            if reason or not was_paused:
                await self._say(context, chat_id, reason or texts.PAUSED, markup)
        return not was_paused

    async def resume(self, context: BotContext, chat_id: int) -> bool | None:
        """Resume; None if no session, False if it was not paused."""
        async with self._lock(chat_id):
            session = self._sessions.get(chat_id)
            if session is None:
                return None
            if not session.paused:
                return False
            cue = session.current
            beat = session.resume(self._clock.monotonic())
            if cue is None or not cue.is_hold or not beat.delay:
                await self._play(context, session, beat, note=texts.resumed(None))
                return True
            # Mid-hold: the rest of it in a new message that counts down where the user is
            # looking; the paused one above keeps its mark.
            self._set_timer(context, session, beat.delay)
            self._countdowns.retire(context, chat_id)
            left = beat.delay / self._time_scale
            await self._send_cue(context, session, cue, texts.resumed(left), left)
        return True

    async def stop(
        self, context: BotContext, chat_id: int, *, of_session: int | None = None, say: str = ""
    ) -> bool:
        """Stop (only the session ``of_session`` names, if given), saying ``say`` or "Session
        stopped"; False if there is no such session."""
        async with self._lock(chat_id):
            session = self._sessions.get(chat_id)
            if session is None or of_session not in (None, session.id):
                return False
            await self._finish(context, session, SessionStatus.STOPPED, say=say)
        return True

    async def note(self, context: BotContext, chat_id: int, text: str) -> None:
        """Say something in the chat between (never inside) a session's cues, quietly."""
        async with self._lock(chat_id):
            await self._say(context, chat_id, text)

    async def discard(self, context: BotContext, chat_id: int) -> None:
        """End the chat's session without a word: it is being forgotten, and "Reply start"
        would point at a chat that no longer exists."""
        async with self._lock(chat_id):
            session = self._sessions.get(chat_id)
            if session is not None:
                self._countdowns.end(context, chat_id, done=False, next_text=None)
                self._close(context, session, SessionStatus.STOPPED)

    def close_interrupted(self, now: dt.datetime) -> list[int]:
        """At start-up: record sessions cut by a restart as interrupted; returns their chats."""
        chats = []
        for active in self._storage.active_sessions():
            recorded = {record.started_at for record in self._storage.history(active.chat_id)}
            if active.started_at in recorded:
                # It ended, but the process died before the active entry was removed.
                self._storage.clear_active_session(active.chat_id)
                continue
            self._storage.end_session(
                SessionRecord(
                    chat_id=active.chat_id,
                    routine_id=active.routine_id,
                    started_at=active.started_at,
                    ended_at=now,
                    local_date=active.local_date,
                    status=SessionStatus.INTERRUPTED,
                    duration=None,
                )
            )
            chats.append(active.chat_id)
        return chats

    # Internals -----------------------------------------------------------------------------

    async def _play(
        self,
        context: BotContext,
        session: GuidedSession,
        beat: Beat,
        *,
        note: str | None = None,
        hold_done: bool = True,
    ) -> None:
        if beat.finished is not None:
            await self._finish(context, session, beat.finished, hold_done=hold_done)
            return
        if beat.delay is not None:
            # Set the timer before sending: the hold is measured from when the message leaves.
            self._set_timer(context, session, beat.delay)
        if note:
            await self._say(context, session.chat_id, note)
        cue = beat.cue
        if cue is None:
            return
        self._countdowns.end(
            context, session.chat_id, done=hold_done, next_text=self._next_words(cue)
        )
        await self._send_cue(context, session, cue, texts.cue(cue), cue.wait)
        if cue.kind is CueKind.INTRO:
            _LOGGER.info("Session started in chat %s", session.chat_id)

    async def _send_cue(
        self, context: BotContext, session: GuidedSession, cue: Cue, text: str, seconds: float
    ) -> None:
        """Send a cue's message with its buttons; a hold's counts down its ``seconds``."""
        chat_id = session.chat_id
        markup = _cue_markup(cue, session.id)
        message = await self._say(context, chat_id, text, markup)
        if message is not None and cue.is_hold:
            live = self._live.get(chat_id, True)
            self._countdowns.begin(
                context, chat_id, message.message_id, text, seconds, live, markup
            )

    @staticmethod
    def _next_words(cue: Cue) -> str | None:
        """What a finished hold's message ends with: the follow-up, or "Release."."""
        if cue.kind in (CueKind.FOLLOW_UP, CueKind.RELEASE):
            return _plain(texts.cue(cue))
        return None

    def _set_timer(self, context: BotContext, session: GuidedSession, delay: float) -> None:
        jobs.schedule_once(
            context.jobs,
            self.on_timer,
            delay,
            name=jobs.session_job_name(session.chat_id),
            chat_id=session.chat_id,
            data=session.generation,
        )

    def _close(self, context: BotContext, session: GuidedSession, status: SessionStatus) -> float:
        """Forget the session, cancel its timer and record it; returns how long it took."""
        jobs.cancel_jobs(context.jobs, jobs.session_job_name(session.chat_id))
        self._sessions.pop(session.chat_id, None)
        self._live.pop(session.chat_id, None)
        self._pain_check.pop(session.chat_id, None)
        took = session.elapsed(self._clock.monotonic())
        self._storage.end_session(
            SessionRecord(
                chat_id=session.chat_id,
                routine_id=session.routine.id,
                started_at=session.started_at,
                ended_at=self._clock.now(),
                local_date=session.local_date,
                status=status,
                duration=round(took, 3),
                skipped=session.skipped,
                holds=session.holds_used(),
                pain_before=session.pain_before,
                hurt=session.hurt,
            )
        )
        _LOGGER.info("Session in chat %s ended: %s after %.1f s", session.chat_id, status, took)
        return took

    async def _finish(
        self,
        context: BotContext,
        session: GuidedSession,
        status: SessionStatus,
        *,
        expired: bool = False,
        hold_done: bool = False,
        say: str = "",
    ) -> None:
        chat_id = session.chat_id
        done = status is SessionStatus.COMPLETED
        ended = done or status is SessionStatus.PARTIAL  # reached the end of the routine
        self._countdowns.end(context, chat_id, done=hold_done and ended, next_text=None)
        ask_after = ended and self._pain_check.get(chat_id, False)
        took = self._close(context, session, status)
        streak, next_when = self._after_completion(chat_id) if ended else (0, None)
        if expired:
            text = texts.PAUSE_EXPIRED
        elif session.hurt:
            text = texts.HURT_STOP
        elif done:
            text = texts.completed(session.routine.title, texts.elapsed(took), streak, next_when)
        elif ended:
            text = texts.partial(session.routine.title, next_when)
        else:
            text = say or texts.SESSION_STOPPED
        await self._say(context, chat_id, text)
        if ask_after:
            await self._ask_pain(context, chat_id, session.id, before=False)

    def _after_completion(self, chat_id: int) -> tuple[int, str | None]:
        """The current streak and the next reminder, for the completion message."""
        subscriber = self._storage.chat(chat_id)
        if subscriber is None:
            return 0, None
        now = self._clock.now()
        today = now.astimezone(subscriber.schedule.zone).date()
        streak = progress(
            self._storage.history(chat_id),
            today=today,
            reminder_days=subscriber.schedule.days,
            paused=subscriber.schedule.pauses,
        ).current_streak
        return streak, texts.next_reminder(outlook(subscriber, now))

    async def _say(
        self,
        context: BotContext,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
    ) -> Message | None:
        """Send one quiet session message (several if it is too long for one, the buttons on the
        last, which is returned); a failure is logged and the session carries on (or ends, if
        the user blocked the bot)."""
        try:
            parts = fit(text)
            sent = None
            for number, part in enumerate(parts, start=1):
                last = number == len(parts)
                sent = await context.bot.send_message(
                    chat_id, part, disable_notification=True, reply_markup=markup if last else None
                )
            return sent
        except Forbidden:
            _LOGGER.info("Chat %s blocked the bot; ending its session", chat_id)
            session = self._sessions.get(chat_id)
            if session is not None:
                self._countdowns.forget(chat_id)
                self._close(context, session, SessionStatus.STOPPED)
        except (BadRequest, NetworkError) as exc:
            _LOGGER.warning("Could not send a session message to chat %s: %s", chat_id, exc)
        return None


class Noted(NamedTuple):
    """A feedback vote applied: for the note on the release message."""

    label: str
    before: float
    after: float
    #: It hurt this session: no increase.
    hurt: bool
    #: "most" or "least" when the vote asked to go past the stretch's bounds.
    limit: str


def _cue_markup(cue: Cue, session: int) -> InlineKeyboardMarkup | None:
    """The hold message's "Stop — it hurts" button; an adapting step's release gets the three
    feedback buttons, which name the session (they expire when the next one starts)."""
    if cue.is_hold:
        button = InlineKeyboardButton(texts.BUTTON_HURTS, callback_data=callbacks.HURTS)
        return InlineKeyboardMarkup([[button]])
    if cue.kind is CueKind.RELEASE and cue.key:
        votes = (
            (texts.BUTTON_EASY, Feedback.EASY),
            (texts.BUTTON_RIGHT, Feedback.RIGHT),
            (texts.BUTTON_HARD, Feedback.HARD),
        )
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        label,
                        callback_data=callbacks.feedback(
                            vote, cue.key, callbacks.milliseconds(cue.seconds), session
                        ),
                    )
                    for label, vote in votes
                ]
            ]
        )
    return None
