"""Micro-breaks during work hours: when the next break prompt comes, and reading /breaks and
/workhours.

A pure rule over the chat's schedule and :class:`BreakPlan`, so every edge (the window's end,
midnight, a DST day, a reminder inside the window) is tested without timers. Instants are UTC
and the interval is elapsed time (45 minutes are 45 minutes across a clock change); the window
is wall-clock in the chat's zone, turned into instants per day with
:func:`bot.core.calendar.occurrence_on` (its DST rules). A break comes:

* inside the window, ``start < at <= end``: the first of a day one interval after its start;
* on the days of ``/days``, never on a paused or skipped day (:meth:`Schedule.reminds_on`);
* not before the end of an "in a meeting" mute;
* not within ``quiet`` (30 minutes) of a daily reminder, before or after it, nor within
  ``quiet`` after a session ended.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from bot.core.calendar import occurrence_on
from bot.core.chat import BreakPlan, Schedule
from bot.core.parsing import ParseError, Problem, parse_time

__all__ = [
    "BREAK_MINUTES",
    "QUIET",
    "next_break",
    "parse_breaks",
    "parse_work_hours",
]

#: The shortest and the longest interval /breaks accepts, in minutes.
BREAK_MINUTES = (20, 180)
#: No break this close to a daily reminder (before or after) or after a session.
QUIET = dt.timedelta(minutes=30)
#: Each step of the search moves a candidate on; this many cover well over a year.
_MAX_STEPS = 5000
_DAY = dt.timedelta(days=1)


def parse_breaks(text: str) -> int | None:
    """Minutes between breaks: "45", "45m", "1h"; "off" → None."""
    words = text.strip().lower().replace(" ", "")
    if words in ("off", "no", "stop"):
        return None
    match = re.fullmatch(r"(\d{1,4})(m|min|mins|minutes?|h|hours?)?", words)
    if not match:
        raise ParseError(Problem.BREAKS_UNREADABLE, text=text.strip())
    minutes = int(match[1]) * (60 if (match[2] or "m").startswith("h") else 1)
    low, high = BREAK_MINUTES
    if not low <= minutes <= high:
        raise ParseError(Problem.BREAKS_OUT_OF_RANGE, low=low, high=high)
    return minutes


def parse_work_hours(text: str) -> tuple[dt.time, dt.time]:
    """A window "09:00-17:30" (also "9-17:30", "9:00 – 17:30", "9 to 5pm"); it must not end
    before it starts (work hours across midnight are not supported)."""
    parts = re.split(r"\s*(?:-|–|—|to|until)\s*", text.strip().lower())
    if len(parts) != 2 or not all(parts):
        raise ParseError(Problem.HOURS_UNREADABLE, text=text.strip())
    try:
        start, end = parse_time(parts[0]), parse_time(parts[1])
    except ParseError:
        raise ParseError(Problem.HOURS_UNREADABLE, text=text.strip()) from None
    if end <= start:
        raise ParseError(Problem.HOURS_REVERSED, text=text.strip())
    return start, end


def next_break(
    schedule: Schedule,
    plan: BreakPlan,
    after: dt.datetime,
    interval: dt.timedelta,
    *,
    sessions_ended: Iterable[dt.datetime] = (),
    quiet: dt.timedelta = QUIET,
) -> dt.datetime | None:
    """The first instant at or after ``after + interval`` when a break may come (see the
    module docstring); None if breaks are off or none can ever come (an interval longer than
    the window's wall-clock length, no reminder days)."""
    if plan.minutes is None or not schedule.subscribed or interval <= dt.timedelta(0):
        return None
    window = dt.datetime.combine(dt.date.min, plan.end) - dt.datetime.combine(
        dt.date.min, plan.start
    )
    if interval > window:
        return None
    zone, ended = schedule.zone, sorted(sessions_ended)
    candidate = after + interval
    if plan.muted_until is not None:
        candidate = max(candidate, plan.muted_until)
    for _ in range(_MAX_STEPS):
        day = candidate.astimezone(zone).date()
        start = occurrence_on(day, plan.start, zone).at
        end = occurrence_on(day, plan.end, zone).at
        if not schedule.reminds_on(day) or candidate > end:
            following = day + _DAY
            candidate = occurrence_on(following, plan.start, zone).at + interval
            continue
        if candidate <= start:
            candidate = start + interval
            continue
        moved = _out_of_quiet(schedule, day, candidate, ended, quiet)
        if moved is None:
            return candidate
        candidate = moved
    return None


def _out_of_quiet(
    schedule: Schedule,
    day: dt.date,
    candidate: dt.datetime,
    ended: list[dt.datetime],
    quiet: dt.timedelta,
) -> dt.datetime | None:
    """Where ``candidate`` must move to leave a reminder's or a session's quiet time; None if
    it is in none."""
    for near in (day - _DAY, day, day + _DAY):
        if not schedule.reminds_on(near):
            continue
        for slot in schedule.times:
            reminder = occurrence_on(near, slot, schedule.zone).at
            if abs(candidate - reminder) < quiet:
                return reminder + quiet
    for end in ended:
        if end <= candidate < end + quiet:
            return end + quiet
    return None
