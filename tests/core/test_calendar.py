"""Reminder instants: one per local day per slot, right across daylight-saving changes; the
start-up memo and the catch-up rule."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.calendar import (
    Occurrence,
    Planner,
    following,
    missed,
    next_occurrence,
    previous_occurrence,
    upcoming,
)
from bot.core.chat import Chat
from tests.factories import make_chat

BERLIN = ZoneInfo("Europe/Berlin")
SPRING = dt.date(2026, 3, 29)  # 02:00 → 03:00 in Europe/Berlin
FALL = dt.date(2026, 10, 25)  # 03:00 → 02:00 in Europe/Berlin


def walk(slot: dt.time, zone: ZoneInfo, start: dt.datetime, days: int) -> list[Occurrence]:
    """Chain next_occurrence the way the reminder jobs do, from ``start``."""
    occurrences: list[Occurrence] = []
    after = start
    while True:
        occurrence = next_occurrence(slot, zone, after)
        if occurrence.day >= start.astimezone(zone).date() + dt.timedelta(days=days):
            return occurrences
        occurrences.append(occurrence)
        after = occurrence.at


@pytest.mark.parametrize("change", [SPRING, FALL], ids=["spring-forward", "fall-back"])
@pytest.mark.parametrize("slot", [dt.time(0, 0), dt.time(2, 30), dt.time(9, 0)])
def test_exactly_one_reminder_per_local_day_across_dst(slot: dt.time, change: dt.date) -> None:
    """Around each change, every local day gets exactly one reminder for each slot."""
    start = dt.datetime.combine(change - dt.timedelta(days=3), dt.time(12), BERLIN)
    occurrences = walk(slot, BERLIN, start.astimezone(dt.UTC), days=7)
    days = [o.at.astimezone(BERLIN).date() for o in occurrences]
    assert days == [start.date() + dt.timedelta(days=n) for n in range(1, 7)]
    assert Counter(days).most_common(1)[0][1] == 1
    assert [o.day for o in occurrences] == days
    for occurrence in occurrences:
        local = occurrence.at.astimezone(BERLIN)
        if occurrence.day == change == SPRING and slot == dt.time(2, 30):
            # 02:30 does not exist that night: the reminder comes at 03:30, once.
            assert (local.hour, local.minute) == (3, 30)
        else:
            assert local.time() == slot


def test_fall_back_uses_the_first_of_the_two_0230s() -> None:
    """On fall-back night 02:30 happens twice; the reminder takes the first (summer time)."""
    occurrence = next_occurrence(
        dt.time(2, 30), BERLIN, dt.datetime(2026, 10, 24, 12, tzinfo=dt.UTC)
    )
    assert occurrence.day == FALL
    assert occurrence.at == dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 02:30 +02:00
    following = next_occurrence(dt.time(2, 30), BERLIN, occurrence.at)
    assert following.day == FALL + dt.timedelta(days=1)


def test_midnight_after_spring_forward_is_not_skipped() -> None:
    """The 00:00 reminder the day after spring-forward happens (APScheduler's cron skips it)."""
    after = dt.datetime.combine(SPRING, dt.time(0, 0), BERLIN).astimezone(dt.UTC)
    occurrence = next_occurrence(dt.time(0, 0), BERLIN, after)
    assert occurrence.day == SPRING + dt.timedelta(days=1)
    assert occurrence.at.astimezone(BERLIN).time() == dt.time(0, 0)


@pytest.mark.parametrize(
    "zone",
    ["Europe/Berlin", "America/Chicago", "Pacific/Auckland", "Australia/Lord_Howe", "Asia/Tokyo"],
)
@pytest.mark.parametrize("slot", [dt.time(0, 0), dt.time(1, 45), dt.time(2, 30), dt.time(23, 59)])
def test_a_whole_year_has_one_reminder_per_day(zone: str, slot: dt.time) -> None:
    """Over a year in zones with and without DST (and half-hour DST), one reminder a day."""
    tz = ZoneInfo(zone)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    occurrences = walk(slot, tz, start, days=366)
    days = [o.day for o in occurrences]
    assert len(days) == len(set(days))
    first = days[0]
    assert days == [first + dt.timedelta(days=n) for n in range(len(days))]
    assert len(days) >= 364
    instants = [o.at for o in occurrences]
    assert instants == sorted(instants)


def test_next_is_strictly_after() -> None:
    """A reminder at exactly ``after`` is not returned again: the next day's is."""
    at = dt.datetime.combine(dt.date(2026, 6, 1), dt.time(9), BERLIN).astimezone(dt.UTC)
    assert next_occurrence(dt.time(9), BERLIN, at).day == dt.date(2026, 6, 2)
    assert next_occurrence(dt.time(9), BERLIN, at - dt.timedelta(seconds=1)).day == dt.date(
        2026, 6, 1
    )


def test_allowed_days_are_respected() -> None:
    """A day filter skips the days it refuses."""
    monday = dt.datetime(2026, 11, 23, 12, tzinfo=dt.UTC)

    def weekdays(day: dt.date) -> bool:
        return day.weekday() < 5

    friday_late = dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)  # 11:00 in Berlin
    assert next_occurrence(dt.time(9), BERLIN, friday_late).day == dt.date(2026, 11, 28)
    assert next_occurrence(dt.time(9), BERLIN, friday_late, weekdays).day == dt.date(2026, 11, 30)
    assert next_occurrence(dt.time(9), BERLIN, monday, weekdays).day == dt.date(2026, 11, 24)
    with pytest.raises(ValueError, match="no allowed day"):
        next_occurrence(dt.time(9), BERLIN, monday, lambda _: False)


