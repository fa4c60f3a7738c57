"""Coaching around the sessions: feedback on holds, the pain check and its safety flow, "it
hurts", /pain on|off, and a chat's own routine sent as a file.

The rules are in the core (:mod:`bot.core.progression`, :mod:`bot.core.safety`,
:mod:`bot.core.uploads`); this feature applies them to the store and to the running session
(:class:`bot.features.sessions.Sessions`). A session's feedback and pain buttons are live until
the next session starts; the "continue gently / stop for today" buttons while their session runs.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import NamedTuple

from bot.core import progression, safety
from bot.core.chat import Chat
from bot.core.progression import Feedback
from bot.core.routines import Routine, RoutineBook
from bot.core.uploads import own_routine, validate_upload
from bot.features.sessions import Sessions
from bot.ports import Note, Store

__all__ = [
    "CoachingService",
    "HurtNote",
    "Noted",
    "PainGently",
    "PainHigh",
    "PainRose",
    "PainStillHigh",
    "StoppedForToday",
]


# What coaching says --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HurtNote(Note):
    """“It hurts” with no session to stop (or an old hold's button): ease out, the safety note."""


@dataclass(frozen=True, slots=True)
class PainGently(Note):
    """A middling score before a session: go gently."""


@dataclass(frozen=True, slots=True)
class PainHigh(Note):
    """A high score before session ``session``: paused, asking whether to continue gently or
    stop for today (its buttons); or, once the session has ended, the safety note alone."""

    score: int
    persistent: bool
    paused: bool
    session: int


@dataclass(frozen=True, slots=True)
class PainRose(Note):
    before: int
    after: int


@dataclass(frozen=True, slots=True)
class PainStillHigh(Note):
    """High after a session, without a rise: rest, the safety note."""


@dataclass(frozen=True, slots=True)
class StoppedForToday(Note):
    """The answer "stop for today" after a high score."""


class Noted(NamedTuple):
    """A feedback vote applied: for the note on the release message."""

    label: str
    before: float
    after: float
    #: It hurt this session: no increase.
    hurt: bool
    #: "most" or "least" when the vote asked to go past the stretch's bounds.
    limit: str


class CoachingService:
    """Feedback, pain and own routines, for every chat."""

    def __init__(self, *, store: Store, sessions: Sessions, routines: RoutineBook) -> None:
        self._store = store
        self._sessions = sessions
        self._routines = routines

    async def routine_for(self, chat_id: int, routine_id: str) -> Routine | None:
        """A routine this chat may use: a shared one, or its own."""
        if routine_id in self._routines:
            return self._routines[routine_id]
        chat = await self._store.chat(chat_id)
        mine = own_routine(chat) if chat else None
        return mine if mine is not None and mine.id == routine_id else None

    # Feedback on holds -------------------------------------------------------------------------

    async def feedback(
        self, chat_id: int, *, vote: Feedback, key: str, used_ms: int, session: int
    ) -> Noted | None:
        """Apply a feedback button (the side ``key`` shown with ``used_ms`` in ``session``);
        None for a button that is stale, of an earlier session, or not ours."""
        parsed = progression.parse_key(key)
        if parsed is None or await self._sessions.latest(chat_id) != session:
            return None
        routine_id, index, number, mirrored = parsed
        routine = await self.routine_for(chat_id, routine_id)
        step = progression.bounded_step(routine, index, number) if routine else None
        if routine is None or step is None or step.bounds is None:
            return None
        bounds = step.bounds
        hold_key = progression.hold_key(routine_id, index, number, mirrored)
        outcome: tuple[float, float, bool] | None = None

        def vote_on(current: Chat) -> Chat:
            nonlocal outcome
            before = progression.stored_total(step, current.coaching.holds.get(hold_key))
            if progression.milliseconds(before) != used_ms:
                outcome = None  # pressed before, or a button from an older timing
                return current
            hurt = progression.exercise_key(routine_id, index) in current.coaching.hurt
            after = progression.adjusted(bounds, before, vote, hurt=hurt)
            outcome = (before, after, hurt)
            holds = {**current.coaching.holds, hold_key: after}
            return replace(current, coaching=replace(current.coaching, holds=holds))

        await self._store.change(chat_id, vote_on)
        if outcome is None:
            return None
        before, after, hurt = outcome
        label = progression.label(routine.exercises[index], number, mirrored)
        limit = ""
        if after == before and not hurt and vote != Feedback.RIGHT:
            limit = "most" if vote == Feedback.EASY else "least"
        return Noted(label, before, after, hurt, limit)

    # The pain check ----------------------------------------------------------------------------

    async def record_pain(
        self, chat_id: int, *, session: int, before: bool, value: int | None
    ) -> safety.Answers | None:
        """Keep a pain answer with its session while that is the chat's latest (running, or
        the last in the history): once the next session starts its questions have expired.
        Returns what the safety rules need; None if the question has expired."""
        async with self._sessions.lock(chat_id):
            if await self._sessions.latest(chat_id) != session:
                return None
            history = await self._store.history(chat_id)
            if await self._sessions.running(chat_id) is not None:
                if not before or not await self._sessions.keep_pain_before(chat_id, value):
                    return None
                earlier = tuple(r.pain_before for r in history if r.pain_before is not None)
                return safety.Answers(value, None, earlier)
            record, history = history[-1], history[:-1]
            if before:
                record = replace(record, pain_before=value)
            else:
                record = replace(record, pain_after=value)
            if not await self._store.update_session(record):
                return None
            earlier = tuple(r.pain_before for r in history if r.pain_before is not None)
            return safety.Answers(record.pain_before, record.pain_after, earlier)

    async def act_on_pain(
        self, chat_id: int, *, session: int, before: bool, answers: safety.Answers
    ) -> None:
        """What a recorded answer calls for (:mod:`bot.core.safety`)."""
        if before:
            await self._before_session(chat_id, session, answers)
        else:
            await self._after_session(chat_id, answers)

    async def _before_session(self, chat_id: int, session: int, answers: safety.Answers) -> None:
        """High: pause the routine at once (before its first hold, if it has not come yet) and
        ask whether to go on; middling: go gently. Once the session is over, the note alone."""
        score = answers.before
        if score is None:
            return
        advice = safety.before_session(score)
        persistent = safety.persistently_high([*answers.earlier, score])
        if advice is safety.Before.STOP:
            asked = PainHigh(score, persistent, paused=True, session=session)
            paused = await self._sessions.pause(chat_id, of_session=session, reason=asked)
            if paused is None:  # the session has ended meanwhile
                said = PainHigh(score, persistent, paused=False, session=session)
                await self._sessions.note(chat_id, said)
        elif advice is safety.Before.GENTLY and await self._sessions.running(chat_id):
            await self._sessions.note(chat_id, PainGently())

    async def _after_session(self, chat_id: int, answers: safety.Answers) -> None:
        """Pain that rose since before the session, or is high, gets a note, not silence."""
        if answers.after is None:
            return
        advice = safety.after_session(answers.before, answers.after)
        if advice is safety.After.ROSE and answers.before is not None:
            await self._sessions.note(chat_id, PainRose(answers.before, answers.after))
        elif advice is safety.After.HIGH:
            await self._sessions.note(chat_id, PainStillHigh())

    async def gate_is_live(self, chat_id: int, session: int) -> bool:
        """Whether “continue gently / stop for today” of ``session`` can still be answered."""
        running = await self._sessions.running(chat_id)
        return running is not None and running.id == session

    async def pass_gate(self, chat_id: int, *, session: int, go_on: bool) -> None:
        """Continue gently (resume) or stop for today."""
        if go_on:
            await self._sessions.resume(chat_id)
        else:
            await self._sessions.stop(chat_id, of_session=session, say=StoppedForToday())

    async def hurts(self, chat_id: int) -> None:
        """“Stop — it hurts”: whenever it is pressed, even on a finished session's message, the
        answer is the safety note (and a running session stops)."""
        if not await self._sessions.hurts(chat_id):
            await self._sessions.note(chat_id, HurtNote())

    async def set_pain_check(self, chat_id: int, on: bool) -> None:
        """/pain on or off: the question before and after sessions."""

        def change(current: Chat) -> Chat:
            return replace(current, coaching=replace(current.coaching, pain_check=on))

        await self._store.change(chat_id, change)

    async def set_sound(self, chat_id: int, on: bool) -> None:
        """/sound on or off: the cues that end a hold come with a notification, or not."""

        def change(current: Chat) -> Chat:
            return replace(current, coaching=replace(current.coaching, sound=on))

        await self._store.change(chat_id, change)

    # Own routines ------------------------------------------------------------------------------

    async def save_routine(self, chat_id: int, data: bytes, filename: str) -> Routine:
        """Make an uploaded file the chat's own routine; raises ``UploadError`` with every
        reason it cannot be (nothing is saved then)."""
        routine = validate_upload(data, filename, set(self._routines))
        # Kept without a byte-order mark: it is text now, and the loader reads it either way.
        text = data.decode("utf-8-sig")

        def change(current: Chat) -> Chat:
            return replace(current, coaching=replace(current.coaching, own_routine=text))

        await self._store.change(chat_id, change)
        return routine
