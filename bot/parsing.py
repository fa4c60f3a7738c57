"""Reading what people type: reminder times, time-zone names and the words used in a session.

Pure functions, no Telegram: every error is a :class:`ParseError` whose message is written to be
shown to the user as it is.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
import zoneinfo

__all__ = [
    "MAX_TIMES",
    "ParseError",
    "format_time",
    "normalize_words",
    "parse_time",
    "parse_times",
    "parse_timezone",
]

#: More reminders than this a day stops being helpful and starts being noise.
MAX_TIMES = 12

_TIME_RE = re.compile(
    r"""^(?:
        (?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?   # 7, 7:30, 07.30, 7h30
      | (?P<hhmm>\d{4})                        # 0730
    )(?P<ampm>am|pm)?$""",
    re.VERBOSE,
)
_WORD_TIMES = {"noon": dt.time(12, 0), "midday": dt.time(12, 0), "midnight": dt.time(0, 0)}
_AMPM = {"am": "am", "a.m.": "am", "a.m": "am", "pm": "pm", "p.m.": "pm", "p.m": "pm"}
#: Names in the tz database that are not places a person lives in.
_NOT_ZONES = {"Factory", "localtime", "posixrules"}
_EXAMPLE_TIMES = "07:30, 13:00 or 7:30pm"
_SEVERAL = "07:30 13:00 17:45"


class ParseError(ValueError):
    """Input that cannot be used; the message is meant for the user."""


def format_time(value: dt.time) -> str:
    """The one way times are written back to users and stored: 24-hour ``HH:MM``."""
    return f"{value.hour:02d}:{value.minute:02d}"


def parse_time(token: str) -> dt.time:
    """Read one time of day: ``7:30``, ``07.30``, ``7:30pm``, ``19:30``, ``7pm``, ``noon``."""
    raw = token.strip()
    text = raw.lower().replace(" ", "").replace("a.m.", "am").replace("p.m.", "pm")
    text = text.replace("a.m", "am").replace("p.m", "pm")
    if text in _WORD_TIMES:
        return _WORD_TIMES[text]
    match = _TIME_RE.match(text)
    if not match:
        raise ParseError(f"“{raw}” isn't a time I understand. Try {_EXAMPLE_TIMES}.")
    if match["hhmm"]:
        hour, minute = int(match["hhmm"][:2]), int(match["hhmm"][2:])
    else:
        hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ParseError(f"“{raw}”: with am/pm the hour goes from 1 to 12.")
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(f"“{raw}” isn't a time of day: hours go 0–23 and minutes 0–59.")
    return dt.time(hour, minute)


def parse_times(text: str) -> tuple[dt.time, ...]:
    """Read one or more times separated by spaces or commas; sorted, duplicates dropped."""
    tokens: list[str] = []
    for piece in re.split(r"[\s,;]+", text.strip()):
        if not piece:
            continue
        if piece.lower() in _AMPM and tokens:
            tokens[-1] += _AMPM[piece.lower()]  # "7:30 pm" was split in two
        else:
            tokens.append(piece)
    if not tokens:
        raise ParseError(f"Which time? For example: /time 07:30 — or several: /time {_SEVERAL}.")
    times = sorted({parse_time(token) for token in tokens})
    if len(times) > MAX_TIMES:
        raise ParseError(f"That's {len(times)} times; at most {MAX_TIMES} reminders a day.")
    return tuple(times)


@functools.cache
def _zone_names() -> dict[str, str]:
    """Every usable IANA zone name, keyed by a lowercase, underscore-free spelling."""
    names: dict[str, str] = {}
    for name in zoneinfo.available_timezones():
        if name in _NOT_ZONES or name.startswith(("posix/", "right/")):
            continue
        names[_zone_key(name)] = name
    return names


def _zone_key(text: str) -> str:
    return re.sub(r"[\s_]+", "_", text.strip().lower())


@functools.cache
def _city_names() -> dict[str, str]:
    """Zones by their last part ("berlin" → Europe/Berlin), only where that part is unique."""
    seen: dict[str, list[str]] = {}
    for key, name in _zone_names().items():
        if "/" in key:
            seen.setdefault(key.rsplit("/", 1)[1], []).append(name)
    return {city: names[0] for city, names in seen.items() if len(names) == 1}


def parse_timezone(text: str) -> str:
    """Return the canonical IANA name for ``text`` (any case; a unique city name will do)."""
    raw = text.strip()
    if not raw:
        raise ParseError("Which time zone? For example: /timezone Europe/Berlin")
    key = _zone_key(raw)
    if key in ("gmt", "z", "zulu", "utc"):
        return "UTC"
    names = _zone_names()
    name = names.get(key) or _city_names().get(key)
    if name:
        return name
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    hint = f" Did you mean {names[close[0]]}?" if close else ""
    raise ParseError(
        f"I don't know the time zone “{raw}”.{hint} Use a name like Europe/Berlin or "
        "America/New_York (the zone of the nearest big city)."
    )


def normalize_words(text: str) -> str:
    """Lowercase, with spaces collapsed and surrounding punctuation, symbols and emoji dropped.

    "  Start! ", "START." and "▶️ start" all read as "start".
    """

    def keep(char: str) -> bool:
        return unicodedata.category(char)[0] not in "PSZCM"

    words = " ".join(text.split()).lower()
    start, end = 0, len(words)
    while start < end and not keep(words[start]):
        start += 1
    while end > start and not keep(words[end - 1]):
        end -= 1
    return words[start:end]
