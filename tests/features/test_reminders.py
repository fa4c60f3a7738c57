"""The reminders feature over in-memory ports: exactly-once sends, one retry policy, blocked
chats, snooze, the follow-up, skip today and "later", and the rebuild at start-up."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

import pytest

from bot.core.calendar import Occurrence
from bot.core.chat import Chat, SessionRecord, SessionStatus
from bot.core.routines import Routine
from bot.core.session import compile_script, script_seconds
from bot.features.reminder_notes import Nudge, Reminder, SkippedToday, Snoozed
from bot.features.reminder_timers import (
    NUDGE,
    REMINDER,
    SNOOZE,
    nudge_name,
    reminder_timer,
    snooze_name,
)
from bot.features.reminders import Reminders
from bot.ports import Lane, Note, Timer, Unreachable
from tests.factories import make_chat, routines
from tests.fakes import START, ManualClock, ManualTimers, MemoryStore, RecordingOutbox

CHAT = 42
SLOT = dt.time(8, 30)  # START is 08:00 UTC, a Wednesday
DUE = dt.datetime(2026, 11, 25, 8, 30, tzinfo=dt.UTC)
GRACE = dt.timedelta(minutes=30)
TODAY = START.date()


class FakeSessions:
    """Which chats are mid-session, and how long routines take."""

    def __init__(self) -> None:
        self.chats: set[int] = set()

    async def running(self, chat_id: int) -> object | None:
        return True if chat_id in self.chats else None

    def script_seconds(self, routine: Routine) -> float:
        return script_seconds(compile_script(routine))


class FlakyOutbox(RecordingOutbox):
    """Fails the next ``failures`` sends with Unreachable (``retry_after`` if given), and notes
    what the store held for the chat at each attempt."""

    def __init__(self, store: MemoryStore) -> None:
        super().__init__()
        self.store = store
        self.failures = 0
        self.retry_after: float | None = None
        self.seen: list[Chat] = []

    async def send(
        self, chat_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE, sound: bool = False
    ) -> int:
        self.seen.append(self.store.chats_by_id[chat_id])
        if self.failures:
            self.failures -= 1
            raise Unreachable("down for the test", self.retry_after)
        return await super().send(chat_id, note, lane=lane, sound=sound)


@dataclass
class World:
    clock: ManualClock = field(default_factory=ManualClock)
    store: MemoryStore = field(default_factory=MemoryStore)
    sessions: FakeSessions = field(default_factory=FakeSessions)
    failures: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.timers = ManualTimers(self.clock)
        self.outbox = FlakyOutbox(self.store)
        self.reminders = Reminders(
            self.store,
            self.timers,
            self.outbox,
            self.clock,
            routines(),
            self.sessions,
            time_scale=1.0,
            grace=GRACE,
            failures=self.failures,
        )

    async def add(self, chat_id: int = CHAT, **fields: object) -> Chat:
        values: dict[str, object] = {"times": (SLOT,), "created_at": START - dt.timedelta(days=1)}
        values.update(fields)
        chat = await self.store.create(make_chat(chat_id, **values))
        await self.reminders.reschedule(chat)
        return chat

    def chat(self, chat_id: int = CHAT) -> Chat:
        return self.store.chats_by_id[chat_id]

    def notes(self, kind: type[Note] | None = None) -> list[Note]:
        return self.outbox.notes(kind, CHAT)

    async def kinds(self, chat_id: int = CHAT) -> list[str]:
        return [timer.kind for timer in await self.timers.pending(chat_id)]


@pytest.fixture
def world() -> World:
    return World()


def minutes(count: float) -> float:
    return count * 60


# Sending once --------------------------------------------------------------------------------


async def test_a_reminder_is_claimed_and_numbered_before_it_is_sent_once(world: World) -> None:
    """At its time the reminder goes out once, loud, in the bulk lane; when it left, the store
    already held its claim and its number (what its buttons carry); the slot's next is chained."""
    await world.add()
    await world.timers.advance(minutes(30))
    (reminder,) = world.notes(Reminder)
    assert isinstance(reminder, Reminder)
    assert reminder.number == int(DUE.timestamp())
    (sent,) = world.outbox.sent
    assert (sent.lane, sent.sound) == (Lane.BULK, True)
    (at_send,) = world.outbox.seen
    assert at_send.delivery.last_sent == {"08:30": DUE}
    assert at_send.delivery.reminder_number == reminder.number
    assert world.chat().delivery.reminder_message_id == sent.message_id
    (upcoming,) = await world.reminders.scheduled(CHAT)
    assert upcoming.occurrence.day == TODAY + dt.timedelta(days=1)
    # The same occurrence again (a duplicate timer, a restart): its claim keeps it from going out.
    await world.timers.set(reminder_timer(CHAT, Occurrence(SLOT, TODAY, DUE)))
    await world.timers.run_due()
    assert len(world.notes(Reminder)) == 1


