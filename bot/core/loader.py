"""The loader that reads a routine file and validates it as it goes.

A routine lives in one TOML file under ``CONTENT_DIR`` (schema: ``docs/content.md``); a physio's
upload is read the same way. Broken content must stop the bot at start-up with a message naming
the file, the exercise and the step, rather than surface half-way through somebody's session,
and an upload is answered with every problem at once.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from bot.core.parsing import quoted
from bot.core.pictures import check_picture
from bot.core.routines import (
    MAX_HOLD_SECONDS,
    MAX_TEXT,
    MAX_TITLE,
    MIN_HOLD_SECONDS,
    Bounds,
    ContentError,
    Exercise,
    FollowUp,
    Routine,
    RoutineBook,
    Step,
    visible,
)

__all__ = ["load_routine", "load_routines", "parse_routine"]

_T = TypeVar("_T")
_SIDES = ("one", "both")
_ID_RE = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


def _gather(problems: list[str], load: Callable[[], _T]) -> _T | None:
    """Run one part of the validation; on failure note its problems and carry on."""
    try:
        return load()
    except ContentError as exc:
        problems.extend(exc.problems)
        return None


class _Checker:
    """Reads fields out of a TOML table and names where a problem is."""

    def __init__(self, where: str) -> None:
        self.where = where

    def fail(self, message: str) -> ContentError:
        return ContentError(f"{self.where}: {message}")

    def text(
        self,
        table: Mapping[str, Any],
        key: str,
        *,
        required: bool = True,
        limit: int = MAX_TEXT,
    ) -> str:
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{key} is required")
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{key} must be non-empty text")
        if not visible(value):
            raise self.fail(f"{key} must have a visible character")
        if len(value) > limit:
            raise self.fail(f"{key} is longer than {limit} characters")
        return " ".join(value.split())

    def optional_hold(self, table: Mapping[str, Any]) -> float | None:
        return None if table.get("hold") is None else self.hold(table)

    def hold(self, table: Mapping[str, Any]) -> float:
        return self.seconds(table, "hold")

    def seconds(self, table: Mapping[str, Any], key: str) -> float:
        """A number of seconds from 1 to 300: a hold, a follow-up, or a progression bound."""
        value = table.get(key)
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise self.fail(f"{key} must be a positive number of seconds")
        if value < MIN_HOLD_SECONDS:
            raise self.fail(f"{key} must be at least {MIN_HOLD_SECONDS} second")
        if value > MAX_HOLD_SECONDS:
            raise self.fail(f"{key} must be at most {MAX_HOLD_SECONDS} seconds")
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
                f"unknown field {quoted(unknown[0])} (allowed: {', '.join(sorted(allowed))})"
            )

    def tables(self, table: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
        value = table.get(key)
        if not isinstance(value, list) or not value:
            raise self.fail(f"needs at least one entry in {key}")
        if not all(isinstance(item, dict) for item in value):
            raise self.fail(f"every entry in {key} must be a table")
        return value


def _load_bounds(check: _Checker, raw: object, step: Step) -> Bounds:
    """The step's adaptable range: it must contain the file's own timing (what a new user
    gets) and leave the last phase of the hold at least a second long."""
    if not isinstance(raw, dict):
        raise check.fail("progress must be a table { min, max, step }")
    inner = _Checker(f"{check.where}, progress")
    inner.only(raw, {"min", "max", "step"})
    low, high, step_by = (inner.seconds(raw, key) for key in ("min", "max", "step"))
    if step.hold is None:
        raise check.fail("progress needs a hold on the step itself")
    if not low <= step.total <= high:
        raise inner.fail(
            f"min and max must contain the step's own {step.total:g} s (hold and follow-ups)"
        )
    last = step.followups[-1].hold if step.followups else step.hold
    if low <= step.total - last:
        raise inner.fail(f"min must be more than {step.total - last:g} s, so every phase lasts")
    if high > MAX_HOLD_SECONDS:
        raise inner.fail(f"max must be at most {MAX_HOLD_SECONDS} seconds")
    if high > low and step_by > high - low:
        raise inner.fail("step must be at most max − min")
    return Bounds(min=low, max=high, step=step_by)


def _load_step(where: str, raw: Mapping[str, Any]) -> Step:
    check = _Checker(where)
    check.only(raw, {"text", "hold", "followups", "progress"})
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
    step = Step(text=text, hold=hold, followups=tuple(followups))
    if "progress" in raw:
        step = Step(text, hold, step.followups, _load_bounds(check, raw["progress"], step))
    return step


def _pictures(
    check: _Checker, raw: Mapping[str, Any], folder: Path | None, both_sides: bool
) -> tuple[Path | None, Path | None]:
    """The exercise's ``image`` and ``image_mirrored``, checked (see bot/core/pictures.py).

    Only a content file may name pictures: an upload is data from a stranger, and a path in
    it is never opened (it could name any file on the server)."""
    named = [key for key in ("image", "image_mirrored") if key in raw]
    if not named:
        return None, None
    if folder is None:
        raise check.fail(
            f"{named[0]}: pictures come only with the bot's own routines; "
            "remove the image lines and send the file again"
        )
    if "image" not in raw:
        raise check.fail("image_mirrored needs an image")
    if both_sides != ("image_mirrored" in raw):
        raise check.fail(
            'an exercise with sides = "both" names image and image_mirrored (the same file '
            "for a picture that shows both sides); one done on one side names image only"
        )
    found: list[Path | None] = [None, None]
    for number, key in enumerate(named):
        name = raw[key]
        if not isinstance(name, str) or not name.strip():
            raise check.fail(f"{key} must be a path to a picture in the content folder")
        found[number], problem = check_picture(folder, name)
        if problem is not None:
            raise check.fail(f"{key}: {problem}")
    return found[0], found[1]


def _load_exercise(
    where: str, raw: Mapping[str, Any], previous: Exercise | None, folder: Path | None
) -> Exercise:
    check = _Checker(where)
    problems: list[str] = []

    def fields() -> Exercise:
        check.only(
            raw,
            {"title", "target", "sides", "continues", "added", "note", "steps"}
            | {"image", "image_mirrored"},
        )
        sides = raw.get("sides", "one")
        if sides not in _SIDES:
            raise check.fail('sides must be "one" or "both"')
        continues = check.flag(raw, "continues")
        if continues and (previous is None or not previous.both_sides):
            raise check.fail("continues needs a previous exercise done on both sides")
        added = check.flag(raw, "added")
        image, image_mirrored = _pictures(check, raw, folder, sides == "both")
        return Exercise(
            title=check.text(raw, "title", limit=MAX_TITLE),
            target=check.text(raw, "target"),
            steps=(),
            both_sides=sides == "both",
            continues=continues,
            added=added,
            note=check.text(raw, "note", required=added),
            image=image,
            image_mirrored=image_mirrored,
        )

    exercise = _gather(problems, fields)
    steps: list[Step] = []
    tables = _gather(problems, lambda: check.tables(raw, "steps")) or []
    for number, table in enumerate(tables, start=1):
        step = _gather(problems, lambda: _load_step(f"{where}, step {number}", table))  # noqa: B023
        if step is not None:
            steps.append(step)
    if problems or exercise is None:
        raise ContentError(*problems)
    return replace(exercise, steps=tuple(steps))


def load_routine(path: Path) -> Routine:
    """Load and validate one routine file; every problem names the file, exercise and step."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ContentError(f"{path}: cannot read ({exc.strerror})") from exc
    return parse_routine(data, str(path), path=path)