def test_previous_occurrence() -> None:
    """The last reminder at or before a moment, for catching up after a restart."""
    at = dt.datetime(2026, 11, 25, 8, 10, tzinfo=dt.UTC)  # 09:10 in Berlin
    previous = previous_occurrence(dt.time(9), BERLIN, at)
    assert previous is not None
    assert previous.at == dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    earlier = previous_occurrence(dt.time(9, 30), BERLIN, at)
    assert earlier is not None
    assert earlier.day == dt.date(2026, 11, 24)
    assert previous_occurrence(dt.time(9), BERLIN, at, lambda _: False) is None


def test_upcoming_picks_the_soonest_slot() -> None:
    """With several slots, the next reminder is the soonest of them."""
    at = dt.datetime(2026, 11, 25, 12, 30, tzinfo=dt.UTC)  # 13:30 in Berlin
    soonest = upcoming([dt.time(7, 30), dt.time(13, 0), dt.time(17, 45)], BERLIN, at)
    assert soonest is not None
    assert soonest.slot == dt.time(17, 45)
    assert upcoming([], BERLIN, at) is None


def test_pause_across_the_fall_back_change_resumes_at_local_time() -> None:
    """A pause ending after the October change resumes at 09:00 winter time on its end date."""

    def not_paused(day: dt.date) -> bool:
        return not dt.date(2026, 10, 20) <= day < dt.date(2026, 10, 27)

    after = dt.datetime(2026, 10, 20, 10, tzinfo=BERLIN)
    occurrence = next_occurrence(dt.time(9), BERLIN, after, not_paused)
    assert occurrence.day == dt.date(2026, 10, 27)
    assert occurrence.at == dt.datetime(2026, 10, 27, 8, 0, tzinfo=dt.UTC)


# Applied to a chat -------------------------------------------------------------------------

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)  # a Wednesday, 09:00 in Berlin
GRACE = dt.timedelta(minutes=30)


def berliner(*times: dt.time, **fields: object) -> Chat:
    values: dict[str, Any] = {
        "timezone": "Europe/Berlin",
        "times": times,
        "created_at": NOW - dt.timedelta(days=1),
    }
    values.update(fields)
    return make_chat(**values)


def test_planner_shares_instants_only_between_equal_calendars() -> None:
    """Chats at one zone and time share the planner's instant, but one with today skipped,
    paused or off gets its own: the memo keys on everything the calendar depends on."""
    today = NOW.date()
    one = dt.time(13, 0)
    planner = Planner(NOW)
    days = [
        planner.next(chat.schedule, one).day
        for chat in (
            berliner(one),
            berliner(one),
            berliner(one, skipped_day=today),
            berliner(one, pauses=((today, today + dt.timedelta(days=2)),)),
            berliner(one, days=frozenset({4})),  # Fridays only
        )
    ]
    assert days == [today, today, *(today + dt.timedelta(days=n) for n in (1, 2, 2))]


def test_a_missed_reminder_is_caught_up_within_the_grace_window_only() -> None:
    """08:45 (fifteen minutes ago) is caught up; 08:15 (45 minutes ago) is not."""
    planner = Planner(NOW)
    recent, old = dt.time(8, 45), dt.time(8, 15)
    caught = missed(berliner(recent), recent, "08:45", planner, GRACE)
    assert caught is not None
    assert caught.at == dt.datetime(2026, 11, 25, 7, 45, tzinfo=dt.UTC)
    assert missed(berliner(old), old, "08:15", planner, GRACE) is None


def test_a_reminder_already_sent_or_from_before_subscribing_is_not_caught_up() -> None:
    """Recorded as sent, or due before the chat existed: nothing to catch up."""
    slot, due = dt.time(8, 45), dt.datetime(2026, 11, 25, 7, 45, tzinfo=dt.UTC)
    planner = Planner(NOW)
    assert missed(berliner(slot, last_sent={"08:45": due}), slot, "08:45", planner, GRACE) is None
    newcomer = berliner(slot, created_at=NOW - dt.timedelta(minutes=5))
    assert missed(newcomer, slot, "08:45", planner, GRACE) is None


def test_following_is_the_slots_next_occurrence_while_the_slot_is_wanted() -> None:
    """After a reminder, the same slot's next one; none once the slot or reminders are gone."""
    slot = dt.time(9, 0)
    done = next_occurrence(slot, BERLIN, NOW - dt.timedelta(minutes=1))
    upcoming_one = following(berliner(slot).schedule, done)
    assert upcoming_one is not None
    assert upcoming_one.day == done.day + dt.timedelta(days=1)
    assert following(berliner(dt.time(10, 0)).schedule, done) is None
    assert following(berliner(slot, subscribed=False).schedule, done) is None