async def test_no_reminder_during_a_session(world: World) -> None:
    """A reminder due while the chat is mid-session would only interrupt it: none is sent."""
    await world.add()
    world.sessions.chats.add(CHAT)
    await world.timers.advance(minutes(30))
    assert world.notes() == []


async def test_a_failed_send_is_released_and_retried_with_back_off(world: World) -> None:
    """Two failures: the claim is given back each time, retries come 5 s then 10 s later, and
    the reminder arrives once."""
    await world.add()
    world.outbox.failures = 2
    await world.timers.advance(minutes(30))
    assert world.chat().delivery.last_sent == {}  # released
    (retry,) = [t for t in await world.timers.pending(CHAT) if t.name.endswith(":retry")]
    assert retry.due == DUE + dt.timedelta(seconds=5)
    await world.timers.advance(5)
    (retry,) = [t for t in await world.timers.pending(CHAT) if t.name.endswith(":retry")]
    assert (retry.name, retry.due) == ("reminder:42:08:30:retry", DUE + dt.timedelta(seconds=15))
    await world.timers.advance(10)
    assert len(world.notes(Reminder)) == 1
    assert world.chat().delivery.last_sent == {"08:30": DUE}
    assert world.failures["retried"] == 2
    assert [t.name for t in await world.timers.pending(CHAT)] == ["nudge:42", "reminder:42:08:30"]


async def test_a_reminder_found_past_its_grace_is_not_sent_and_the_next_comes_from_now(
    world: World,
) -> None:
    """A reminder timer that runs days late (every instance was down; on PostgreSQL its row
    waited) sends nothing, and the slot's next reminder is the next one after now, not the day
    after the stale one."""
    await world.add()
    world.clock.advance(minutes(30) + 3 * 24 * 3600 + 3600)  # 09:30, three days on
    await world.timers.run_due()
    assert world.notes() == []
    (upcoming,) = await world.reminders.scheduled(CHAT)
    assert upcoming.occurrence.at == DUE + dt.timedelta(days=4)


async def test_a_snooze_found_past_its_grace_is_dropped(world: World) -> None:
    """A snooze whose timer runs later than the grace window is not sent, and is no longer
    pending in the chat's settings."""
    await world.add(times=(dt.time(20, 0),))
    await world.reminders.snooze(CHAT, 15)
    world.clock.advance(minutes(15) + GRACE.total_seconds() + 60)
    await world.timers.run_due()
    assert world.notes() == []
    assert world.chat().delivery.snoozed_until is None


async def test_retries_stop_at_the_grace_window(world: World) -> None:
    """A send that keeps failing is retried with doubling waits (5 s … 5 min) until the next
    attempt would be later than the grace window, then given up, its claim released."""
    await world.add()
    world.outbox.failures = 1_000
    await world.timers.advance(minutes(30) + minutes(60))
    assert len(world.outbox.seen) == 11  # at +0, 5, 15, 35, 75, 155, 315, 615, 915, 1215, 1515 s
    assert world.failures["retried"] == 10
    assert world.failures["gave up"] == 1
    assert world.chat().delivery.last_sent == {}
    assert await world.kinds() == [REMINDER]  # tomorrow's, and no retry


async def test_a_429_is_waited_out_for_its_retry_after(world: World) -> None:
    """Telegram's retry_after replaces the back-off: the retry comes 42 s later, not 5 s."""
    await world.add()
    world.outbox.failures, world.outbox.retry_after = 1, 42.0
    await world.timers.advance(minutes(30))
    (retry,) = [t for t in await world.timers.pending(CHAT) if t.name.endswith(":retry")]
    assert retry.due == DUE + dt.timedelta(seconds=42)
    await world.timers.advance(41)
    assert world.notes() == []
    await world.timers.advance(1)
    assert len(world.notes(Reminder)) == 1


# Blocked chats ---------------------------------------------------------------------------------


