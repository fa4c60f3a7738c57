"""A chat as the bot keeps it: plain data in three parts, and its session history.

A chat that used /start has a :class:`Chat`: who it is, and

* its :class:`Schedule` — when reminders come (zone, times, weekdays, pauses, today's skip,
  the follow-up delay) and the calendar rules that follow from it;
* its :class:`Delivery` state — what was sent and what is pending, the part that keeps every
  reminder exactly-once across restarts (and, later, across instances);
* its :class:`Coaching` — the routine it picked, holds adapted per side, pain settings and its
  own uploaded routine.

Nothing here knows how it is stored (see ``bot.storage``) or said (``bot.telegram.render``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.parsing import ALL_DAYS
from bot.core.zones import zone_of

__all__ = [
    "DEFAULT_NUDGE_MINUTES",
    "ActiveSession",
    "BreakPlan",
    "Chat",
    "Coaching",
    "DateRange",
    "Delivery",
    "Schedule",
    "SessionRecord",
    "SessionStatus",
]

#: Half-open ranges of local dates, ``[start, end)``, when reminders were or are paused.
DateRange = tuple[dt.date, dt.date]
#: Minutes after an unanswered reminder that the one follow-up comes; None turns it off.
DEFAULT_NUDGE_MINUTES = 60


@dataclass(frozen=True, slots=True)
class Schedule:
    """When a chat's reminders come: wall-clock times in its zone, on some days."""

    #: As stored and shown: an IANA name ("Europe/Berlin") or an offset ("UTC+05:30").
    timezone: str = "UTC"
    times: tuple[dt.time, ...] = (dt.time(9, 0),)
    #: Reminders are on (off after /stop, or while the chat has blocked the bot).
    subscribed: bool = True
    #: Weekdays reminders happen on, 0 = Monday.
    days: frozenset[int] = ALL_DAYS
    #: Every pause ever set, kept so streaks can tell a paused day from a missed one.
    pauses: tuple[DateRange, ...] = ()
    #: "Skip today": no more reminders on this local date.
    skipped_day: dt.date | None = None
    #: Minutes after an unanswered reminder that the one follow-up comes; None: none.
    nudge_minutes: int | None = DEFAULT_NUDGE_MINUTES

    @property
    def zone(self) -> dt.tzinfo:
        """The zone for calendar arithmetic (see :func:`bot.core.zones.zone_of`)."""
        return zone_of(self.timezone)

    def local_date(self, now: dt.datetime) -> dt.date:
        """The chat's local date at instant ``now``."""
        return now.astimezone(self.zone).date()

    def paused_on(self, day: dt.date) -> bool:
        return any(start <= day < end for start, end in self.pauses)

    def paused_until(self, today: dt.date) -> dt.date | None:
        """The date reminders come back, if they are paused today or later."""
        ends = [end for _, end in self.pauses if end > today]
        return max(ends) if ends else None

    def reminds_on(self, day: dt.date) -> bool:
        """Whether reminders happen on this local date (weekday, pauses, skip today)."""
        return day.weekday() in self.days and day != self.skipped_day and not self.paused_on(day)

    def calendar_key(self) -> Hashable:
        """Everything reminder instants depend on besides the slot: chats with equal keys share
        them (:class:`bot.core.calendar.Planner`). What :meth:`reminds_on` reads must be here."""
        return (self.timezone, self.days, self.pauses, self.skipped_day)


