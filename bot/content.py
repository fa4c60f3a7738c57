"""Routines as data: frozen dataclasses, and a loader that validates as it loads.

A routine lives in one TOML file under ``CONTENT_DIR`` (schema: ``docs/content.md``). Broken
content must stop the bot at start-up with a message naming the file, the exercise and the step,
rather than surface half-way through somebody's session.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ContentError",
    "Exercise",
    "FollowUp",
    "Routine",
    "RoutineBook",
    "Step",
    "load_routine",
    "load_routines",
    "mirror",
]

_SIDES = ("one", "both")
_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
_SIDE_WORD_RE = re.compile(r"\b(left|right)\b", re.IGNORECASE)
_SWAP = {"left": "right", "right": "left"}
#: Telegram refuses longer messages; a step is always sent as one message.
MAX_TEXT = 1000
#: A hold longer than this is almost certainly a typo (minutes written as seconds).
MAX_HOLD_SECONDS = 300


class ContentError(ValueError):
    """A routine file is missing, unreadable or does not follow the schema."""


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What to do when a hold ends, held for its own number of seconds."""

    text: str
    hold: float


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction, sent as its own message; a hold is timed by the bot."""

    text: str
    hold: float | None = None
    followups: tuple[FollowUp, ...] = ()


@dataclass(frozen=True, slots=True)
class Exercise:
    title: str
    target: str
    steps: tuple[Step, ...]
    #: True: the steps are done as written, then again with left and right swapped.
    both_sides: bool = False
    #: Starts from the position the previous exercise ended in, so its first side is the mirror
    #: image of the text (the previous two-sided exercise ended on its mirrored side).
    continues: bool = False
    #: True when the steps are not from the routine's source; ``note`` says why they were added.
    added: bool = False
    note: str = ""

    @property
    def sides(self) -> tuple[bool, ...]:
        """Whether each side, in the order done, is the mirror image of the text."""
        if not self.both_sides:
            return (self.continues,)
        return (True, False) if self.continues else (False, True)


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    title: str
    summary: str
    source: str
    disclaimer: str
    exercises: tuple[Exercise, ...]
    default: bool = False
    #: Set when the routine is derived from another one's source (e.g. a shorter version).
    derived: str = ""
    path: Path | None = None


class RoutineBook(Mapping[str, Routine]):
    """All loaded routines by id, with the one marked ``default``."""

    def __init__(self, routines: Mapping[str, Routine], default_id: str) -> None:
        self._routines = dict(routines)
        self.default_id = default_id

    @property
    def default(self) -> Routine:
        return self._routines[self.default_id]

    def choose(self, routine_id: str | None) -> Routine:
        """The routine with this id; the default for None or an id no longer in the content."""
        return self._routines.get(routine_id or self.default_id, self.default)

    def __getitem__(self, key: str) -> Routine:
        return self._routines[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._routines)

    def __len__(self) -> int:
        return len(self._routines)


def mirror(text: str) -> str:
    """Swap every "left" and "right", keeping their case, for the other side of an exercise."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        other = _SWAP[word.lower()]
        if word.isupper():
            return other.upper()
        if word[0].isupper():
            return other.capitalize()
        return other

    return _SIDE_WORD_RE.sub(swap, text)


