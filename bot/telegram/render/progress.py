"""/stats in words: counts, streaks, minutes, the recent weeks as a small text chart, holds
per side and the pain trend (HTML)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from babel.dates import format_skeleton

from bot.charts.words import ChartWords
from bot.core.chart import CHART_DAYS
from bot.core.stats import DayMark, Progress
from bot.features.account import Stats
from bot.telegram.fitting import visible_length
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.coaching import holds_summary, pain_trend, side_word
from bot.telegram.render.i18n import _, ngettext, pgettext
from bot.telegram.render.words import WORD_START, b, number, say

__all__ = [
    "MAX_CAPTION",
    "RENDERERS",
    "chart",
    "chart_words",
    "stats",
    "stats_photo",
    "stats_text",
    "streak_phrase",
]

#: Telegram's limit for a photo's caption, in characters once the HTML is parsed.
MAX_CAPTION = 1024

#: Single-width characters from the WGL4 set, so the chart lines up in ``<pre>``.
_SHOWN = {DayMark.DONE: "■", DayMark.MISSED: "□", DayMark.OFF: "·", DayMark.BLANK: " "}


def chart_words() -> ChartWords:
    """The only words inside the /stats picture (``bot.charts`` draws it), in the language
    spoken; its dates are written by Babel for the locale named here."""
    weeks = CHART_DAYS // 7
    return ChartWords(
        sessions=ngettext(
            "Sessions, last {count} week", "Sessions, last {count} weeks", weeks
        ).format(count=weeks),
        holds=_("Hold per side (seconds)"),
        pain=_("Back pain (0–10)"),
        before=pgettext("pain chart legend", "before"),
        after=pgettext("pain chart legend", "after"),
        sides=(("left", side_word("left")), ("right", side_word("right"))),
        unsided=_("one side"),
        locale=str(i18n.locale()),
    )


def chart(weeks: Sequence[tuple[dt.date, Sequence[DayMark]]]) -> str:
    """One row per week (Monday first, this week last), plain text, ending with a legend; the
    weekday initials and the Mondays' dates as the language writes them (Babel)."""
    locale = i18n.locale()
    initials = locale.days["stand-alone"]["narrow"]
    labels = [format_skeleton("MMMd", monday, locale=locale) for monday, _marks in weeks]
    width = max(map(len, labels), default=6)
    lines = [" " * (width + 1) + " ".join(initials[day] for day in range(7))]
    for label, (_monday, marks) in zip(labels, weeks, strict=True):
        shown = " ".join(_SHOWN[mark] for mark in marks)
        lines.append(f"{label:>{width}} {shown}".rstrip())
    lines.append(
        _("{done} done  {missed} missed  {off} day off").format(
            done=_SHOWN[DayMark.DONE], missed=_SHOWN[DayMark.MISSED], off=_SHOWN[DayMark.OFF]
        )
    )
    return "\n".join(lines)


def streak_phrase(days: int) -> str:
    """“1 day in a row”, "3 days in a row" — for /stats and the completion message."""
    return ngettext("{count} day in a row", "{count} days in a row", days).format(count=days)


def stats_text(p: Progress, chart_text: str | None, *, unfinished: int = 0) -> str:
    """The whole /stats reply (HTML): counts, streaks, minutes, then the chart in ``<pre>``
    (None: a picture shows it).
    ``unfinished`` counts sessions that did not complete: with none completed, the reply says
    so instead of "Nothing here yet", which would contradict the holds listed below it."""
    title = "📊 " + b(_("Your progress"))
    start = b(say(WORD_START))
    if not p.total:
        if unfinished:
            text = ngettext(
                "No routine completed yet — {count} session ended early. Reply {start} when "
                "you're ready, and this is where your streak will grow.",
                "No routine completed yet — {count} sessions ended early. Reply {start} when "
                "you're ready, and this is where your streak will grow.",
                unfinished,
            )
            return f"{title}\n" + text.format(count=unfinished, start=start)
        text = _(
            "Nothing here yet — reply {start} for your first routine, and this is where your "
            "streak will grow."
        )
        return f"{title}\n" + text.format(start=start)
    lines = [
        title,
        _("This week {week} · This month {month} · Ever {total}").format(
            week=p.this_week, month=p.this_month, total=p.total
        ),
        "🔥 " + _("Current streak: {streak}").format(streak=_streak(p)),
        "⏱ " + _minutes(p.minutes),
    ]
    if chart_text is not None:
        lines.append(f"<pre>{escape(chart_text)}</pre>")
    return "\n".join(lines)


def _streak(p: Progress) -> str:
    """ "5 days in a row (longest: 12 days)", "4 days in a row — your best yet", "0 days"."""
    current = p.current_streak
    streak = streak_phrase(current) if current else _days(0)
    if p.longest_streak > current:
        longest = p.longest_streak
        text = ngettext(
            "{streak} (longest: {count} day)", "{streak} (longest: {count} days)", longest
        )
        return text.format(streak=streak, count=longest)
    if current > 1:
        return _("{streak} — your best yet").format(streak=streak)
    return streak


def _days(count: int) -> str:
    return ngettext("{count} day", "{count} days", count).format(count=count)


def _minutes(minutes: float) -> str:
    if 0 < minutes < 0.5:
        return _("Under a minute stretched")
    count = round(minutes)
    return ngettext("{count} minute stretched", "{count} minutes stretched", count).format(
        count=number(count)
    )


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
        parts.append(
            "☕ "
            + _("Micro-breaks taken: {count} (apart from your routines)").format(count=note.breaks)
        )
    if any(note.holds.values()):
        parts.append(holds_summary(note.holds))
    if note.pain:
        parts.append(pain_trend(note.pain))
    return parts


RENDERERS: Renderers = {Stats: stats}