@dataclass(frozen=True, slots=True)
class Delivery:
    """What was sent to a chat and what is pending: what keeps reminders exactly-once."""

    #: Per slot ("HH:MM"), the instant of the last reminder sent, so none is sent twice.
    last_sent: Mapping[str, dt.datetime] = field(default_factory=dict)
    #: The latest reminder message, whose buttons come off when it is answered.
    reminder_message_id: int | None = None
    #: The live reminder's number (its instant, in seconds), carried by its buttons: set
    #: before the send, so its buttons work even while Telegram is still answering it.
    reminder_number: int | None = None
    #: When a snoozed reminder is due again.
    snoozed_until: dt.datetime | None = None
    #: When the follow-up to an unanswered reminder is due; cleared by any reaction.
    nudge_due: dt.datetime | None = None
    #: When a send got 403 (the user blocked the bot); reminders are off until they write again.
    blocked_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Coaching:
    """How a chat's sessions are coached: its routine, adapted holds and pain settings."""

    #: The routine reminders offer; None means the content's default.
    routine_id: str | None = None
    #: Adapted time in position per step and side (keys: bot.core.progression); none = the file's.
    holds: Mapping[str, float] = field(default_factory=dict)
    #: Exercises ("routine:index") that hurt last time: no increase until the next session.
    hurt: frozenset[str] = frozenset()
    #: Ask "How is your back, 0–10?" before and after sessions (/pain off turns it off).
    pain_check: bool = True
    #: The chat's own routine, uploaded as a TOML file: kept as sent, validated again on load.
    own_routine: str = ""
    #: /sound on: the cues that end a hold arrive with a notification (bot.core.session).
    sound: bool = False


@dataclass(frozen=True, slots=True)
class BreakPlan:
    """Micro-breaks during work hours (/breaks, /workhours; the rule: ``bot.core.breaks``)."""

    #: Minutes between break prompts; None: breaks are off (the default).
    minutes: int | None = None
    #: The work-hours window, wall-clock in the chat's zone, on its reminder days.
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(17, 0)
    #: "In a meeting": no break before this instant.
    muted_until: dt.datetime | None = None
    #: The instant of the last break prompt claimed: claimed before the send, so that no
    #: interval gets two prompts, across restarts too.
    last_at: dt.datetime | None = None
    #: The live prompt's number (its instant, in milliseconds), carried by its buttons.
    number: int | None = None
    message_id: int | None = None
    #: Breaks taken: "Done" pressed, or the micro-routine completed from a prompt.
    taken: int = 0


@dataclass(frozen=True, slots=True)
class Chat:
    """A chat that has used /start (a person, or a group)."""

    chat_id: int
    name: str = ""
    created_at: dt.datetime | None = None
    schedule: Schedule = field(default_factory=Schedule)
    delivery: Delivery = field(default_factory=Delivery)
    coaching: Coaching = field(default_factory=Coaching)
    breaks: BreakPlan = field(default_factory=BreakPlan)
    #: The language the bot speaks here ("de"): a user's Telegram language at /start, or the
    #: one /language chose; None until then (English, or the writer's Telegram language).
    language: str | None = None
    #: Bumped by every save; a store refuses to save an older version over a newer one.
    version: int = 0


class SessionStatus(StrEnum):
    #: Reached the end with most of the routine's hold time held (bot.core.session.DONE_SHARE).
    COMPLETED = "completed"
    #: Reached the end, but mostly skipped: not praised as complete, not a streak day.
    PARTIAL = "partial"
    STOPPED = "stopped"
    #: Cut by a restart or crash; closed at the next start-up.
    INTERRUPTED = "interrupted"


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A guided session in progress, stored so a restart can close it instead of losing it,
    and with its ``state`` so that any instance can play its next cue."""

    chat_id: int
    routine_id: str
    started_at: dt.datetime
    local_date: dt.date
    #: The running session as JSON (``bot.features.session_state``); None: only noted.
    state: Mapping[str, Any] | None = None
    #: Bumped by every save of the state: a save over a newer one is refused.
    version: int = 0
    #: When the session's timer is due (its next cue, or giving up while paused).
    due: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One guided session in the history, however it ended."""

    chat_id: int
    routine_id: str
    started_at: dt.datetime
    ended_at: dt.datetime
    #: The day it counts for, in the chat's zone when it started.
    local_date: dt.date
    status: SessionStatus
    #: Seconds from start to end; unknown (None) for an interrupted session.
    duration: float | None
    skipped: int = 0
    #: Time in position per timed step and side held to its release, by label
    #: ("Iliopsoas stretch · left").
    holds: Mapping[str, float] = field(default_factory=dict)
    #: The answers to "How is your back, 0–10?" before and after; None if not asked or skipped.
    pain_before: int | None = None
    pain_after: int | None = None
    #: Stopped because it hurt.
    hurt: bool = False
