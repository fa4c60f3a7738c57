"""Progress for /stats: counts, streaks, minutes stretched and a small text chart of recent weeks.

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
from html import escape

from bot.core.chat import SessionRecord, SessionStatus

__all__ = [
    "MAX_WEEKS",
    "Progress",
    "chart",
    "counts_as_done",
    "pain_weeks",
    "progress",
    "stats_text",
    "streak_phrase",
]

#: The most weeks :func:`chart` draws (about 1,100 characters, well under a message's 4,096).
MAX_WEEKS = 52

_WEEKDAY_INITIALS = "M T W T F S S"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The reply word that begins a session (texts.WORD_START; not imported, so texts can use us).
_WORD_START = "start"
_DAY = dt.timedelta(days=1)


class _Mark(StrEnum):
    """What one day looks like in the chart; single-width characters from the WGL4 set."""

    DONE = "■"
    MISSED = "□"
    OFF = "·"
    #: Today before its session, the rest of the week, and days before the history begins.
    BLANK = " "


_LEGEND = f"{_Mark.DONE} done  {_Mark.MISSED} missed  {_Mark.OFF} day off"


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

    def mark(self, day: dt.date) -> _Mark:
        if day in self.done:
            return _Mark.DONE
        if day >= self.today or day < self.since:
            return _Mark.BLANK
        if self.is_off(day):
            return _Mark.OFF
        return _Mark.MISSED

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
            if mark is _Mark.DONE:
                current += 1
                longest = max(longest, current)
            elif mark is _Mark.MISSED:
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


def chart(
    records: Iterable[SessionRecord],
    *,
    today: dt.date,
    reminder_days: frozenset[int],
    paused: Sequence[tuple[dt.date, dt.date]] = (),
    weeks: int = 4,
    since: dt.date | None = None,
) -> str:
    """The last ``weeks`` weeks, one row per week (Monday first, this week last), plain text.

    Days before ``since`` are left blank rather than shown as missed; by default ``since`` is the
    date of the first session of any kind (pass the day the chat subscribed if it is known).
    Ends with a one-line legend. Meant for ``<pre>``: every character is single-width.
    """
    if not 1 <= weeks <= MAX_WEEKS:
        raise ValueError(f"weeks must be 1 to {MAX_WEEKS}, not {weeks}")
    history = list(records)
    if since is None:
        since = min((record.local_date for record in history), default=today)
    done = frozenset(record.local_date for record in _completed(history))
    calendar = _Calendar(done, today, reminder_days, paused, since)

    this_monday = today - dt.timedelta(days=today.weekday())
    lines = [f"{'':7}{_WEEKDAY_INITIALS}"]
    for back in range(weeks - 1, -1, -1):
        monday = this_monday - dt.timedelta(weeks=back)
        marks = " ".join(calendar.mark(monday + n * _DAY) for n in range(7))
        lines.append(f"{monday.day:>2} {_MONTHS[monday.month - 1]} {marks}".rstrip())
    lines.append(_LEGEND)
    return "\n".join(lines)


def streak_phrase(days: int) -> str:
    """“1 day in a row”, "3 days in a row" — for /stats and the completion message."""
    return f"{_plural(days, 'day')} in a row"


def stats_text(p: Progress, chart_text: str, *, unfinished: int = 0) -> str:
    """The whole /stats reply (HTML): counts, streaks, minutes, then the chart in ``<pre>``.
    ``unfinished`` counts sessions that did not complete: with none completed, the reply says
    so instead of "Nothing here yet", which would contradict the holds listed below it."""
    title = "📊 <b>Your progress</b>"
    if not p.total:
        if unfinished:
            ended = f"{_plural(unfinished, 'session')} ended early"
            return (
                f"{title}\n"
                f"No routine completed yet — {ended}. Reply <b>{_WORD_START}</b> when you're "
                "ready, and this is where your streak will grow."
            )
        return (
            f"{title}\n"
            f"Nothing here yet — reply <b>{_WORD_START}</b> for your first routine, "
            "and this is where your streak will grow."
        )
    streak = streak_phrase(p.current_streak) if p.current_streak else "0 days"
    if p.longest_streak > p.current_streak:
        streak += f" (longest: {_plural(p.longest_streak, 'day')})"
    elif p.current_streak > 1:
        streak += " — your best yet"
    return "\n".join(
        [
            title,
            f"This week {p.this_week} · This month {p.this_month} · Ever {p.total}",
            f"🔥 Current streak: {streak}",
            f"⏱ {_minutes(p.minutes)} stretched",
            f"<pre>{escape(chart_text)}</pre>",
        ]
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _minutes(minutes: float) -> str:
    if 0 < minutes < 0.5:
        return "Under a minute"
    return _plural(round(minutes), "minute")


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
