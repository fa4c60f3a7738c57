"""Words every feature uses: the session words people type, emphasis, counts and lengths, in
the language being spoken (``bot.telegram.render.i18n``)."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from html import escape

from babel.lists import format_list
from babel.numbers import format_decimal

from bot.core.parsing import format_time
from bot.core.preview import Preview
from bot.telegram.render import i18n
from bot.telegram.render.i18n import _, ngettext, pgettext

# Session control words: a user types them during a guided session. The constants are what
# each word means (and its English form); people may type it in any shipped language.
WORD_START = "start"
WORD_STOP = "stop"
WORD_PAUSE = "pause"
WORD_RESUME = "resume"
WORD_SKIP = "skip"
WORD_AGAIN = "again"
WORD_REPEAT = "repeat"
WORD_LATER = "later"

DISCLAIMER_PREFIX = "⚕️ "


def _session_words() -> dict[str, str]:
    """Each session word as the language being spoken says it (one word or two, lower case,
    as people type it)."""
    return {
        WORD_START: pgettext("session word", "start"),
        WORD_STOP: pgettext("session word", "stop"),
        WORD_PAUSE: pgettext("session word", "pause"),
        WORD_RESUME: pgettext("session word", "resume"),
        WORD_SKIP: pgettext("session word", "skip"),
        WORD_AGAIN: pgettext("session word", "again"),
        WORD_REPEAT: pgettext("session word", "repeat"),
        WORD_LATER: pgettext("session word", "later"),
    }


def say(word: str) -> str:
    """A session word (``WORD_PAUSE``) as the language being spoken says it: "pausa"."""
    return _session_words()[word]


@functools.cache
def _meanings() -> dict[str, str]:
    """Every shipped language's form of every session word → its meaning."""
    meanings: dict[str, str] = {}
    for words in reversed(i18n.in_every_language(_session_words)):  # English last: it wins
        meanings.update({said: word for word, said in words.items()})
    return meanings


def spoken() -> dict[str, str]:
    """Every session word as the language says it, in bold, by its placeholder's name (its
    English word): ``_("Say {pause} or {stop}.").format(**spoken())``."""
    return {word: b(said) for word, said in _session_words().items()}


def meaning(said: str) -> str | None:
    """What a typed (normalised) word means, in any shipped language: "weiter" → ``WORD_RESUME``;
    None if it is no session word."""
    return _meanings().get(said)


def b(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def number(value: float) -> str:
    """A number as the language writes it: "1.5", "1,5"."""
    return format_decimal(value, locale=i18n.locale())


def minutes(seconds: float) -> str:
    """A length for a human: "about 6 minutes", "under a minute"."""
    if seconds < 60:
        return _("under a minute")
    count = round(seconds / 60)
    return ngettext("about {count} minute", "about {count} minutes", count).format(count=count)


def listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c", as the language joins a list."""
    return format_list(list(items), locale=i18n.locale()) if items else ""


def times_list(times: Sequence[dt.time]) -> str:
    return listed([format_time(time) for time in times])


def count_seconds(seconds: float, *, more: bool = False) -> str:
    """ "10 seconds", "1 second", "20 more seconds"; a fraction takes the plural's form."""
    whole = int(seconds) if seconds == int(seconds) else 2
    count = number(seconds)
    if more:
        text = ngettext("{count} more second", "{count} more seconds", whole)
    else:
        text = ngettext("{count} second", "{count} seconds", whole)
    return text.format(count=count)


def duration(seconds: float) -> str:
    """An exercise's time: "45 s", "1 min 20 s"."""
    mins, secs = divmod(round(seconds), 60)
    if not mins:
        return _("{seconds} s").format(seconds=secs)
    if not secs:
        return _("{minutes} min").format(minutes=mins)
    return _("{minutes} min {seconds} s").format(minutes=mins, seconds=secs)


def preview_lines(preview: Preview) -> list[str]:
    """A routine's exercises in order with their time ("1. Bridge — 40 s, both sides")."""
    lines = []
    for number_, item in enumerate(preview.exercises, start=1):
        title = escape(i18n.translate_content(item.title))
        if item.sides > 1:
            line = _("{number}. {exercise} — {time}, both sides")
        else:
            line = _("{number}. {exercise} — {time}")
        lines.append(line.format(number=number_, exercise=title, time=duration(item.seconds)))
    return lines


def preview_total(preview: Preview) -> str:
    """ "4 exercises · about 6 minutes"."""
    count = len(preview.exercises)
    return ngettext("{count} exercise · {length}", "{count} exercises · {length}", count).format(
        count=count, length=minutes(preview.seconds)
    )
