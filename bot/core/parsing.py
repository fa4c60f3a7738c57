"""Reading what people type: reminder times, time-zone names and the words used in a session.

Pure functions, no Telegram and no texts: every error is a :class:`ParseError` naming the
:class:`Problem` and what was typed; ``bot.telegram.render`` says it to the user.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
import zoneinfo
from enum import StrEnum

from bot.core.zones import MAX_OFFSET, MIN_OFFSET, offset_name

__all__ = [
    "ALL_DAYS",
    "DAY_NAMES",
    "MAX_TIMES",
    "WEEKDAYS",
    "ParseError",
    "Problem",
    "format_time",
    "normalize_words",
    "parse_days",
    "parse_nudge",
    "parse_pause",
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


class Problem(StrEnum):
    """Why input cannot be used; the value is a short description for logs and operators."""

    TIME_UNKNOWN = "not a time"
    TIME_AMPM_HOUR = "with am/pm the hour goes from 1 to 12"
    TIME_OUT_OF_RANGE = "not a time of day"
    TIMES_NONE = "no time given"
    TIMES_TOO_MANY = "too many times a day"
    ZONE_NONE = "no time zone given"
    ZONE_OFFSET_IMPOSSIBLE = "no place uses that offset"
    ZONE_UNKNOWN = "unknown time zone"
    DAY_UNKNOWN = "not a day"
    DAYS_NONE = "no days given"
    PAUSE_OUT_OF_RANGE = "a pause is 1 to 365 days"
    PAUSE_UNREADABLE = "neither a number of days nor a date"
    PAUSE_NOT_FUTURE = "not in the future"
    PAUSE_TOO_LONG = "more than a year away"
    NUDGE_UNREADABLE = "not a follow-up delay"
    NUDGE_OUT_OF_RANGE = "a follow-up comes 5 minutes to 4 hours later"
    BREAKS_UNREADABLE = "neither a number of minutes nor off"
    BREAKS_OUT_OF_RANGE = "breaks come every 20 to 180 minutes"
    HOURS_UNREADABLE = "not a window of work hours"
    HOURS_REVERSED = "work hours end before they start"


class ParseError(ValueError):
    """Input that cannot be used: the :class:`Problem`, and the facts a reply needs
    (``text`` as typed, ``count``, ``limit``, ``date``, ``suggestion``…)."""

    def __init__(self, problem: Problem, **facts: object) -> None:
        shown = f": {facts['text']!r}" if "text" in facts else ""
        super().__init__(f"{problem.value}{shown}")
        self.problem = problem
        self.facts = facts


#: User input quoted back in a reply is cut to this many characters, so a 5 000-character
#: message cannot make a reply longer than Telegram accepts.
QUOTE_LIMIT = 40


def quoted(text: str) -> str:
    """User input in quotes for a reply, shortened if long."""
    short = text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1] + "…"
    return f"“{short}”"


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
        raise ParseError(Problem.TIME_UNKNOWN, text=raw)
    if match["hhmm"]:
        hour, minute = int(match["hhmm"][:2]), int(match["hhmm"][2:])
    else:
        hour, minute = int(match["h"]), int(match["m"] or 0)
    if match["ampm"]:
        if not 1 <= hour <= 12:
            raise ParseError(Problem.TIME_AMPM_HOUR, text=raw)
        hour = hour % 12 + (12 if match["ampm"] == "pm" else 0)
    if hour > 23 or minute > 59:
        raise ParseError(Problem.TIME_OUT_OF_RANGE, text=raw)
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
        raise ParseError(Problem.TIMES_NONE)
    times = sorted({parse_time(token) for token in tokens})
    if len(times) > MAX_TIMES:
        raise ParseError(Problem.TIMES_TOO_MANY, count=len(times), limit=MAX_TIMES)
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


#: An offset as people write it: "+2", "-3", "GMT+2", "UTC+05:30", "utc -3:30", "+0530".
_OFFSET_RE = re.compile(r"^(?:utc|gmt|z)?([+\-−–])(\d{1,2})(?::?(\d{2}))?$")
#: IANA's POSIX-style names, whose sign is the opposite of what people mean.
_ETC_GMT_RE = re.compile(r"^etc/gmt([+\-])(\d{1,2})$")


def _offset(text: str) -> str | None:
    """A fixed offset east of Greenwich as a stored zone ("UTC+05:30"), or None if ``text``
    is not an offset."""
    key = re.sub(r"\s+", "", text.lower())
    etc = _ETC_GMT_RE.match(key)
    if etc:  # asked for by its IANA name: what that name means, shown the way people read it
        return offset_name((-1 if etc[1] == "+" else 1) * int(etc[2]) * 60)
    match = _OFFSET_RE.match(key)
    if not match:
        return None
    hours, minutes = int(match[2]), int(match[3] or 0)
    minutes_east = (-1 if match[1] != "+" else 1) * (hours * 60 + minutes)
    if minutes not in (0, 30, 45) or not MIN_OFFSET <= minutes_east <= MAX_OFFSET:
        raise ParseError(Problem.ZONE_OFFSET_IMPOSSIBLE, text=text.strip())
    return offset_name(minutes_east)


def parse_timezone(text: str) -> str:
    """Return the zone to store for ``text``: the canonical IANA name (any case; a unique city
    name will do), or a fixed offset east of Greenwich ("GMT+2" → "UTC+02:00")."""
    raw = text.strip()
    if not raw:
        raise ParseError(Problem.ZONE_NONE)
    key = _zone_key(raw)
    if key in ("gmt", "z", "zulu", "utc"):
        return "UTC"
    offset = _offset(raw)
    if offset is not None:
        return offset
    names = _zone_names()
    name = names.get(key) or _city_names().get(key)
    if name:
        return name
    close = difflib.get_close_matches(key, list(names), n=1, cutoff=0.75)
    raise ParseError(Problem.ZONE_UNKNOWN, text=raw, suggestion=names[close[0]] if close else "")


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


# Weekdays, pauses and follow-ups ------------------------------------------------------------

ALL_DAYS = frozenset(range(7))
WEEKDAYS = frozenset(range(5))
WEEKEND = frozenset({5, 6})
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DAY_KEYS = {
    name: index
    for index, names in enumerate(
        (
            ("mo", "mon", "monday"),
            ("tu", "tue", "tues", "tuesday"),
            ("we", "wed", "wednesday"),
            ("th", "thu", "thur", "thurs", "thursday"),
            ("fr", "fri", "friday"),
            ("sa", "sat", "saturday"),
            ("su", "sun", "sunday"),
        )
    )
    for name in names
}
_DAY_GROUPS = {
    "every day": ALL_DAYS,
    "everyday": ALL_DAYS,
    "daily": ALL_DAYS,
    "all": ALL_DAYS,
    "weekdays": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": WEEKEND,
    "weekend": WEEKEND,
}
#: Longest pause and longest follow-up delay that still make sense.
MAX_PAUSE_DAYS = 365
NUDGE_MINUTES = (5, 240)


def _day(token: str) -> int:
    index = _DAY_KEYS.get(token)
    if index is None:
        raise ParseError(Problem.DAY_UNKNOWN, text=token)
    return index


def parse_days(text: str) -> frozenset[int]:
    """Weekdays (0 = Monday) from "mon-fri", "mon wed fri", "every day", "weekends"…"""
    words = " ".join(text.lower().replace(",", " ").split())
    if not words:
        raise ParseError(Problem.DAYS_NONE)
    if words in _DAY_GROUPS:
        return _DAY_GROUPS[words]
    days: set[int] = set()
    for token in re.split(r"\s+", words.replace(" - ", "-").replace("–", "-")):
        if "-" in token:
            first, _, last = token.partition("-")
            start, end = _day(first), _day(last)
            span = range(start, end + 1) if start <= end else [*range(start, 7), *range(end + 1)]
            days.update(span)
        else:
            days.add(_day(token))
    return frozenset(days)


def parse_pause(text: str, today: dt.date) -> dt.date:
    """The local date reminders come back: "/pause 7" (days) or "/pause 2026-12-27"."""
    words = text.strip().lower()
    match = re.fullmatch(r"(\d+)\s*(d|days?|w|weeks?)?", words)
    if match and not (len(match[1]) == 8 and not match[2]):  # 20261227 is a date
        digits = match[1].lstrip("0") or "0"  # a count of any length: 7 digits are too many
        count = int(digits[:7]) * (7 if (match[2] or "d").startswith("w") else 1)
        if not 1 <= count <= MAX_PAUSE_DAYS:
            raise ParseError(Problem.PAUSE_OUT_OF_RANGE, limit=MAX_PAUSE_DAYS)
        return today + dt.timedelta(days=count)
    try:
        until = dt.date.fromisoformat(words)
    except ValueError:
        raise ParseError(Problem.PAUSE_UNREADABLE, text=text.strip()) from None
    if until <= today:
        raise ParseError(Problem.PAUSE_NOT_FUTURE, date=until)
    # Not today.replace(year=…): there is no 29 February in the year after a leap day.
    last = today + dt.timedelta(days=MAX_PAUSE_DAYS)
    if until > last:
        raise ParseError(Problem.PAUSE_TOO_LONG, date=last)
    return until


def parse_nudge(text: str) -> int | None:
    """Minutes until the follow-up nudge: "off" → None, "on" → 60, "30", "45m", "1h"."""
    words = text.strip().lower().replace(" ", "")
    if words in ("off", "no", "never", "0"):
        return None
    if words in ("on", "yes", ""):
        return 60
    match = re.fullmatch(r"(\d{1,3})(m|min|mins|minutes?|h|hours?)?", words)
    if not match:
        raise ParseError(Problem.NUDGE_UNREADABLE, text=text.strip())
    minutes = int(match[1]) * (60 if (match[2] or "m").startswith("h") else 1)
    low, high = NUDGE_MINUTES
    if not low <= minutes <= high:
        raise ParseError(Problem.NUDGE_OUT_OF_RANGE, low=low, high=high)
    return minutes
