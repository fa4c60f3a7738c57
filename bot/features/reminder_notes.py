"""What the reminders feature says, as data: the render module
(``bot.telegram.render.reminders``) turns each note into words and buttons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.core.outlook import Outlook
from bot.ports import Note

__all__ = ["Nudge", "Quick", "Reminder", "SkippedToday", "Snoozed"]


@dataclass(frozen=True, slots=True)
class Quick:
    """A shorter routine offered beside the chat's own (its button: "⚡ Quick 2 min")."""

    routine_id: str
    seconds: float


@dataclass(frozen=True, slots=True)
class Reminder(Note):
    """Time to stretch: the chat's routine, with Start / Quick, snooze and skip buttons."""

    routine: str
    exercises: int
    #: How long the routine takes, in seconds.
    seconds: float
    #: The reminder's number (the instant it was due, in whole seconds): its buttons carry it.
    number: int
    quick: Quick | None = None
    #: A snoozed reminder coming back.
    again: bool = False


@dataclass(frozen=True, slots=True)
class Nudge(Note):
    """The one follow-up to a reminder nobody reacted to; same buttons as the reminder."""

    seconds: float
    number: int
    quick: Quick | None = None


@dataclass(frozen=True, slots=True)
class Snoozed(Note):
    """The reminder comes again at ``until`` (local to the chat); ``skip_undone`` when "later"
    took back today's "Skip today"."""

    until: dt.datetime
    skip_undone: bool = False


@dataclass(frozen=True, slots=True)
class SkippedToday(Note):
    """No more reminders today; the outlook says when the next one comes."""

    outlook: Outlook | None
