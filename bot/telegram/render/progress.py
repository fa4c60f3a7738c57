"""/stats in words: counts, streaks, minutes, the recent weeks as a small text chart, holds
per side and the pain trend (HTML)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from bot.charts.words import ChartWords
from bot.core.stats import DayMark, Progress
from bot.features.account import Stats
from bot.telegram.fitting import visible_length
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.coaching import holds_summary, pain_trend

__all__ = [
    "CHART_WORDS",
    "MAX_CAPTION",
    "RENDERERS",
    "chart",
    "stats",
    "stats_photo",
    "stats_text",
    "streak_phrase",
]

#: Telegram's limit for a photo's caption, in characters once the HTML is parsed.
MAX_CAPTION = 1024

_WEEKDAY_INITIALS = "M T W T F S S"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: Single-width characters from the WGL4 set, so the chart lines up in ``<pre>``.
_SHOWN = {DayMark.DONE: "■", DayMark.MISSED: "□", DayMark.OFF: "·", DayMark.BLANK: " "}
_LEGEND = "■ done  □ missed  · day off"
#: The reply word that begins a session.
_WORD_START = "start"


#: The only words inside the /stats picture (bot.charts draws it).
CHART_WORDS = ChartWords(
    sessions="Sessions, last 4 weeks",
    holds="Hold per side (seconds)",
    pain="Back pain (0–10)",
    before="before",
    after="after",
    sides=(("left", "left"), ("right", "right")),
    unsided="one side",
    months=_MONTHS,
)


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


def stats_text(p: Progress, chart_text: str | None, *, unfinished: int = 0) -> str:
    """The whole /stats reply (HTML): counts, streaks, minutes, then the chart in ``<pre>``
    (None: a picture shows it).
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
    lines = [
        title,
        f"This week {p.this_week} · This month {p.this_month} · Ever {p.total}",
        f"🔥 Current streak: {streak}",
        f"⏱ {_minutes(p.minutes)} stretched",
    ]
    if chart_text is not None:
        lines.append(f"<pre>{escape(chart_text)}</pre>")
    return "\n".join(lines)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _minutes(minutes: float) -> str:
    if 0 < minutes < 0.5:
        return "Under a minute"
    return _plural(round(minutes), "minute")


def stats(note: Stats) -> Rendered:
    """The /stats reply in text: progress and chart, then the holds per side and the pain
    trend if there are any."""
    head = stats_text(note.progress, chart(note.weeks), unfinished=note.unfinished)
    return Rendered("\n\n".join([head, *_details(note)]))


def stats_photo(note: Stats, png: bytes) -> tuple[Rendered, str | None]:
    """The /stats reply with its chart: the picture, captioned with the whole text if it fits
    a caption, else with the summary, the holds and the pain trend following as a message."""
    head = stats_text(note.progress, None, unfinished=note.unfinished)
    details = _details(note)
    whole = "\n\n".join([head, *details])
    if visible_length(whole) <= MAX_CAPTION or not details:
        return Rendered(whole, photo=png), None
    return Rendered(head, photo=png), "\n\n".join(details)


def _details(note: Stats) -> list[str]:
    parts = []
    if note.breaks is not None:
        parts.append(f"☕ Micro-breaks taken: {note.breaks} (apart from your routines)")
    if any(note.holds.values()):
        parts.append(holds_summary(note.holds))
    if note.pain:
        parts.append(pain_trend(note.pain))
    return parts


RENDERERS: Renderers = {Stats: stats}
