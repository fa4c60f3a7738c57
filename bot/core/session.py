"""The guided-session engine: a routine compiled into a script of cues, and a state machine
that walks it. No Telegram, no texts and no event loop here: a cue says what it means (an
instruction, a hold of 10 s, release and switch sides), the caller renders it, sends it and sets
a timer for the returned delay.

Times inside the script are the routine's own seconds; the session multiplies them by
``time_scale`` so tests and demos can run a whole routine in seconds.

**What counts as done.** A session that reaches its end (by time or by skipping) is
*completed* when more than half (:data:`DONE_SHARE`) of the routine's hold time was held;
otherwise it is *partial*: not praised as complete, not a streak day, not "done today" for the
follow-up. Hold time, not exercises or minutes: the holds are the stretching, the messages
between them only reading time, so skipping through the instructions of one exercise and holding
the rest still counts. A hold skipped halfway counts for the half held. A routine with no timed
holds is completed when none of its exercises was skipped. A stopped session is stopped,
however far it got.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from bot.core import progression
from bot.core.chat import SessionStatus
from bot.core.routines import Exercise, Routine, mirror

__all__ = [
    "Beat",
    "Cue",
    "CueKind",
    "GuidedSession",
    "compile_script",
    "ends_hold",
    "reading_pause",
    "session_id",
]

#: Seconds between an exercise's title and its first instruction.
TITLE_PAUSE = 3.0
#: The share of a routine's hold time a session must hold to count as done (see above).
DONE_SHARE = 0.5
#: Seconds after "Release" before the next instruction; switching sides takes a little longer.
RELEASE_PAUSE = 3.0
SWITCH_PAUSE = 5.0


class CueKind(StrEnum):
    INTRO = "intro"
    TITLE = "title"
    STEP = "step"
    HOLD = "hold"
    FOLLOW_UP = "follow_up"
    RELEASE = "release"


@dataclass(frozen=True, slots=True)
class Cue:
    """One message of a session, as meaning, and how long (routine seconds) until the next.

    A hold's or follow-up's length is its ``wait``; what else a kind of cue needs is below.
    """

    kind: CueKind
    wait: float
    #: Index of the exercise this cue belongs to; -1 for the intro.
    exercise: int
    #: What the content says: the instruction or follow-up (in this side's words), the
    #: exercise's title (TITLE) or the routine's (INTRO); empty for holds and releases.
    words: str = ""
    #: TITLE: what the exercise is for.
    target: str = ""
    #: TITLE: the exercise's number (from 1) among ``total``; INTRO: ``total`` exercises.
    number: int = 0
    total: int = 0
    #: TITLE: the second side of a two-sided exercise.
    other_side: bool = False
    #: RELEASE: the other side comes next.
    switch: bool = False
    #: INTRO: how long the session takes at normal speed.
    length: float = 0.0
    #: For the hold, follow-up and release cues of a timed step: which exercise and side, for
    #: people ("Iliopsoas stretch · left"), and its time in position this session.
    label: str = ""
    seconds: float = 0.0
    #: For an adapting step (see bot/progression.py): its per-side key, for feedback.
    key: str = ""
    #: STEP: the exercise's picture for this side, on its first step (the renderer decides
    #: how to show it: a photo with the step as its caption).
    picture: Path | None = None

    @property
    def is_hold(self) -> bool:
        """True while the user is holding a position: the wait is the timed hold itself."""
        return self.kind in (CueKind.HOLD, CueKind.FOLLOW_UP)


def reading_pause(text: str) -> float:
    """Time to read an instruction and get into position: longer for longer text."""
    words = len(text.split())
    return min(10.0, max(4.0, 2.0 + 0.3 * words))


@dataclass(frozen=True, slots=True)
class _Side:
    """One side of one exercise being compiled."""

    routine_id: str
    exercise: Exercise
    index: int
    mirrored: bool
    last_side: bool
    holds: Mapping[str, float]


def _side_cues(side: _Side) -> list[Cue]:
    exercise, index = side.exercise, side.index
    cues: list[Cue] = []
    for number, step in enumerate(exercise.steps, start=1):
        text = mirror(step.text) if side.mirrored else step.text
        picture = exercise.picture(side.mirrored) if number == 1 else None
        cues.append(Cue(CueKind.STEP, reading_pause(text), index, words=text, picture=picture))
        if step.hold is None:
            continue
        key = progression.hold_key(side.routine_id, index, number - 1, side.mirrored)
        total = progression.stored_total(step, side.holds.get(key))
        label = progression.label(exercise, number - 1, side.mirrored)

        tag = functools.partial(
            Cue, exercise=index, label=label, seconds=total, key=key if step.bounds else ""
        )
        hold, follows = progression.phases(step, total)
        cues.append(tag(CueKind.HOLD, hold))
        for follow, length in zip(step.followups, follows, strict=True):
            said = mirror(follow.text) if side.mirrored else follow.text
            cues.append(tag(CueKind.FOLLOW_UP, length, words=said))
        if number == len(exercise.steps) and not side.last_side:
            cues.append(tag(CueKind.RELEASE, SWITCH_PAUSE, switch=True))
        else:
            cues.append(tag(CueKind.RELEASE, RELEASE_PAUSE))
    return cues


def compile_script(routine: Routine, holds: Mapping[str, float] | None = None) -> tuple[Cue, ...]:
    """Every message of a session in order: intro, then per exercise and side its title, each
    instruction, each hold and follow-up, and a release. ``holds`` are the chat's adapted times
    (bot/progression.py); without them, the file's own timings."""
    total = len(routine.exercises)
    body: list[Cue] = []
    for index, exercise in enumerate(routine.exercises):
        sides = exercise.sides
        for side, mirrored in enumerate(sides):
            title = Cue(
                CueKind.TITLE,
                TITLE_PAUSE,
                index,
                words=exercise.title,
                target=exercise.target,
                number=index + 1,
                total=total,
                other_side=side > 0,
            )
            body.append(title)
            last_side = side == len(sides) - 1
            body.extend(
                _side_cues(_Side(routine.id, exercise, index, mirrored, last_side, holds or {}))
            )
    length = sum(cue.wait for cue in body)
    intro = Cue(CueKind.INTRO, 5.0, -1, words=routine.title, total=total, length=length)
    return (intro, *body)


