"""A chat's reminder schedule seen from now, as plain facts for the texts to phrase.

Every reply that describes the schedule (welcome, /time, /days, /pause, /settings, skip
today…) phrases one :class:`Outlook`, so none of them can forget the days, a pause or a skip.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from bot.core.calendar import upcoming
from bot.core.chat import Chat

__all__ = ["Outlook", "outlook"]


@dataclass(frozen=True, slots=True)
class Outlook:
    """What to tell a chat about its reminders; times are local to the chat."""

    times: tuple[dt.time, ...]
    days: frozenset[int]
    #: The zone as stored and shown ("Europe/Berlin", "UTC+05:30").
    zone: str
    local_now: dt.datetime
    #: Reminders are on (not turned off with /stop, not blocked).
    on: bool
    #: The date reminders come back, if a pause runs today or later.
    paused_until: dt.date | None
    #: "Skip today" holds back a reminder that would otherwise still come today.
    skipped_today: bool
    #: The next reminder (as if reminders were on); None if there are no times.
    next: dt.datetime | None

    @property
    def today(self) -> dt.date:
        return self.local_now.date()


def outlook(subscriber: Chat, now: dt.datetime) -> Outlook:
    """The chat's schedule from ``now`` on."""
    zone = subscriber.schedule.zone
    local_now = now.astimezone(zone)
    today = local_now.date()
    following = upcoming(subscriber.schedule.times, zone, now, subscriber.schedule.reminds_on)
    skipped = False
    if subscriber.schedule.skipped_day == today:
        unskipped = replace(subscriber, schedule=replace(subscriber.schedule, skipped_day=None))
        without = upcoming(subscriber.schedule.times, zone, now, unskipped.schedule.reminds_on)
        skipped = without is not None and without.day == today
    return Outlook(
        times=subscriber.schedule.times,
        days=subscriber.schedule.days,
        zone=subscriber.schedule.timezone,
        local_now=local_now,
        on=subscriber.schedule.subscribed,
        paused_until=subscriber.schedule.paused_until(today),
        skipped_today=skipped,
        next=following.at.astimezone(zone) if following else None,
    )
