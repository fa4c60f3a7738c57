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
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

from bot.core.chat import Chat, Schedule

__all__ = [
    "DayFilter",
    "Occurrence",
    "Planner",
    "following",
    "missed",
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


# Applied to a chat's schedule ------------------------------------------------------------


def following(schedule: Schedule, done: Occurrence) -> Occurrence | None:
    """The occurrence of ``done``'s slot after it, if the schedule still wants that slot."""
    if not schedule.subscribed or done.slot not in schedule.times:
        return None
    return next_occurrence(done.slot, schedule.zone, done.at, schedule.reminds_on)


class Planner:
    """Next and previous reminder instants, memoised for a rebuild of every chat at once.

    Most chats share a zone, a slot and their weekdays, and computing an instant (zone
    conversions over several candidate days) is the bulk of a start-up's work otherwise. The
    key is :meth:`Schedule.calendar_key` plus the slot; ``now`` is fixed for the planner's life.
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self._next: dict[Hashable, Occurrence] = {}
        self._previous: dict[Hashable, Occurrence | None] = {}

    def next(self, schedule: Schedule, slot: dt.time) -> Occurrence:
        key = (schedule.calendar_key(), slot)
        found = self._next.get(key)
        if found is None:
            found = self._next[key] = next_occurrence(
                slot, schedule.zone, self.now, schedule.reminds_on
            )
        return found

    def previous(self, schedule: Schedule, slot: dt.time) -> Occurrence | None:
        key = (schedule.calendar_key(), slot)
        if key not in self._previous:
            self._previous[key] = previous_occurrence(
                slot, schedule.zone, self.now, schedule.reminds_on
            )
        return self._previous[key]


def missed(
    chat: Chat, slot: dt.time, slot_name: str, planner: Planner, grace: dt.timedelta
) -> Occurrence | None:
    """The catch-up rule: the slot's last occurrence before ``planner.now``, if the bot missed it
    (at most ``grace`` ago, after the chat subscribed, and not recorded as sent under
    ``slot_name``); else None."""
    previous = planner.previous(chat.schedule, slot)
    if previous is None or planner.now - previous.at > grace:
        return None
    if chat.created_at and previous.at < chat.created_at:
        return None
    last = chat.delivery.last_sent.get(slot_name)
    if last is not None and last >= previous.at:
        return None
    return previous
