"""/stats in words: counts, streaks, minutes, the recent weeks as a small text chart, holds
per side and the pain trend (HTML)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from bot.core.stats import DayMark, Progress
from bot.features.account import Stats
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.coaching import holds_summary, pain_trend

__all__ = ["RENDERERS", "chart", "stats", "stats_text", "streak_phrase"]

_WEEKDAY_INITIALS = "M T W T F S S"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Single-width characters from the WGL4 set, so the chart lines up in ``<pre>``.
_SHOWN = {DayMark.DONE: "■", DayMark.MISSED: "□", DayMark.OFF: "·", DayMark.BLANK: " "}
_LEGEND = "■ done  □ missed  · day off"
#: The reply word that begins a session.
_WORD_START = "start"


def chart(weeks: Sequence[tuple[dt.date, Sequence[DayMark]]]) -> str:
    """One row per week (Monday first, this week last), plain text, ending with a legend."""
    lines = [f"{'':7}{_WEEKDAY_INITIALS}"]
    for monday, marks in weeks:
        shown = " ".join(_SHOWN[mark] for mark in marks)
        lines.append(f"{monday.day:>2} {_MONTHS[monday.month - 1]} {shown}".rstrip())
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


def stats(note: Stats) -> Rendered:
    """The /stats reply: progress and chart, then the holds per side and the pain trend if
    there are any."""
    parts = [stats_text(note.progress, chart(note.weeks), unfinished=note.unfinished)]
    if any(note.holds.values()):
        parts.append(holds_summary(note.holds))
    if note.pain:
        parts.append(pain_trend(note.pain))
    return Rendered("\n\n".join(parts))


RENDERERS: Renderers = {Stats: stats}
