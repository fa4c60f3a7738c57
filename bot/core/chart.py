"""What the /stats chart shows, as plain data: the recent days with their sessions and the
current streak, the hold per side over time, and the weekly pain before → after.

Drawing it is an adapter's job (``bot.charts``); this module only counts, so the same numbers
can be tested without a plotting library and drawn in another process (everything here
pickles).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.core.chat import SessionRecord
from bot.core.stats import MAX_WEEKS, DayMark, counts_as_done, day_marks, pain_weeks

__all__ = ["CHART_DAYS", "ChartData", "Day", "SideHolds", "chart_data", "side_of"]

#: The sessions panel covers this many days, ending today.
CHART_DAYS = 28

_DAY = dt.timedelta(days=1)
_SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class Day:
    """One day of the sessions panel."""

    day: dt.date
    #: Completed sessions that day.
    sessions: int
    mark: DayMark
    #: Part of the current streak.
    streak: bool = False


@dataclass(frozen=True, slots=True)
class SideHolds:
    """One side's average time in position per day it was held, oldest first."""

    #: The side's word as the routine's labels say it ("left", "right", "side 1"), or "" for
    #: one-sided exercises.
    side: str
    points: tuple[tuple[dt.date, float], ...]


@dataclass(frozen=True, slots=True)
class ChartData:
    """The three panels of the /stats chart."""

    today: dt.date
    #: The last :data:`CHART_DAYS` days, oldest first, today last.
    days: tuple[Day, ...]
    #: Days in the current streak (as :func:`bot.core.stats.progress` counts them).
    streak: int
    #: Per side, over the last :data:`~bot.core.stats.MAX_WEEKS` weeks; sided series first.
    holds: tuple[SideHolds, ...]
    #: Per week with answers (its Monday), the average pain before and after, oldest first.
    pain: tuple[tuple[dt.date, float | None, float | None], ...]


def side_of(label: str) -> str:
    """The side in a hold's label ("Iliopsoas stretch · left" → "left"; "Bridge" → ""):
    the part after the title, when there is one (see ``bot.core.progression.label``)."""
    parts = label.split(_SEPARATOR)
    return parts[1] if len(parts) > 1 and not parts[1].startswith("step ") else ""


def chart_data(
    records: Iterable[SessionRecord],
    *,
    today: dt.date,
    reminder_days: frozenset[int],
    paused: Sequence[tuple[dt.date, dt.date]] = (),
    since: dt.date | None = None,
) -> ChartData | None:
    """The chart of a chat's history as of local date ``today``; None before its first
    completed session (a chart of nothing is not worth a picture: the text says it better)."""
    history = list(records)
    completed = [record for record in history if counts_as_done(record)]
    if not completed:
        return None
    first = today - (CHART_DAYS - 1) * _DAY
    weeks = (today - first).days // 7 + 2
    marks = {
        monday + n * _DAY: mark
        for monday, week in day_marks(
            history,
            today=today,
            reminder_days=reminder_days,
            paused=paused,
            weeks=weeks,
            since=since,
        )
        for n, mark in enumerate(week)
    }
    streak_days = _streak(completed, today, reminder_days, paused)
    counts = Counter(record.local_date for record in completed)
    days = tuple(
        Day(day, counts[day], marks[day], day in streak_days)
        for day in (first + n * _DAY for n in range(CHART_DAYS))
    )
    return ChartData(
        today=today,
        days=days,
        streak=len(streak_days),
        holds=_holds(history, today),
        pain=tuple(pain_weeks(history, today=today, weeks=MAX_WEEKS)),
    )


def _streak(
    completed: Sequence[SessionRecord],
    today: dt.date,
    reminder_days: frozenset[int],
    paused: Sequence[tuple[dt.date, dt.date]],
) -> frozenset[dt.date]:
    """The done days of the current streak: back from today (not yet done: from yesterday)
    over done and off days, to the first missed day or the start of the history."""
    done = {record.local_date for record in completed}
    first = min(done)
    found: set[dt.date] = set()
    day = today if today in done else today - _DAY
    while day >= first:
        if day in done:
            found.add(day)
        elif day.weekday() in reminder_days and not any(a <= day < b for a, b in paused):
            break
        day -= _DAY
    return frozenset(found)


def _holds(records: Sequence[SessionRecord], today: dt.date) -> tuple[SideHolds, ...]:
    """Each side's average hold per day, from every session that held one to its release."""
    first = today - dt.timedelta(weeks=MAX_WEEKS)
    per_side: defaultdict[str, defaultdict[dt.date, list[float]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in records:
        if record.local_date <= first:
            continue
        for label, seconds in record.holds.items():
            per_side[side_of(label)][record.local_date].append(seconds)
    series = [
        SideHolds(side, tuple((day, sum(v) / len(v)) for day, v in sorted(days.items())))
        for side, days in per_side.items()
    ]
    return tuple(sorted(series, key=lambda s: (not s.side, s.side)))