async def test_a_chat_that_blocked_the_bot_is_marked_and_its_timers_cancelled(
    world: World,
) -> None:
    """A 403 turns reminders off (``blocked_at``), drops snooze and follow-up, leaves no timer
    and no retry; writing again turns them back on as they were."""
    await world.add()
    await world.add(7)
    await world.reminders.snooze(CHAT, 60)
    world.outbox.blocked.add(CHAT)
    await world.timers.advance(minutes(30))
    chat = world.chat()
    assert not chat.schedule.subscribed
    assert chat.delivery.blocked_at == DUE
    assert (chat.delivery.snoozed_until, chat.delivery.nudge_due) == (None, None)
    assert await world.timers.pending(CHAT) == []
    assert world.failures["blocked"] == 1
    assert await world.kinds(7) == [NUDGE, REMINDER]  # the other chat got its reminder
    back = await world.reminders.unblocked(CHAT)
    assert back is not None
    assert back.schedule.subscribed
    assert back.delivery.blocked_at is None
    assert await world.kinds() == [REMINDER]
    assert await world.reminders.unblocked(CHAT) is None  # only once


# Snooze and the follow-up ------------------------------------------------------------------------


async def test_a_snoozed_reminder_comes_back_once(world: World) -> None:
    """Snoozed for 15 minutes: the reminder comes again then, once, and clears the snooze."""
    await world.add(times=(dt.time(20, 0),))
    due = await world.reminders.snooze(CHAT, 15)
    assert due == START + dt.timedelta(minutes=15)
    await world.timers.advance(minutes(15))
    (again,) = world.notes()
    assert isinstance(again, Reminder)
    assert again.again
    assert world.chat().delivery.snoozed_until is None
    # The same snooze firing again (a duplicate timer) finds nothing to send.
    await world.timers.set(Timer(snooze_name(CHAT), SNOOZE, CHAT, due))
    await world.timers.run_due()
    assert len(world.notes()) == 1


async def test_a_failed_snooze_is_retried_under_the_same_policy(world: World) -> None:
    """A snoozed reminder that fails to send is put back and tried again 5 s later."""
    await world.add(times=(dt.time(20, 0),))
    await world.reminders.snooze(CHAT, 15)
    world.outbox.failures = 1
    await world.timers.advance(minutes(15))
    assert world.notes() == []
    assert world.chat().delivery.snoozed_until is not None
    await world.timers.advance(5)
    assert len(world.notes(Reminder)) == 1
    assert world.failures["retried"] == 1


async def test_the_follow_up_comes_once_an_hour_after_an_unanswered_reminder(
    world: World,
) -> None:
    """Nobody reacted: one nudge an hour later, and no second one."""
    await world.add()
    await world.timers.advance(minutes(30))
    assert world.chat().delivery.nudge_due == DUE + dt.timedelta(hours=1)
    await world.timers.advance(minutes(60))
    assert len(world.notes(Nudge)) == 1
    assert world.chat().delivery.nudge_due is None
    # The same follow-up firing again (a duplicate timer) finds nothing to send.
    await world.timers.set(Timer(nudge_name(CHAT), NUDGE, CHAT, DUE + dt.timedelta(hours=1)))
    await world.timers.advance(minutes(180))
    assert len(world.notes(Nudge)) == 1


async def test_no_follow_up_after_a_session_completed_today(world: World) -> None:
    """The chat did its routine anyway (without pressing anything): no nudge."""
    await world.add()
    await world.timers.advance(minutes(30))
    done = SessionRecord(
        chat_id=CHAT,
        routine_id="back",
        started_at=DUE + dt.timedelta(minutes=5),
        ended_at=DUE + dt.timedelta(minutes=11),
        local_date=TODAY,
        status=SessionStatus.COMPLETED,
        duration=360.0,
    )
    await world.store.end_session(done)
    await world.timers.advance(minutes(60))
    assert world.notes(Nudge) == []


async def test_a_reaction_cancels_the_follow_up(world: World) -> None:
    """Any answer to the reminder (a start, a snooze) drops the pending nudge."""
    await world.add()
    await world.timers.advance(minutes(30))
    await world.reminders.reacted(CHAT)
    assert NUDGE not in await world.kinds()
    assert world.chat().delivery.nudge_due is None


# Skip today and "later" --------------------------------------------------------------------------


async def test_skip_today_holds_until_tomorrow(world: World) -> None:
    """ "Skip today" at 08:00: neither 08:30 nor 12:00 comes today; tomorrow's 08:30 does."""
    await world.add(times=(SLOT, dt.time(12, 0)))
    skipped = await world.reminders.skip_today(CHAT)
    assert skipped is not None
    assert skipped.schedule.skipped_day == TODAY
    assert {due.occurrence.day for due in await world.reminders.scheduled(CHAT)} == {
        TODAY + dt.timedelta(days=1)
    }
    await world.timers.advance(minutes(16 * 60))  # to midnight
    assert world.notes() == []
    await world.timers.advance(minutes(8 * 60 + 30))
    assert len(world.notes(Reminder)) == 1


