"""Words every feature uses: the session words people type, emphasis, counts and lengths."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from bot.core.parsing import (
    format_time,
)
from bot.core.preview import Preview

# Session control words: a user types them during a guided session.
WORD_START = "start"
WORD_STOP = "stop"
WORD_PAUSE = "pause"
WORD_RESUME = "resume"
WORD_SKIP = "skip"
WORD_AGAIN = "again"
WORD_REPEAT = "repeat"
WORD_LATER = "later"

DISCLAIMER_PREFIX = "⚕️ "


def b(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def minutes(seconds: float) -> str:
    """A length for a human: "about 6 minutes", "under a minute"."""
    if seconds < 60:
        return "under a minute"
    return f"about {plural(round(seconds / 60), 'minute')}"


def listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def times_list(times: Sequence[dt.time]) -> str:
    return listed([format_time(time) for time in times])


def count_seconds(seconds: float, *, more: bool = False) -> str:
    count = f"{seconds:g}"
    return f"{count} {'more ' if more else ''}second{'s' if count != '1' else ''}"


def duration(seconds: float) -> str:
    """An exercise's time: "45 s", "1 min 20 s"."""
    mins, secs = divmod(round(seconds), 60)
    if not mins:
        return f"{secs} s"
    return f"{mins} min {secs} s" if secs else f"{mins} min"


def preview_lines(preview: Preview) -> list[str]:
    """A routine's exercises in order with their time ("1. Bridge — 40 s, both sides")."""
    return [
        f"{number}. {escape(item.title)} — {duration(item.seconds)}"
        + (", both sides" if item.sides > 1 else "")
        for number, item in enumerate(preview.exercises, start=1)
    ]


def preview_total(preview: Preview) -> str:
    """ "4 exercises · about 6 minutes"."""
    return f"{plural(len(preview.exercises), 'exercise')} · {minutes(preview.seconds)}"
