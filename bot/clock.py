"""The bot's idea of "now", which the sandbox can shift (``--now 08:59``) to show a reminder.

Everything that decides *when* (reminder instants, local dates, streaks) asks this clock; the
JobQueue is then given a delay in seconds, so a shifted clock still fires on real timers.
"""

from __future__ import annotations

import datetime as dt
import time

__all__ = ["Clock"]


class Clock:
    """Wall-clock time in UTC, optionally shifted by a fixed offset."""

    def __init__(self, offset: dt.timedelta = dt.timedelta(0)) -> None:
        self.offset = offset

    @classmethod
    def pretending(cls, now: dt.datetime) -> Clock:
        """A clock that reads ``now`` at this moment and runs on from there at normal speed."""
        return cls(now - dt.datetime.now(dt.UTC))

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self.offset

    def seconds_until(self, when: dt.datetime) -> float:
        """Real seconds from now until ``when`` (never negative: late things run at once)."""
        return max(0.0, (when - self.now()).total_seconds())

    @staticmethod
    def monotonic() -> float:
        """For measuring durations, which must not jump with the wall clock."""
        return time.monotonic()