class _Checker:
    """Reads fields out of a TOML table and names where a problem is."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, message: str) -> ContentError:
        return ContentError(f"{self.where}: {message}")

    def text(self, table: Mapping[str, Any], key: str, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be non-empty text")
        if len(value) > MAX_TEXT:
            raise self.fail(f"{key} is longer than {MAX_TEXT} characters")
        return " ".join(value.split())

    def optional_hold(self, table: Mapping[str, Any]) -> float | None:
        return None if table.get("hold") is None else self.hold(table)

    def hold(self, table: Mapping[str, Any]) -> float:
        value = table.get("hold")
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise self.fail("hold must be a positive number of seconds")
        if value > MAX_HOLD_SECONDS:
            raise self.fail(f"hold must be at most {MAX_HOLD_SECONDS} seconds")
        return float(value)

    def flag(self, table: Mapping[str, Any], key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(f"{key} must be true or false")
        return value

    def only(self, table: Mapping[str, Any], allowed: set[str]) -> None:
        unknown = sorted(set(table) - allowed)
        if unknown:
            raise self.fail(
                f"unknown field {unknown[0]!r} (allowed: {', '.join(sorted(allowed))})"
            )

    def tables(self, table: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = table.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"needs at least one entry in {key}")
        if not all(isinstance(item, dict) for item in value):
            raise self.fail(f"every entry in {key} must be a table")
        return value


def _load_step(where: str, raw: Mapping[str, Any]) -> Step:
    check = _Checker(where)
    check.only(raw, {"text", "hold", "followups"})
    text = check.text(raw, "text")
    hold = check.optional_hold(raw)
    followups: list[FollowUp] = []
    if "followups" in raw:
        if hold is None:
            raise check.fail("followups need a hold on the step itself")
        for number, item in enumerate(check.tables(raw, "followups"), start=1):
            inner = _Checker(f"{where}, follow-up {number}")
            inner.only(item, {"text", "hold"})
            followups.append(FollowUp(text=inner.text(item, "text"), hold=inner.hold(item)))
    return Step(text=text, hold=hold, followups=tuple(followups))


def _load_exercise(where: str, raw: Mapping[str, Any], previous: Exercise | None) -> Exercise:
    check = _Checker(where)
    check.only(raw, {"title", "target", "sides", "continues", "added", "note", "steps"})
    sides = raw.get("sides", "one")
    if sides not in _SIDES:
        raise check.fail('sides must be "one" or "both"')
    continues = check.flag(raw, "continues")
    if continues and (previous is None or not previous.both_sides):
        raise check.fail("continues needs a previous exercise done on both sides")
    added = check.flag(raw, "added")
    note = check.text(raw, "note", required=added)
    steps = tuple(
        _load_step(f"{where}, step {number}", step)
        for number, step in enumerate(check.tables(raw, "steps"), start=1)
    )
    return Exercise(
        title=check.text(raw, "title"),
        target=check.text(raw, "target"),
        steps=steps,
        both_sides=sides == "both",
        continues=continues,
        added=added,
        note=note,
    )


def load_routine(path: Path) -> Routine:
    """Load and validate one routine file; every problem names the file, exercise and step."""
    where = str(path)
    try:
        with path.open("rb") as handle:
            raw = tomllib.load(handle)
    except OSError as exc:
        raise ContentError(f"{where}: cannot read ({exc.strerror})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{where}: not valid TOML ({exc})") from exc
    check = _Checker(where)
    check.only(
        raw,
        {"id", "title", "summary", "source", "disclaimer", "default", "derived", "exercises"},
    )
    routine_id = check.text(raw, "id")
    if not _ID_RE.match(routine_id):
        raise check.fail("id must be lowercase letters, digits, - or _ (at most 32)")
    exercises: list[Exercise] = []
    for number, item in enumerate(check.tables(raw, "exercises"), start=1):
        previous = exercises[-1] if exercises else None
        exercises.append(_load_exercise(f"{where}: exercise {number}", item, previous))
    if not any(step.hold for exercise in exercises for step in exercise.steps):
        raise check.fail("a routine needs at least one timed hold")
    return Routine(
        id=routine_id,
        title=check.text(raw, "title"),
        summary=check.text(raw, "summary"),
        source=check.text(raw, "source"),
        disclaimer=check.text(raw, "disclaimer"),
        exercises=tuple(exercises),
        default=check.flag(raw, "default"),
        derived=check.text(raw, "derived", required=False),
        path=path,
    )


def load_routines(folder: Path) -> RoutineBook:
    """Load every ``*.toml`` routine in ``folder``; exactly one may be marked ``default``."""
    if not folder.is_dir():
        raise ContentError(f"{folder}: no such content folder")
    routines: dict[str, Routine] = {}
    for path in sorted(folder.glob("*.toml")):
        routine = load_routine(path)
        if routine.id in routines:
            other = routines[routine.id].path
            raise ContentError(f"{path}: id {routine.id!r} is already used by {other}")
        routines[routine.id] = routine
    if not routines:
        raise ContentError(f"{folder}: no routines (*.toml) found")
    defaults = [routine.id for routine in routines.values() if routine.default]
    if len(defaults) > 1:
        raise ContentError(f"{folder}: more than one routine is marked default: {defaults}")
    if not defaults and len(routines) > 1:
        raise ContentError(f"{folder}: mark one routine with default = true")
    return RoutineBook(routines, defaults[0] if defaults else next(iter(routines)))
