"""Progress for /stats: counts, streaks, minutes stretched, and what each recent day was.

Pure functions over a chat's session history. Every date is a *local* date
(:attr:`SessionRecord.local_date`, fixed when the session started), so nothing here knows about
zones. Only completed sessions count (:func:`counts_as_done`; what completes a session is
decided in bot/session.py): a partial, stopped or interrupted one is shown as unfinished.

A day is one of:

* **done** — at least one completed session that day (several sessions are still one streak day);
* **off** — its weekday is not a reminder day (``/days``) or it falls in a pause; an off day
  neither extends nor breaks a streak, but a session done on it still counts as done;
* **missed** — a reminder day before today, not paused, with nothing completed: it breaks a streak;
* **today**, not done yet — not missed yet either, so it breaks nothing.

Reminder days and pauses are applied as they are *now* to the whole history (the history does not
record how they were set in the past).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from bot.core.chat import SessionRecord, SessionStatus

__all__ = [
    "MAX_WEEKS",
    "DayMark",
    "Progress",
    "counts_as_done",
    "day_marks",
    "pain_weeks",
    "progress",
]

#: The most weeks :func:`day_marks` covers.
MAX_WEEKS = 52

_DAY = dt.timedelta(days=1)


class DayMark(StrEnum):
    """What one day was, for the chart of recent weeks."""

    DONE = "done"
    MISSED = "missed"
    OFF = "off"
    #: Today before its session, the rest of the week, and days before the history begins.
    BLANK = "blank"


@dataclass(frozen=True, slots=True)
class Progress:
    """A chat's progress as of one local date."""

    #: Completed sessions in the ISO week (Monday to Sunday) containing today.
    this_week: int
    #: Completed sessions in today's calendar month.
    this_month: int
    #: Completed sessions ever.
    total: int
    #: Streak days up to today (today counts once done; until then it breaks nothing).
    current_streak: int
    #: The longest run of streak days in the whole history, the current one included.
    longest_streak: int
    #: Sum of the durations of completed sessions, in minutes (an unknown duration counts 0).
    minutes: float


@dataclass(frozen=True, slots=True)
class _Calendar:
    done: frozenset[dt.date]
    today: dt.date
    reminder_days: frozenset[int]
    paused: Sequence[tuple[dt.date, dt.date]]
    #: Days before this one are drawn blank (nothing to show yet).
    since: dt.date

    def mark(self, day: dt.date) -> DayMark:
        if day in self.done:
            return DayMark.DONE
        if day >= self.today or day < self.since:
            return DayMark.BLANK
        if self.is_off(day):
            return DayMark.OFF
        return DayMark.MISSED

    def is_off(self, day: dt.date) -> bool:
        if day.weekday() not in self.reminder_days:
            return True
        return any(start <= day < end for start, end in self.paused)


def counts_as_done(record: SessionRecord) -> bool:
    """Whether a session makes its day a done day (streaks, counts, the follow-up's "done
    today"): completed only, not partial, stopped or interrupted."""
    return record.status is SessionStatus.COMPLETED


def _completed(records: Iterable[SessionRecord]) -> list[SessionRecord]:
    return [record for record in records if counts_as_done(record)]


def progress(
    records: Iterable[SessionRecord],
    *,
    today: dt.date,
    reminder_days: frozenset[int],
    paused: Sequence[tuple[dt.date, dt.date]] = (),
) -> Progress:
    """Counts, streaks and minutes from a chat's history, as of local date ``today``.

    ``reminder_days`` holds weekday numbers (0 = Monday); ``paused`` holds half-open local date
    ranges ``[start, end)`` during which reminders were paused.
    """
    completed = _completed(records)
    done = frozenset(record.local_date for record in completed)
    week_start = today - dt.timedelta(days=today.weekday())
    week = (week_start, week_start + 6 * _DAY)

    current = longest = 0
    if done:
        calendar = _Calendar(done, today, reminder_days, paused, since=min(done))
        day, last = min(done), max(max(done), today)
        while day <= last:
            mark = calendar.mark(day)
            if mark is DayMark.DONE:
                current += 1
                longest = max(longest, current)
            elif mark is DayMark.MISSED:
                current = 0
            day += _DAY

    return Progress(
        this_week=sum(week[0] <= record.local_date <= week[1] for record in completed),
        this_month=sum(
            (record.local_date.year, record.local_date.month) == (today.year, today.month)
            for record in completed
        ),
        total=len(completed),
        current_streak=current,
        longest_streak=longest,
        minutes=sum(record.duration or 0.0 for record in completed) / 60,
    )


def day_marks(
    records: Iterable[SessionRecord],
    *,
    today: dt.date,
    reminder_days: frozenset[int],
    paused: Sequence[tuple[dt.date, dt.date]] = (),
    weeks: int = 4,
    since: dt.date | None = None,
) -> list[tuple[dt.date, tuple[DayMark, ...]]]:
    """The last ``weeks`` weeks, oldest first: each week's Monday and its seven days' marks.

    Days before ``since`` are blank rather than missed; by default ``since`` is the date of the
    first session of any kind (pass the day the chat subscribed if it is known).
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be 1 to {MAX_WEEKS}, not {weeks}")
    history = list(records)
    if since is None:
        since = min((record.local_date for record in history), default=today)
    done = frozenset(record.local_date for record in _completed(history))
    calendar = _Calendar(done, today, reminder_days, paused, since)
    this_monday = today - dt.timedelta(days=today.weekday())
    mondays = [this_monday - dt.timedelta(weeks=back) for back in range(weeks - 1, -1, -1)]
    return [
        (monday, tuple(calendar.mark(monday + n * _DAY) for n in range(7))) for monday in mondays
    ]


def pain_weeks(
    records: Iterable[SessionRecord], *, today: dt.date, weeks: int = 4
) -> list[tuple[dt.date, float | None, float | None]]:
    """The pain check's weekly averages, before and after sessions: per ISO week (its Monday)
    of the last ``weeks`` weeks that has any answer, oldest first."""
    first = today - dt.timedelta(days=today.weekday()) - (weeks - 1) * 7 * _DAY
    answers: dict[dt.date, tuple[list[int], list[int]]] = {}
    for record in records:
        monday = record.local_date - record.local_date.weekday() * _DAY
        if monday < first or (record.pain_before is None and record.pain_after is None):
            continue
        before, after = answers.setdefault(monday, ([], []))
        if record.pain_before is not None:
            before.append(record.pain_before)
        if record.pain_after is not None:
            after.append(record.pain_after)
    return [
        (
            monday,
            sum(before) / len(before) if before else None,
            sum(after) / len(after) if after else None,
        )
        for monday, (before, after) in sorted(answers.items())
    ]