async def test_later_after_a_skip_undoes_it(world: World) -> None:
    """ "later" after "Skip today": the skip is taken back (today's 12:00 comes again), the
    reminder returns in 15 minutes, and the answer says the skip was undone."""
    await world.add(times=(dt.time(12, 0),))
    await world.reminders.skip_today(CHAT)
    answer = await world.reminders.later(CHAT)
    assert answer == Snoozed(START + dt.timedelta(minutes=15), skip_undone=True)
    assert world.chat().schedule.skipped_day is None
    (due,) = await world.reminders.scheduled(CHAT)
    assert due.occurrence.day == TODAY
    await world.timers.advance(minutes(15))
    assert len(world.notes(Reminder)) == 1


async def test_a_button_counts_only_on_the_live_reminder(world: World) -> None:
    """Snooze and skip buttons of an older (or closed) reminder are refused; the live one's
    snooze says when, its skip says what comes next."""
    await world.add()
    await world.timers.advance(minutes(30))
    number = int(DUE.timestamp())
    assert await world.reminders.press(CHAT, number - 86_400, 15) is None
    snoozed = await world.reminders.press(CHAT, number, 15)
    assert snoozed == Snoozed(world.clock.now() + dt.timedelta(minutes=15))
    skipped = await world.reminders.press(CHAT, number, 0)
    assert isinstance(skipped, SkippedToday)
    assert skipped.outlook is not None
    await world.reminders.close_reminder(CHAT, skipped)
    assert await world.reminders.press(CHAT, number, 15) is None
    first = world.outbox.sent[0]
    assert not first.buttons
    assert world.outbox.sent[-1].note == skipped


# Scheduling and the rebuild ----------------------------------------------------------------------


async def test_one_chat_is_replaced_and_cancelled_without_touching_the_others(
    world: World,
) -> None:
    """Moving one chat to another time moves only its reminder; /stop leaves the other's."""
    first = await world.add(1)
    second = await world.add(2)
    moved = replace(first.schedule, times=(dt.time(10, 0),))
    await world.reminders.reschedule(replace(first, schedule=moved))
    assert [(d.chat_id, d.slot) for d in await world.reminders.scheduled()] == [
        (2, "08:30"),
        (1, "10:00"),
    ]
    stopped = replace(second.schedule, subscribed=False)
    await world.reminders.reschedule(replace(second, schedule=stopped))
    assert [d.chat_id for d in await world.reminders.scheduled()] == [1]
    await world.reminders.cancel(1)
    assert await world.timers.pending() == []


async def test_rebuild_catches_up_a_missed_reminder_once(world: World) -> None:
    """Down over 07:45: at start-up the chat that did not get it gets it at once, the one that
    did does not, and a second restart sends nothing again."""
    slot = dt.time(7, 45)
    missed_at = dt.datetime(2026, 11, 25, 7, 45, tzinfo=dt.UTC)
    await world.store.create(make_chat(CHAT, times=(slot,), created_at=START - dt.timedelta(1)))
    got_it = make_chat(
        7, times=(slot,), created_at=START - dt.timedelta(1), last_sent={"07:45": missed_at}
    )
    await world.store.create(got_it)
    assert await world.reminders.rebuild() == 2
    assert {d.chat_id: d.occurrence.at for d in await world.reminders.scheduled()} == {
        CHAT: missed_at,
        7: missed_at + dt.timedelta(days=1),
    }
    await world.timers.run_due()
    assert len(world.notes(Reminder)) == 1
    world.timers.timers.clear()  # a restart: timers are gone, the store is not
    await world.reminders.rebuild()
    await world.timers.run_due()
    assert len(world.notes(Reminder)) == 1


async def test_rebuild_brings_back_what_is_still_due_and_forgets_the_rest(world: World) -> None:
    """At start-up a snooze still to come is set again; a follow-up far past the grace window
    is forgotten, on its timer and in the store."""
    snoozed = START + dt.timedelta(minutes=10)
    stale = START - dt.timedelta(hours=2)
    chat = make_chat(CHAT, times=(SLOT,), snoozed_until=snoozed, nudge_due=stale)
    await world.store.create(chat)
    await world.reminders.rebuild()
    assert sorted(await world.kinds()) == [REMINDER, SNOOZE]
    assert world.chat().delivery.nudge_due is None
    assert world.chat().delivery.snoozed_until == snoozed