def ends_hold(script: tuple[Cue, ...], position: int) -> bool:
    """Whether the cue at ``position`` is one that someone holding a position waits for: a
    release ("Release", "Switch sides"), or the first step of the exercise after one."""
    if not 0 <= position < len(script):
        return False
    cue = script[position]
    if cue.kind is CueKind.RELEASE:
        return True
    before = script[max(0, position - 2) : position]
    return cue.kind is CueKind.STEP and [c.kind for c in before] == [
        CueKind.RELEASE,
        CueKind.TITLE,
    ]


def script_seconds(script: tuple[Cue, ...]) -> float:
    """How long a session takes at normal speed, if nobody pauses or skips."""
    return sum(cue.wait for cue in script)


@dataclass(frozen=True, slots=True)
class Beat:
    """What the caller does next: send ``cue`` (if any) and call back after ``delay`` seconds,
    or, when ``finished`` is set, end the session."""

    cue: Cue | None = None
    delay: float | None = None
    finished: SessionStatus | None = None


@dataclass(slots=True)
class GuidedSession:
    """One chat walking through one routine. Time arguments are seconds on one clock: the wall
    clock's (``datetime.timestamp()``) in the bot, so that another instance can continue it
    (:mod:`bot.core.session_doc`)."""

    chat_id: int
    routine: Routine
    script: tuple[Cue, ...]
    started_at: dt.datetime
    local_date: dt.date
    started_mono: float
    time_scale: float = 1.0
    #: Index of the last cue sent; -1 before the first.
    position: int = -1
    #: When the next cue is due; None while paused or finished.
    due: float | None = None
    #: Seconds that were left on the timer when paused.
    paused_left: float | None = None
    skipped: int = 0
    #: Routine seconds of hold time held so far (for DONE_SHARE).
    held: float = 0.0
    #: Time in position of each timed step and side held to its release, by label.
    held_sides: dict[str, float] = field(default_factory=dict)
    #: The answer to the pain question before the session, if any.
    pain_before: int | None = None
    #: Stopped because it hurt.
    hurt: bool = False
    status: SessionStatus | None = None
    #: Bumped on every new timer, so a timer that fires after being replaced is ignored.
    generation: int = field(default=0)
    #: The chat's /sound at the start: the cues that end a hold come with a notification.
    sound: bool = False

    @property
    def paused(self) -> bool:
        return self.paused_left is not None

    @property
    def finished(self) -> bool:
        return self.status is not None

    @property
    def current(self) -> Cue | None:
        return self.script[self.position] if 0 <= self.position < len(self.script) else None

    def _go_to(self, position: int, now: float) -> Beat:
        if position >= len(self.script):
            return self._finish(self._end_status())
        self.position = position
        cue = self.script[position]
        delay = cue.wait * self.time_scale
        self.due = now + delay
        self.paused_left = None
        self.generation += 1
        return Beat(cue=cue, delay=delay)

    def _finish(self, status: SessionStatus) -> Beat:
        self.status = status
        self.due = None
        self.paused_left = None
        self.generation += 1
        return Beat(finished=status)

    def begin(self, now: float) -> Beat:
        """Send the intro."""
        return self._go_to(0, now)

    def advance(self, now: float) -> Beat:
        """The timer for the current cue ran out: the next cue, or the end."""
        cue, following = self.current, self.position + 1
        if cue is not None and cue.is_hold:
            self.held += cue.wait
            after = self.script[following] if following < len(self.script) else None
            if after is not None and after.kind is CueKind.RELEASE and after.label:
                self.held_sides[after.label] = after.seconds
        return self._go_to(following, now)

    def skip(self, now: float) -> Beat:
        """Jump to the first cue of the next exercise (or finish after the last one); during
        the intro, to the first exercise. A hold skipped partway counts for what was held."""
        cue = self.current
        if cue is not None and cue.is_hold:
            left = self.paused_left if self.paused else max(0.0, (self.due or now) - now)
            self.held += max(0.0, cue.wait - (left or 0.0) / self.time_scale)
        exercise = cue.exercise if cue else -1
        if exercise >= 0:  # skipping the intro is not skipping an exercise
            self.skipped += 1
        for position in range(self.position + 1, len(self.script)):
            if self.script[position].exercise > exercise:
                return self._go_to(position, now)
        return self._finish(self._end_status())

    @property
    def audible(self) -> bool:
        """Whether the current cue comes with a notification (/sound on): it ends a hold."""
        return self.sound and ends_hold(self.script, self.position)

    def again(self, now: float) -> Beat | None:
        """The current step once more: during its hold, a follow-up or its release, the hold
        from the start at full length; any other cue is said again, timed afresh."""
        cue, position = self.current, self.position
        if cue is None:
            return None
        if cue.is_hold or cue.kind is CueKind.RELEASE:
            while position > 0 and self.script[position].kind is not CueKind.HOLD:
                position -= 1
        return self._go_to(position, now)

    def repeat(self, now: float) -> Beat | None:
        """The exercise just finished once more, from its title (then on as before, through the
        exercise that was running); None while the first one is not done yet."""
        cue, following = self.current, self.position + 1
        if cue is None:
            return None
        last = following >= len(self.script) or self.script[following].exercise != cue.exercise
        exercise = cue.exercise if last and cue.kind is CueKind.RELEASE else cue.exercise - 1
        if exercise < 0:
            return None
        first = next(i for i, c in enumerate(self.script) if c.exercise == exercise)
        return self._go_to(first, now)

    def move(self, how: str, now: float) -> Beat | None:
        """What a session word asks: ``skip``, ``again`` or ``repeat`` (None: nothing to
        repeat yet)."""
        moves = {"skip": self.skip, "again": self.again, "repeat": self.repeat}
        return moves[how](now)

    @property
    def hold_seconds(self) -> float:
        """The routine's hold time in all, as compiled for this session."""
        return sum(cue.wait for cue in self.script if cue.is_hold)

    def _end_status(self) -> SessionStatus:
        """Completed or partial, by the rule in the module's docstring."""
        total = self.hold_seconds
        done = self.held > DONE_SHARE * total if total else self.skipped == 0
        return SessionStatus.COMPLETED if done else SessionStatus.PARTIAL

    def pause(self, now: float) -> float:
        """Stop the clock; returns the seconds that were left on the current timer."""
        left = max(0.0, (self.due or now) - now)
        self.paused_left = left
        self.due = None
        self.generation += 1
        return left

    def resume(self, now: float) -> Beat:
        """Start the clock again with the time that was left; the cue is not re-sent."""
        left = self.paused_left or 0.0
        self.paused_left = None
        self.due = now + left
        self.generation += 1
        return Beat(delay=left)

    def stop(self) -> Beat:
        return self._finish(SessionStatus.STOPPED)

    def elapsed(self, now: float) -> float:
        return now - self.started_mono

    @property
    def id(self) -> int:
        """Names the session in pain buttons, which may be answered after it ended."""
        return session_id(self.started_at)

    def holds_used(self) -> dict[str, float]:
        """Time in position of each timed step and side held to its release, by label: a side
        skipped or stopped partway is not in it."""
        return dict(self.held_sides)

    def exercise_holds(self, exercise: int) -> dict[str, float]:
        """This session's time in position for each adapting step and side of an exercise."""
        return {
            cue.key: cue.seconds for cue in self.script if cue.key and cue.exercise == exercise
        }


def session_id(started_at: dt.datetime) -> int:
    """A session's start in milliseconds: unique per chat, stable in the history."""
    return round(started_at.timestamp() * 1000)
