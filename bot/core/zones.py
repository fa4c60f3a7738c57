"""Time zones as a chat stores them, and the one place that turns one into a ``tzinfo``.

A stored zone is an IANA name ("Europe/Berlin", "EST") or a fixed offset written
``UTC+05:30`` / ``UTC-03:00``. Offsets are kept in that form, not as IANA ``Etc/GMT-5``
names: POSIX gives those the opposite sign to what people mean (``Etc/GMT+2`` is two hours
*behind* Greenwich), and no ``Etc/`` zone has a half-hour offset (India, Newfoundland).
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["MAX_OFFSET", "MIN_OFFSET", "has_no_dst_rules", "offset_name", "zone_of"]

_OFFSET_NAME = re.compile(r"^UTC([+-])(\d{2}):(\d{2})$")
#: The offsets places use, in minutes east of Greenwich (Baker Island to Kiribati).
MIN_OFFSET = -12 * 60
MAX_OFFSET = 14 * 60


def offset_name(minutes: int) -> str:
    """How a fixed offset (minutes east of Greenwich) is stored and shown: ``UTC+05:30``."""
    if minutes == 0:
        return "UTC"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{'+' if minutes > 0 else '-'}{hours:02d}:{rest:02d}"


@functools.cache
def zone_of(name: str) -> dt.tzinfo:
    """The ``tzinfo`` for a stored zone; ValueError if it is neither an offset nor a zone."""
    match = _OFFSET_NAME.match(name)
    if match:
        sign = 1 if match[1] == "+" else -1
        offset = dt.timedelta(hours=int(match[2]), minutes=int(match[3])) * sign
        if not MIN_OFFSET <= offset.total_seconds() / 60 <= MAX_OFFSET:
            raise ValueError(f"no place is {name}")
        return dt.timezone(offset, name)
    try:
        return ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise ValueError(f"unknown zone {name[:40]!r}") from None


def has_no_dst_rules(name: str) -> bool:
    """Whether a zone is a bare offset or abbreviation that never changes (``UTC+02:00``,
    ``EST``, ``HST``): someone whose clocks change in summer should send a city instead.

    UTC itself is meant as chosen, and cities without daylight saving (Asia/Kolkata) are right
    as they are; ``CET`` and ``EET`` follow Europe's rules, so they are not flagged either.
    """
    if name == "UTC":
        return False
    if _OFFSET_NAME.match(name):
        return True
    if "/" in name and not name.startswith("Etc/"):
        return False
    zone = zone_of(name)
    year = dt.datetime.now(dt.UTC).year
    winter, summer = (dt.datetime(year, month, 15, tzinfo=dt.UTC) for month in (1, 7))
    return winter.astimezone(zone).utcoffset() == summer.astimezone(zone).utcoffset()
