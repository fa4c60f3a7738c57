"""The micro-breaks feature over in-memory ports: /breaks and /workhours, one prompt per
interval claimed before its send, the rule asked again when the timer fires (sessions, pauses,
mutes), the prompt's buttons once each, "meeting", and the rebuild at start-up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

import pytest

from bot.core.chat import BreakPlan, Chat, SessionRecord, SessionStatus
from bot.core.parsing import Problem
from bot.features.breaks import (
    BREAK,
    Action,
    BreakExpired,
    BreakPrompt,
    BreakPut,
    Breaks,
    BreaksNow,
    BreakTaken,
    Meeting,
    break_name,
)
from bot.features.reminders import Reminders
from bot.features.schedule_settings import BadArgument, ScheduleSettings
from bot.ports import Lane, Timer
from tests.factories import make_chat, routines
from tests.fakes import START, ManualClock, ManualTimers, MemoryStore, RecordingOutbox
from tests.features.test_reminders import FakeSessions

CHAT = 42
MIN = dt.timedelta(minutes=1)
#: START is 08:00 UTC on a Wednesday; the chat's zone is UTC, its reminder at 07:00.
FIRST = dt.datetime(2026, 11, 25, 9, 45, tzinfo=dt.UTC)


async def anyone() -> bool:
    return True


@dataclass
class World:
    clock: ManualClock = field(default_factory=ManualClock)
    store: MemoryStore = field(default_factory=MemoryStore)
    sessions: FakeSessions = field(default_factory=FakeSessions)

    def __post_init__(self) -> None:
        self.timers = ManualTimers(self.clock)
        self.outbox = RecordingOutbox()
        book = routines()
        self.reminders = Reminders(
            self.store, self.timers, self.outbox, self.clock, book, self.sessions,
            failures=Counter(),
        )  # fmt: skip
        schedules = ScheduleSettings(self.store, self.clock, self.reminders)
        self.breaks = Breaks(
            self.store, self.timers, self.outbox, self.clock, book, self.sessions,
            schedules.command, 1.0, dt.timedelta(minutes=30),
        )  # fmt: skip
        self.reminders.followers.append(self.breaks.follow)

    async def add(self, **fields: object) -> Chat:
        values: dict[str, object] = {"times": (dt.time(7),), "created_at": START}
        values.update(fields)
        return await self.store.create(make_chat(CHAT, **values))

    async def command(self, text: str, hours: bool = False) -> object:
        run = self.breaks.work_hours if hours else self.breaks.breaks
        return await run(CHAT, text, group=False, allowed=anyone)

    def chat(self) -> Chat:
        return self.store.chats_by_id[CHAT]

    def prompts(self) -> list[BreakPrompt]:
        return [n for n in self.outbox.notes(BreakPrompt, CHAT) if isinstance(n, BreakPrompt)]

    def due(self) -> dt.datetime | None:
        timer = self.timers.named(break_name(CHAT))
        return timer.due if timer else None


@pytest.fixture
def world() -> World:
    return World()


async def test_breaks_command_sets_shows_refuses_and_turns_off(world: World) -> None:
    """/breaks 45 stores the interval and sets the timer; bad input changes nothing; off
    cancels the timer."""
    await world.add()
    shown = await world.command("45")
    assert isinstance(shown, BreaksNow)
    assert shown.plan.minutes == 45
    assert shown.next_at == FIRST
    assert world.due() == FIRST
    bad = await world.command("19")
    assert isinstance(bad, BadArgument)
    assert bad.error.problem is Problem.BREAKS_OUT_OF_RANGE
    reversed_hours = await world.command("17-9", hours=True)
    assert isinstance(reversed_hours, BadArgument)
    assert world.chat().breaks == BreakPlan(minutes=45)
    await world.command("10:00-12:00", hours=True)
    assert world.due() == dt.datetime(2026, 11, 25, 10, 45, tzinfo=dt.UTC)
    await world.command("off")
    assert world.chat().breaks.minutes is None
    assert world.due() is None


async def test_a_break_is_claimed_before_its_one_send_in_the_bulk_lane(world: World) -> None:
    """At its time one prompt goes out, loud, in the bulk lane, claimed in the store first; the
    same instant again (a duplicate timer, a restart) sends nothing; the next is chained."""
    await world.add()
    await world.command("45")
    await world.timers.advance((FIRST - START).total_seconds())
    (prompt,) = world.prompts()
    assert prompt.number == FIRST.timestamp() * 1000
    sent = world.outbox.sent[-1]
    assert (sent.lane, sent.sound) == (Lane.BULK, True)
    assert world.chat().breaks.last_at == FIRST
    assert world.chat().breaks.message_id == sent.message_id
    assert world.due() == FIRST + 45 * MIN
    await world.breaks.on_break(Timer(break_name(CHAT), BREAK, CHAT, FIRST))
    assert len(world.prompts()) == 1


async def test_no_break_during_a_session_nor_on_a_paused_day(world: World) -> None:
    """Mid-session the interval's break is skipped; a pause set after the timer defers it
    without a send."""
    await world.add()
    await world.command("45")
    world.sessions.chats.add(CHAT)
    await world.timers.advance((FIRST - START).total_seconds())
    assert world.prompts() == []
    assert world.due() == FIRST + 45 * MIN
    world.sessions.chats.clear()
    today = START.date()
    await world.store.change(
        CHAT,
        lambda c: replace(
            c, schedule=replace(c.schedule, pauses=((today, today + dt.timedelta(1)),))
        ),
    )
    await world.timers.advance(45 * 60)
    assert world.prompts() == []
    assert world.due() == dt.datetime(2026, 11, 26, 9, 45, tzinfo=dt.UTC)


async def test_no_break_just_after_a_session(world: World) -> None:
    """A session that ended ten minutes before the break moves it 30 minutes past its end."""
    await world.add()
    await world.command("45")
    ended = FIRST - 10 * MIN
    record = SessionRecord(
        CHAT, "back", ended - 5 * MIN, ended, ended.date(), SessionStatus.COMPLETED, 300.0
    )
    await world.store.end_session(record)
    await world.timers.advance((FIRST - START).total_seconds())
    assert world.prompts() == []
    assert world.due() == ended + 30 * MIN


async def test_buttons_count_once_and_only_on_the_live_prompt(world: World) -> None:
    """Done counts a break once; a second press, or a press on a prompt a newer one replaced,
    says it expired."""
    await world.add()
    await world.command("45")
    await world.timers.advance((FIRST - START).total_seconds())
    (first,) = world.prompts()
    await world.timers.advance(45 * 60)
    second = world.prompts()[-1]
    stale = await world.breaks.press(CHAT, Action.DONE, first.number, 1)
    assert isinstance(stale, BreakExpired)
    taken = await world.breaks.press(CHAT, Action.DONE, second.number, 2)
    assert taken == BreakTaken(1)
    again = await world.breaks.press(CHAT, Action.DONE, second.number, 2)
    assert isinstance(again, BreakExpired)
    assert world.chat().breaks.taken == 1


async def test_in_ten_minutes_brings_the_break_back_once(world: World) -> None:
    """ "In 10 min" sets the break timer ten minutes on; it comes once more."""
    await world.add()
    await world.command("45")
    await world.timers.advance((FIRST - START).total_seconds())
    (prompt,) = world.prompts()
    assert await world.breaks.press(CHAT, Action.LATER, prompt.number, 1) == BreakPut(Action.LATER)
    assert world.due() == FIRST + 10 * MIN
    await world.timers.advance(10 * 60)
    assert len(world.prompts()) == 2


async def test_meeting_mutes_breaks_for_an_hour(world: World) -> None:
    """ "meeting" (word or button) moves the next break to the end of the hour."""
    await world.add()
    await world.command("20")
    world.clock.advance((FIRST - START).total_seconds())
    note = await world.breaks.meeting(CHAT)
    assert isinstance(note, Meeting)
    assert note.breaks_on
    assert world.chat().breaks.muted_until == FIRST + 60 * MIN
    assert world.due() == FIRST + 60 * MIN
    await world.timers.advance(59 * 60)
    assert world.prompts() == []
    await world.timers.advance(60)
    assert len(world.prompts()) == 1


async def test_the_rebuild_counts_from_the_last_break(world: World) -> None:
    """At start-up the next break counts from the last one claimed: none is sent twice."""
    await world.add(breaks=BreakPlan(minutes=45, last_at=START + 30 * MIN))
    await world.reminders.rebuild()
    assert world.due() == dt.datetime(2026, 11, 25, 9, 15, tzinfo=dt.UTC)


async def test_a_chat_that_blocked_the_bot_gets_no_more_prompts(world: World) -> None:
    """A 403 on a prompt ends the chain: no send into a block every interval."""
    await world.add()
    await world.command("45")
    world.outbox.blocked.add(CHAT)
    await world.timers.advance((FIRST - START).total_seconds())
    assert world.due() is None
