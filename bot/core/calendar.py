"""When reminders happen: wall-clock slots in a chat's zone turned into exact instants.

Pure functions, so DST behaviour is tested without timers. A slot is a wall-clock time in the
chat's zone and happens at most once per local day:

* when the clock springs forward over it (02:30 in Europe/Berlin on the last Sunday of March) it
  happens at the same distance past the change (03:30 local);
* when the clock falls back through it (02:30 on the last Sunday of October happens twice) only
  the first pass counts.

APScheduler's cron trigger gets both wrong (a 00:00 job skips the day after spring-forward, a
02:30 job fires twice on fall-back day), which is why instants are computed here and each one is
scheduled as a one-off job.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = [
    "DayFilter",
    "Occurrence",
    "next_occurrence",
    "occurrence_on",
    "previous_occurrence",
    "upcoming",
]

#: Which local dates a reminder may happen on (weekdays, pauses); default: every day.
DayFilter = Callable[[dt.date], bool]
#: Searching further than this for an allowed day means the filter allows none.
_SEARCH_DAYS = 400


def _every_day(_: dt.date) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One reminder: its slot, the local date it belongs to and the instant (UTC) it happens."""

    slot: dt.time
    day: dt.date
    at: dt.datetime


def occurrence_on(day: dt.date, slot: dt.time, zone: dt.tzinfo) -> Occurrence:
    """The instant ``slot`` happens on local date ``day`` (see the module docstring for DST)."""
    # fold=0 picks the first pass through a repeated time and, for a time that does not exist,
    # the offset from before the change: 02:30 +01:00 is 03:30 +02:00 once converted.
    local = dt.datetime.combine(day, slot.replace(tzinfo=None, fold=0), tzinfo=zone)
    return Occurrence(slot, day, local.astimezone(dt.UTC))


def next_occurrence(
    slot: dt.time, zone: dt.tzinfo, after: dt.datetime, allowed: DayFilter = _every_day
) -> Occurrence:
    """The first occurrence strictly after ``after`` on a day that ``allowed`` accepts."""
    # Start a day early: near a date line change the previous local date can still be ahead.
    first = after.astimezone(zone).date() - dt.timedelta(days=1)
    for offset in range(_SEARCH_DAYS):
        day = first + dt.timedelta(days=offset)
        if not allowed(day):
            continue
        occurrence = occurrence_on(day, slot, zone)
        if occurrence.at > after:
            return occurrence
    raise ValueError("no allowed day for a reminder within a year")


def previous_occurrence(
    slot: dt.time, zone: dt.tzinfo, at: dt.datetime, allowed: DayFilter = _every_day
) -> Occurrence | None:
    """The last occurrence at or before ``at`` within the past week, if any."""
    last = at.astimezone(zone).date() + dt.timedelta(days=1)
    for offset in range(8):
        day = last - dt.timedelta(days=offset)
        if not allowed(day):
            continue
        occurrence = occurrence_on(day, slot, zone)
        if occurrence.at <= at:
            return occurrence
    return None


def upcoming(
    slots: Iterable[dt.time], zone: dt.tzinfo, after: dt.datetime, allowed: DayFilter = _every_day
) -> Occurrence | None:
    """The soonest next occurrence over several slots; None if there are no slots."""
    occurrences = [next_occurrence(slot, zone, after, allowed) for slot in slots]
    return min(occurrences, key=lambda occurrence: occurrence.at, default=None)
