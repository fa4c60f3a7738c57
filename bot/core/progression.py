"""Per-side hold progression: the user's feedback moves a step's time within its bounds.

Pure functions, no Telegram. A step with ``progress`` bounds (``docs/content.md``) has a time in
position, its hold plus follow-ups; each side of it is tracked apart under a key
``routine:exercise:step:side`` (indexes from 0; side 0 is the text as written, 1 its mirror).
A chat with no stored value gets the file's own timing, so a new user gets exactly the source's.
When the time changes, the last phase absorbs it ("hold 10 s, then increase" keeps its 10 s).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from enum import StrEnum
from typing import NamedTuple

from bot.core.routines import Bounds, Exercise, Routine, Step, mirror

__all__ = [
    "Feedback",
    "SideHold",
    "adjusted",
    "bounded_step",
    "current_holds",
    "exercise_key",
    "hold_key",
    "label",
    "milliseconds",
    "parse_key",
    "phases",
    "side_word",
    "stored_total",
]

_SIDE_RE = re.compile(r"\b(left|right)\b", re.IGNORECASE)


class Feedback(StrEnum):
    """The release message's three buttons (the values go into callback data)."""

    EASY = "e"
    RIGHT = "j"
    HARD = "h"


def hold_key(routine_id: str, exercise: int, step: int, mirrored: bool) -> str:
    return f"{routine_id}:{exercise}:{step}:{int(mirrored)}"


def exercise_key(routine_id: str, exercise: int) -> str:
    return f"{routine_id}:{exercise}"


def milliseconds(seconds: float) -> int:
    """A time in position in whole milliseconds, as feedback buttons carry it: any hold the
    loader accepts (12.345 s) is carried exactly, and a press is compared with it."""
    return round(seconds * 1000)


def parse_key(key: str) -> tuple[str, int, int, bool] | None:
    """``(routine_id, exercise, step, mirrored)`` of a hold key, or None if it is not one."""
    parts = key.split(":")
    # ASCII digits only: str.isdigit() also takes "٣", which int() reads as 3.
    if len(parts) != 4 or not all(re.fullmatch("[0-9]+", part) for part in parts[1:]):
        return None
    if parts[3] not in ("0", "1"):
        return None
    return parts[0], int(parts[1]), int(parts[2]), parts[3] == "1"


def bounded_step(routine: Routine, exercise: int, step: int) -> Step | None:
    """The step at these indexes if it exists and adapts; None otherwise (a forged key)."""
    if not 0 <= exercise < len(routine.exercises):
        return None
    steps = routine.exercises[exercise].steps
    if not 0 <= step < len(steps) or steps[step].bounds is None:
        return None
    return steps[step]


def stored_total(step: Step, stored: float | None) -> float:
    """The time in position for a side: the stored value clamped to today's bounds, or the
    file's own timing for a side with no feedback yet."""
    if step.bounds is None or stored is None:
        return step.total
    return min(step.bounds.max, max(step.bounds.min, stored))


def phases(step: Step, total: float) -> tuple[float, tuple[float, ...]]:
    """The hold and follow-up seconds that add up to ``total``: the last phase absorbs the
    difference from the file's timing (the loader keeps it positive within the bounds)."""
    hold = step.hold or 0.0
    follows = [follow.hold for follow in step.followups]
    change = total - step.total
    if follows:
        follows[-1] += change
    else:
        hold += change
    return hold, tuple(follows)


def adjusted(bounds: Bounds, current: float, feedback: Feedback, *, hurt: bool) -> float:
    """The next session's time after this feedback; never an increase after it hurt. Rounded
    to hundredths, so a stored time reads well (20.3 − 0.1 is 20.200000000000003 in floats)."""
    if feedback is Feedback.EASY and not hurt:
        return round(min(bounds.max, current + bounds.step), 2)
    if feedback is Feedback.HARD:
        return round(max(bounds.min, current - bounds.step), 2)
    return current


def side_word(exercise: Exercise, step: Step, mirrored: bool) -> str:
    """Which side a two-sided step works, for people: the last "left"/"right" in its hold's
    text (where it ends up: "…feel the stretch in your left lower abdomen"), else "side 1" or
    "side 2"; "" for a one-sided exercise."""
    if not exercise.both_sides:
        return ""
    words = _SIDE_RE.findall(mirror(step.text) if mirrored else step.text)
    if words:
        return str(words[-1]).lower()
    return f"side {2 if mirrored != exercise.continues else 1}"


def label(exercise: Exercise, step: int, mirrored: bool) -> str:
    """Which exercise and side a timed step is, for people and the CSV report:
    "Iliopsoas stretch · left" ("· step 2" too when the exercise has several timed steps)."""
    where = [exercise.title, side_word(exercise, exercise.steps[step], mirrored)]
    if sum(1 for item in exercise.steps if item.hold is not None) > 1:
        where.append(f"step {step + 1}")
    return " · ".join(part for part in where if part)


class SideHold(NamedTuple):
    """One side of an adapting step, for /stats."""

    side: str
    seconds: float
    #: Whether feedback has moved it (else it is the file's own time, and how it feels to
    #: this user is unknown).
    adapted: bool


def current_holds(
    routine: Routine, stored: Mapping[str, float], held: Collection[str] = ()
) -> list[tuple[str, list[SideHold]]]:
    """Per adapting step of ``routine``: its exercise title and the time in position of each
    side the user has done, that is held (its label in ``held``) or given feedback on; steps
    with no such side are left out, so a new user has no rows."""
    rows: list[tuple[str, list[SideHold]]] = []
    for index, exercise in enumerate(routine.exercises):
        for number, step in enumerate(exercise.steps):
            if step.bounds is None:
                continue
            sides = []
            for mirrored in sorted(set(exercise.sides)):
                value = stored.get(hold_key(routine.id, index, number, mirrored))
                if value is None and label(exercise, number, mirrored) not in held:
                    continue
                word = side_word(exercise, step, mirrored)
                sides.append(SideHold(word, stored_total(step, value), value is not None))
            if sides:
                rows.append((exercise.title, sorted(sides)))
    return rows
