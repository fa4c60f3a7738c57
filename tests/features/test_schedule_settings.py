"""The schedule commands and the settings keyboard on the in-memory fakes."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from bot.core.chat import Chat, Schedule
from bot.features.account import AdminsOnly, NotSetUp
from bot.features.schedule_settings import (
    BadArgument,
    DaysNow,
    NotPaused,
    NudgeSet,
    Paused,
    Resumed,
    TimesSet,
    TimezoneSet,
)
from bot.features.settings_menu import (
    DaysScreen,
    KeepOneDay,
    PausedToast,
    SettingsScreen,
    Tap,
    TimeToast,
)
from tests.fakes import START
from tests.features.account_fakes import World, allow, deny, forbidden

TODAY = START.date()  # a Wednesday; 09:00 in Berlin

#: Command, argument, and the schedule as the command leaves it.
CHANGES = [
    ("time", "07:30 18:00", {"times": (dt.time(7, 30), dt.time(18, 0))}),
    ("timezone", "Asia/Tokyo", {"timezone": "Asia/Tokyo"}),
    ("days", "mon-fri", {"days": frozenset(range(5))}),
    ("pause", "7", {"pauses": ((TODAY, TODAY + dt.timedelta(days=7)),)}),
    ("nudge", "30", {"nudge_minutes": 30}),
]


def _schedule(chat: Chat) -> Schedule:
    return chat.schedule


@pytest.mark.parametrize(("command", "argument", "expected"), CHANGES)
async def test_each_command_changes_exactly_its_field(
    command: str, argument: str, expected: dict[str, object]
) -> None:
    """A schedule command changes its own setting and nothing else, and reminders are
    rescheduled from what was saved (/nudge needs no reschedule: it times no reminder)."""
    world = World()
    before = await world.subscribed()
    note = await getattr(world.schedules, command)(42, argument, group=False, allowed=allow)
    assert not isinstance(note, BadArgument | AdminsOnly | NotSetUp)
    after = await world.store.chat(42)
    assert after is not None
    assert after.schedule == replace(before.schedule, **expected)  # type: ignore[arg-type]
    assert after.coaching == before.coaching
    assert after.name == before.name
    if command != "nudge":
        assert world.reminders.rescheduled == [after]
    else:
        assert world.reminders.rescheduled == []


@pytest.mark.parametrize(
    ("command", "argument"),
    [
        ("time", "25:00"),
        ("time", "noonish"),
        ("timezone", "Mars/Olympus"),
        ("days", "someday"),
        ("pause", "0"),
        ("pause", "2020-01-01"),
        ("nudge", "soon"),
        ("nudge", "1000h"),
    ],
)
async def test_a_bad_argument_changes_nothing(command: str, argument: str) -> None:
    """What cannot be parsed is explained, and the chat and its reminders stay as they were."""
    world = World()
    before = await world.subscribed()
    note = await getattr(world.schedules, command)(42, argument, group=False, allowed=allow)
    assert isinstance(note, BadArgument)
    assert await world.store.chat(42) == before
    assert world.reminders.rescheduled == []
    assert world.reminders.cancelled == []


async def test_a_command_alone_shows_the_setting_to_anyone() -> None:
    """``/days`` with no argument shows the days, even to a group member, and changes nothing."""
    world = World()
    before = await world.subscribed()
    note = await world.schedules.days(42, "", group=True, allowed=forbidden)
    assert isinstance(note, DaysNow)
    assert note.schedule.days == before.schedule.days
    assert await world.store.chat(42) == before


async def test_only_admins_change_and_only_set_up_chats() -> None:
    """A member's change is refused before anything else; a chat never set up is told so."""
    world = World()
    before = await world.subscribed(-5)
    assert await world.schedules.time(-5, "25:00", group=True, allowed=deny) == AdminsOnly()
    assert await world.store.chat(-5) == before
    assert await world.schedules.time(-6, "07:30", group=True, allowed=allow) == NotSetUp(True)


