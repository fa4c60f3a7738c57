"""What a guided session says, as data (``bot.telegram.render.session`` puts it in words).

Every session message goes out quietly in the interactive lane; only the reminder buzzes, and,
with /sound on, the cues that end a hold (``bot.core.session.ends_hold``).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.encouragement import HoldFigure
from bot.core.outlook import Outlook
from bot.core.preview import Preview, preview
from bot.core.session import Cue, CueKind, GuidedSession
from bot.ports import Note

__all__ = [
    "Completed",
    "CueNote",
    "HurtStop",
    "Interrupted",
    "PainQuestion",
    "Partial",
    "PauseExpired",
    "Paused",
    "Resumed",
    "Stopped",
    "after_hold",
    "cue_note",
]


@dataclass(frozen=True, slots=True)
class CueNote(Note):
    """One cue of session ``session``: a hold has the "it hurts" button; an adapting step's
    release has the feedback buttons, which name the session (they expire with the next)."""

    cue: Cue
    session: int
    #: INTRO: the routine's exercises with their times, before the first step.
    preview: Preview | None = None


@dataclass(frozen=True, slots=True)
class Resumed(Note):
    """The session goes on; mid-hold, ``left`` routine seconds of it in a new message that
    counts down (with the "it hurts" button); None between holds."""

    left: float | None


@dataclass(frozen=True, slots=True)
class Paused(Note):
    """Paused: say resume or stop."""


@dataclass(frozen=True, slots=True)
class PainQuestion(Note):
    """“How is your back, 0–10?” before or after session ``session``, with its buttons."""

    session: int
    before: bool


@dataclass(frozen=True, slots=True)
class Completed(Note):
    """A routine done: how long it took (real seconds), the streak, a figure, the next reminder."""

    routine_title: str
    took: float
    streak: int
    #: The chat's schedule from now (None: the chat has no settings).
    outlook: Outlook | None
    #: One concrete figure: the hold that grew most (``bot.core.encouragement``).
    figure: HoldFigure | None = None


@dataclass(frozen=True, slots=True)
class Partial(Note):
    """The end of a routine mostly skipped (``bot.core.session``): no praise, no blame."""

    routine_title: str
    outlook: Outlook | None


@dataclass(frozen=True, slots=True)
class Stopped(Note):
    """Stopped on request: reply start to go again."""


@dataclass(frozen=True, slots=True)
class PauseExpired(Note):
    """A paused session closed after a long while without a word."""


@dataclass(frozen=True, slots=True)
class HurtStop(Note):
    """Stopped because it hurts: the safety message."""


@dataclass(frozen=True, slots=True)
class Interrupted(Note):
    """At start-up, to a chat whose session a restart cut short."""


def after_hold(cue: Cue, session: int) -> Note | None:
    """What a finished hold's message ends with: the follow-up, or "Release."."""
    return CueNote(cue, session) if cue.kind in (CueKind.FOLLOW_UP, CueKind.RELEASE) else None


def cue_note(session: GuidedSession, cue: Cue) -> CueNote:
    """The note of one of ``session``'s cues; the intro carries the routine's preview."""
    shown = preview(session.script) if cue.kind is CueKind.INTRO else None
    return CueNote(cue, session.id, shown)
