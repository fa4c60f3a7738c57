"""Routines as data: frozen dataclasses for routine, exercise and step (the loader that
validates a routine file as it reads it is :mod:`bot.core.loader`)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "MAX_HOLD_SECONDS",
    "MAX_TEXT",
    "MAX_TITLE",
    "MIN_HOLD_SECONDS",
    "Bounds",
    "ContentError",
    "Exercise",
    "FollowUp",
    "Routine",
    "RoutineBook",
    "Step",
    "mirror",
    "visible",
]

_SIDE_WORD_RE = re.compile(r"\b(left|right)\b", re.IGNORECASE)
_SWAP = {"left": "right", "right": "left"}
#: Telegram refuses longer messages; a step is always sent as one message.
MAX_TEXT = 1000
#: Routine and exercise titles head messages and label buttons (/routine, /settings): short.
MAX_TITLE = 64
#: A hold longer than this is almost certainly a typo (minutes written as seconds).
MAX_HOLD_SECONDS = 300
#: Nobody can get into position, or read a cue, faster: a shorter "hold" is a typo (ms for s).
MIN_HOLD_SECONDS = 1
#: Characters that take up no room on screen although Unicode calls them letters or symbols.
_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")


class ContentError(ValueError):
    """A routine file is missing, unreadable or does not follow the schema.

    ``problems`` lists every problem found (each naming where); a physio's upload is answered
    with all of them at once rather than one per attempt.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems: tuple[str, ...] = problems


@dataclass(frozen=True, slots=True)
class FollowUp:
    """What to do when a hold ends, held for its own number of seconds."""

    text: str
    hold: float


@dataclass(frozen=True, slots=True)
class Bounds:
    """How far a step's time in position (its hold plus follow-ups) may adapt per person."""

    min: float
    max: float
    step: float


@dataclass(frozen=True, slots=True)
class Step:
    """One instruction, sent as its own message; a hold is timed by the bot."""

    text: str
    hold: float | None = None
    followups: tuple[FollowUp, ...] = ()
    #: Set when the step's time adapts to the user's feedback (see bot/progression.py).
    bounds: Bounds | None = None

    @property
    def total(self) -> float:
        """Seconds in position: the hold and every follow-up."""
        return (self.hold or 0.0) + sum(follow.hold for follow in self.followups)


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
    #: Its illustration (a checked PNG or JPEG in the content folder), sent with the first
    #: step; ``image_mirrored`` is the one for the mirror-image side (see ``picture``).
    image: Path | None = None
    image_mirrored: Path | None = None

    def picture(self, mirrored: bool) -> Path | None:
        """The picture for a side: the mirrored one for the mirror image of the text."""
        return self.image_mirrored if mirrored and self.both_sides else self.image

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
    #: Its short form (a ``[micro]`` table: the same exercises with shorter holds), which
    #: break prompts offer (``bot.core.breaks``); not listed among the routines.
    micro: Routine | None = None


class RoutineBook(Mapping[str, Routine]):
    """All loaded routines by id, with the one marked ``default``."""

    def __init__(
        self,
        routines: Mapping[str, Routine],
        default_id: str,
        hidden: Mapping[str, Routine] | None = None,
    ) -> None:
        self._routines = dict(routines)
        self.default_id = default_id
        #: Found by id (a session of one keeps running) but not listed: the micro-routines.
        self._hidden = dict(hidden or {})

    @property
    def micro(self) -> Routine | None:
        """The short routine break prompts offer, if the content has one."""
        return next(iter(self._hidden.values()), None)

    @property
    def default(self) -> Routine:
        return self._routines[self.default_id]

    def choose(self, routine_id: str | None) -> Routine:
        """The routine with this id; the default for None or an id no longer in the content."""
        return self._routines.get(routine_id or self.default_id, self.default)

    def __getitem__(self, key: str) -> Routine:
        found = self._routines.get(key) or self._hidden.get(key)
        if found is None:
            raise KeyError(key)
        return found

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


def visible(text: str) -> bool:
    """Whether ``text`` shows anything: a character that is not a space, a control or format
    character (zero-width space, joiners, direction marks…), a lone combining mark or a blank
    filler."""
    return any(unicodedata.category(char)[0] not in "ZCM" and char not in _BLANK for char in text)
