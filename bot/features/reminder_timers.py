"""The reminders feature's timers: their kinds, names and data, one chat's by name.

``reminder:{chat}:{HH:MM}`` is a slot's next occurrence (its retry after a failed send:
``…:retry``), ``snooze:{chat}`` a snoozed reminder, ``nudge:{chat}`` the one follow-up. A timer's
data is small JSON values: a slot's ``slot`` and local ``day``; a retry adds ``at`` (when the
message was due) and ``attempt``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from bot.core.calendar import Occurrence
from bot.core.parsing import format_time
from bot.ports import JSONValue, Timer

__all__ = [
    "KINDS",
    "NUDGE",
    "REMINDER",
    "SNOOZE",
    "ScheduledReminder",
    "attempt_of",
    "due_at",
    "nudge_name",
    "occurrence_data",
    "reminder_name",
    "reminder_timer",
    "snooze_name",
]

REMINDER, SNOOZE, NUDGE = "reminder", "snooze", "nudge"
#: Every kind of timer the reminders feature sets.
KINDS = frozenset({REMINDER, SNOOZE, NUDGE})


def reminder_name(chat_id: int, slot: str) -> str:
    return f"reminder:{chat_id}:{slot}"


def snooze_name(chat_id: int) -> str:
    return f"snooze:{chat_id}"


def nudge_name(chat_id: int) -> str:
    return f"nudge:{chat_id}"


def occurrence_data(occurrence: Occurrence) -> dict[str, JSONValue]:
    """What a reminder timer carries besides its instant: the slot and the local date."""
    return {"slot": format_time(occurrence.slot), "day": occurrence.day.isoformat()}


def reminder_timer(
    chat_id: int, occurrence: Occurrence, data: Mapping[str, JSONValue] | None = None
) -> Timer:
    """The timer for one occurrence of a slot (``data``: its :func:`occurrence_data`, shared by
    the many chats of a rebuild)."""
    data = data if data is not None else occurrence_data(occurrence)
    name = reminder_name(chat_id, str(data["slot"]))
    return Timer(name, REMINDER, chat_id, occurrence.at, data)


def due_at(timer: Timer) -> dt.datetime:
    """When the message was due: a retry carries it, a first attempt is due then."""
    at = timer.data.get("at")
    return dt.datetime.fromisoformat(at) if isinstance(at, str) else timer.due


def attempt_of(timer: Timer) -> int:
    attempt = timer.data.get("attempt")
    return attempt if isinstance(attempt, int) else 0


@dataclass(frozen=True, slots=True)
class ScheduledReminder:
    """A slot's reminder waiting in the timers: which occurrence, which attempt."""

    chat_id: int
    occurrence: Occurrence
    #: 0 for the scheduled send, then 1, 2… for retries after failed sends.
    attempt: int = 0

    @property
    def slot(self) -> str:
        return format_time(self.occurrence.slot)

    @classmethod
    def of(cls, timer: Timer) -> ScheduledReminder:
        occurrence = Occurrence(
            dt.time.fromisoformat(str(timer.data["slot"])),
            dt.date.fromisoformat(str(timer.data["day"])),
            due_at(timer),
        )
        return cls(timer.chat_id, occurrence, attempt_of(timer))