def parse_routine(data: bytes, where: str, *, path: Path | None = None) -> Routine:
    """Validate a routine from the bytes of a TOML file (a content file, with its ``path``, or
    an upload, without: it may name no pictures); ``where`` starts every error message. TOML
    is data: nothing in it is executed."""
    folder = path.parent if path is not None else None
    try:
        # utf-8-sig: editors on Windows start UTF-8 files with a byte-order mark.
        raw = tomllib.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ContentError(f"{where}: not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ContentError(f"{where}: not valid TOML ({exc})") from exc
    except RecursionError as exc:
        # tomllib recurses once per level of [[[…]]] or {a={…}}: a few hundred levels (a
        # kilobyte of brackets) exhaust the stack. A routine needs three.
        raise ContentError(f"{where}: not valid TOML (nested too deeply)") from exc
    check = _Checker(where)
    problems: list[str] = []

    def fields() -> Routine:
        check.only(
            raw,
            {
                *("id", "title", "summary", "source", "disclaimer", "default", "derived"),
                *("exercises", "micro"),
            },
        )
        routine_id = check.text(raw, "id")
        if not _ID_RE.match(routine_id):
            raise check.fail("id must be lowercase letters, digits, - or _ (at most 32)")
        return Routine(
            id=routine_id,
            title=check.text(raw, "title", limit=MAX_TITLE),
            summary=check.text(raw, "summary"),
            source=check.text(raw, "source"),
            disclaimer=check.text(raw, "disclaimer"),
            exercises=(),
            default=check.flag(raw, "default"),
            derived=check.text(raw, "derived", required=False),
            path=path,
        )

    routine = _gather(problems, fields)
    exercises: list[Exercise] = []
    items = _gather(problems, lambda: check.tables(raw, "exercises")) or []
    for number, item in enumerate(items, start=1):
        previous = exercises[-1] if exercises else None
        loaded = _gather(
            problems,
            lambda: _load_exercise(f"{where}: exercise {number}", item, previous, folder),  # noqa: B023
        )
        if loaded is not None:
            exercises.append(loaded)
    if not problems and not any(step.hold for ex in exercises for step in ex.steps):
        problems.append(f"{where}: a routine needs at least one timed hold")
    if problems or routine is None:
        raise ContentError(*problems)
    routine = replace(routine, exercises=tuple(exercises))
    if "micro" in raw:
        return replace(routine, micro=_micro(check, raw["micro"], routine))
    return routine


def _micro(check: _Checker, raw: object, routine: Routine) -> Routine:
    """A routine's ``[micro]`` form: its exercises with every hold set to ``hold`` seconds
    (follow-ups and adapting dropped), marked as added with the table's ``note``."""
    if not isinstance(raw, dict):
        raise check.fail("micro must be a table")
    check.only(raw, {"id", "title", "hold", "note"})
    micro_id = check.text(raw, "id")
    if not _ID_RE.match(micro_id) or micro_id == routine.id:
        raise check.fail("micro: id must be a new lowercase id")
    hold, note = raw.get("hold"), check.text(raw, "note")
    if not isinstance(hold, int) or not MIN_HOLD_SECONDS <= hold <= 60:
        raise check.fail(f"micro: hold must be whole seconds from {MIN_HOLD_SECONDS} to 60")
    exercises = tuple(
        replace(
            exercise,
            added=True,
            note=note,
            steps=tuple(
                replace(step, hold=float(hold), followups=(), bounds=None) if step.hold else step
                for step in exercise.steps
            ),
        )
        for exercise in routine.exercises
    )
    title = check.text(raw, "title", limit=MAX_TITLE)
    return replace(
        routine, id=micro_id, title=title, exercises=exercises, derived=note, default=False
    )


def load_routines(folder: Path) -> RoutineBook:
    """Load every ``*.toml`` routine in ``folder``; exactly one may be marked ``default``."""
    if not folder.is_dir():
        raise ContentError(f"{folder}: no such content folder")
    routines: dict[str, Routine] = {}
    hidden: dict[str, Routine] = {}
    for path in sorted(folder.glob("*.toml")):
        routine = load_routine(path)
        ids = [routine.id, *([routine.micro.id] if routine.micro else [])]
        for used in ids:
            if used in routines or used in hidden:
                other = (routines.get(used) or hidden[used]).path
                raise ContentError(f"{path}: id {used!r} is already used by {other}")
        routines[routine.id] = routine
        if routine.micro is not None:
            hidden[routine.micro.id] = routine.micro
    if not routines:
        raise ContentError(f"{folder}: no routines (*.toml) found")
    defaults = [routine.id for routine in routines.values() if routine.default]
    if len(defaults) > 1:
        raise ContentError(f"{folder}: more than one routine is marked default: {defaults}")
    if not defaults and len(routines) > 1:
        raise ContentError(f"{folder}: mark one routine with default = true")
    return RoutineBook(routines, defaults[0] if defaults else next(iter(routines)), hidden)
