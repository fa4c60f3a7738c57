"""The account's rules on the in-memory fakes: /start and /stop, the guards, /stats."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from bot.core.chat import SessionRecord, SessionStatus
from bot.core.flood import Verdict
from bot.features.account import (
    AdminsOnly,
    AlreadySetUp,
    AlreadyUnsubscribed,
    NotSetUp,
    Resubscribed,
    SettingsUnreadable,
    Stats,
    StopSessionFirst,
    Unsubscribed,
    Welcome,
)
from tests.fakes import START
from tests.features.account_fakes import World, allow, deny, forbidden


async def test_start_twice_creates_one_chat_and_says_already_set_up() -> None:
    """The first /start creates the chat with the defaults and schedules it; the second
    changes nothing and says the chat is already set up."""
    world = World()
    first = await world.account.start(42, name="Alex", group=False, allowed=allow)
    assert isinstance(first, Welcome)
    assert first.name == "Alex"
    chat = await world.store.chat(42)
    assert chat is not None
    assert (chat.schedule.timezone, chat.schedule.times) == ("Europe/Berlin", (dt.time(9, 0),))
    assert chat.created_at == START
    assert world.reminders.rescheduled == [chat]
    second = await world.account.start(42, name="Alex", group=False, allowed=forbidden)
    assert isinstance(second, AlreadySetUp)
    assert await world.store.chat(42) == chat
    assert list(world.store.chats_by_id) == [42]
    assert world.reminders.rescheduled == [chat]


async def test_start_in_a_session_says_so() -> None:
    """Already set up and in a session: the reply says how to steer the session."""
    world = World()
    await world.subscribed()
    world.sessions.running_in.add(42)
    note = await world.account.start(42, name="Alex", group=False, allowed=allow)
    assert isinstance(note, AlreadySetUp)
    assert note.in_session


async def test_a_group_member_cannot_start() -> None:
    """In a group only an admin's /start sets the chat up."""
    world = World()
    note = await world.account.start(-5, name="Team", group=True, allowed=deny)
    assert note == AdminsOnly()
    assert await world.store.chat(-5) is None
    assert world.reminders.rescheduled == []


async def test_start_after_stop_turns_reminders_back_on() -> None:
    """/start after /stop: reminders on again and rescheduled, the chat kept."""
    world = World()
    await world.subscribed()
    await world.account.stop(42, allowed=allow)
    world.reminders.rescheduled.clear()
    note = await world.account.start(42, name="Alex", group=False, allowed=allow)
    assert isinstance(note, Resubscribed)
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.subscribed
    assert world.reminders.rescheduled == [chat]


async def test_stop_turns_reminders_off_and_drops_snooze_and_follow_up() -> None:
    """/stop: reminders off (rescheduled to none), a snoozed reminder and a pending follow-up
    are dropped from the chat and their timers cancelled, and the live reminder is closed."""
    world = World()
    await world.subscribed()
    later = START + dt.timedelta(minutes=15)
    await world.store.change(
        42,
        lambda chat: replace(
            chat, delivery=replace(chat.delivery, snoozed_until=later, nudge_due=later)
        ),
    )
    assert await world.account.stop(42, allowed=allow) == Unsubscribed()
    chat = await world.store.chat(42)
    assert chat is not None
    assert not chat.schedule.subscribed
    assert (chat.delivery.snoozed_until, chat.delivery.nudge_due) == (None, None)
    assert (42, True, True) in world.reminders.cancelled
    assert world.reminders.rescheduled == [chat]
    assert world.reminders.closed == [42]
    assert await world.account.stop(42, allowed=allow) == AlreadyUnsubscribed()


async def test_stop_during_a_session_stops_only_the_session() -> None:
    """/stop in a session ends the session; reminders stay on until the next /stop."""
    world = World()
    await world.subscribed()
    world.sessions.running_in.add(42)
    assert await world.account.stop(42, allowed=forbidden) == StopSessionFirst()
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.subscribed
    assert world.sessions.stopped == [42]


async def test_stop_before_start_and_by_a_member() -> None:
    """/stop needs a chat that is set up, and an admin in a group."""
    world = World()
    assert await world.account.stop(42, allowed=allow) == NotSetUp()
    await world.subscribed(-5)
    assert await world.account.stop(-5, allowed=deny) == AdminsOnly()
    chat = await world.store.chat(-5)
    assert chat is not None
    assert chat.schedule.subscribed


async def test_welcome_back_after_a_block() -> None:
    """A chat that had blocked the bot writes again: reminders on, said once."""
    world = World()
    await world.subscribed()
    await world.store.change(
        42,
        lambda chat: replace(
            chat,
            schedule=replace(chat.schedule, subscribed=False),
            delivery=replace(chat.delivery, blocked_at=START),
        ),
    )
    notes = await world.account.arrived(42)
    assert [type(note) for note in notes] == [Resubscribed]
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.subscribed
    assert await world.account.arrived(42) == []


async def test_the_unreadable_notice_comes_once() -> None:
    """A chat whose saved settings were set aside is told so the first time it writes only."""
    world = World()
    world.store.untold.add(42)
    assert await world.account.arrived(42) == [SettingsUnreadable()]
    assert await world.account.arrived(42) == []
    assert await world.account.arrived(43) == []


async def test_a_flood_is_dropped_after_a_burst_and_counted() -> None:
    """Past the burst a user's updates are dropped: the first dropped one is warned about."""
    world = World(burst=3)
    verdicts = [await world.account.admit(1) for _ in range(5)]
    assert verdicts == [Verdict.ALLOW] * 3 + [Verdict.WARN, Verdict.DROP]
    assert world.failures["flood dropped"] == 2
    assert await world.account.admit(2) is Verdict.ALLOW


async def test_stats_count_completed_sessions() -> None:
    """/stats counts the completed sessions and the unfinished ones apart."""
    world = World()
    assert await world.account.stats(42, group=True) == NotSetUp(group=True)
    await world.subscribed()
    for status in (SessionStatus.COMPLETED, SessionStatus.STOPPED):
        await world.store.end_session(
            SessionRecord(
                chat_id=42,
                routine_id="back",
                started_at=START,
                ended_at=START + dt.timedelta(minutes=5),
                local_date=START.date(),
                status=status,
                duration=300.0,
            )
        )
    stats = await world.account.stats(42, group=False)
    assert isinstance(stats, Stats)
    assert (stats.progress.total, stats.progress.current_streak) == (1, 1)
    assert stats.unfinished == 1
    assert len(stats.weeks) == 4