async def test_pause_then_resume() -> None:
    """/pause drops the snooze and the follow-up and pauses from today; /resume ends it today,
    so today's later reminders come; a second /resume says nothing is paused."""
    world = World()
    await world.subscribed()
    later = START + dt.timedelta(minutes=15)
    await world.store.change(
        42,
        lambda chat: replace(
            chat, delivery=replace(chat.delivery, snoozed_until=later, nudge_due=later)
        ),
    )
    paused = await world.schedules.pause(42, "2026-12-01", group=False, allowed=allow)
    assert isinstance(paused, Paused)
    assert paused.schedule.paused_until == dt.date(2026, 12, 1)
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.pauses == ((TODAY, dt.date(2026, 12, 1)),)
    assert (chat.delivery.snoozed_until, chat.delivery.nudge_due) == (None, None)
    assert world.reminders.cancelled == [(42, True, True)]
    resumed = await world.schedules.resume(42, group=False, allowed=allow)
    assert isinstance(resumed, Resumed)
    assert resumed.schedule.paused_until is None
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.pauses == ()
    assert world.reminders.rescheduled[-1] == chat
    assert await world.schedules.resume(42, group=False, allowed=allow) == NotPaused()


async def test_nudge_off_drops_a_pending_follow_up() -> None:
    """/nudge off cancels the follow-up already on its way."""
    world = World()
    await world.subscribed()
    due = START + dt.timedelta(hours=1)
    await world.store.change(
        42, lambda chat: replace(chat, delivery=replace(chat.delivery, nudge_due=due))
    )
    assert await world.schedules.nudge(42, "off", group=False, allowed=allow) == NudgeSet(None)
    chat = await world.store.chat(42)
    assert chat is not None
    assert (chat.schedule.nudge_minutes, chat.delivery.nudge_due) == (None, None)
    assert world.reminders.cancelled == [(42, False, True)]


async def test_new_times_remember_todays_sends() -> None:
    """A slot dropped and set again still remembers it was sent today (no second reminder
    after a restart); slots sent long ago and dropped are forgotten."""
    world = World()
    await world.subscribed()
    sent = {"09:00": START - dt.timedelta(hours=1), "12:00": START - dt.timedelta(days=5)}
    await world.store.change(
        42, lambda chat: replace(chat, delivery=replace(chat.delivery, last_sent=sent))
    )
    note = await world.schedules.time(42, "10:00", group=False, allowed=allow)
    assert isinstance(note, TimesSet)
    chat = await world.store.chat(42)
    assert chat is not None
    assert dict(chat.delivery.last_sent) == {"09:00": sent["09:00"]}


async def test_timezone_says_when_it_has_no_daylight_saving() -> None:
    """An offset zone never changes for summer time: the reply says so."""
    world = World()
    await world.subscribed()
    note = await world.schedules.timezone(42, "UTC+2", group=False, allowed=allow)
    assert isinstance(note, TimezoneSet)
    assert note.no_dst


# The settings keyboard ---------------------------------------------------------------------


async def test_tapping_a_time_replaces_the_times() -> None:
    """A tapped time is the one daily reminder; the toast names it."""
    world = World()
    await world.subscribed()
    tap = await world.menu.tap(42, "at", "0730", allowed=allow)
    assert isinstance(tap, Tap)
    assert tap.toast == TimeToast(dt.time(7, 30))
    assert isinstance(tap.screen, SettingsScreen)
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.times == (dt.time(7, 30),)
    assert world.reminders.rescheduled == [chat]


async def test_the_last_day_cannot_be_tapped_off() -> None:
    """Turning off the only day left changes nothing and says why."""
    world = World()
    await world.subscribed()
    await world.schedules.days(42, "mon", group=False, allowed=allow)
    before = await world.store.chat(42)
    tap = await world.menu.tap(42, "day", "0", allowed=allow)
    assert tap == Tap(DaysScreen(frozenset({0})), KeepOneDay())
    assert await world.store.chat(42) == before


async def test_members_look_but_only_admins_change() -> None:
    """Moving between screens needs no rights; a change needs an admin."""
    world = World()
    await world.subscribed(-5)
    assert isinstance(await world.menu.tap(-5, "pause", "", allowed=forbidden), Tap)
    assert await world.menu.tap(-5, "for", "7", allowed=deny) == AdminsOnly()
    chat = await world.store.chat(-5)
    assert chat is not None
    assert chat.schedule.pauses == ()
    tap = await world.menu.tap(-5, "for", "7", allowed=allow)
    assert isinstance(tap, Tap)
    assert tap.toast == PausedToast(TODAY + dt.timedelta(days=7))


async def test_an_unknown_routine_or_chat_expires_the_button() -> None:
    """A routine that is not there, or a chat that is gone: the button has expired."""
    world = World()
    await world.subscribed()
    assert await world.menu.tap(42, "use", "nope", allowed=allow) is None
    assert await world.menu.tap(43, "time", "", allowed=allow) is None
