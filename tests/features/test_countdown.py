"""The countdown's policy, on the fakes: updates every two seconds, a shared edit budget, late
ticks dropped, one edit gate per chat, and the final edit delayed but never dropped."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest

from bot.features.countdown import (
    EDIT_RATE,
    LATE_TICK,
    MIN_EDIT_GAP,
    CountDone,
    Countdowns,
    Counting,
    CountOff,
    CountPaused,
)
from bot.ports import Lane, Note
from tests.fakes import ManualClock, ManualTimers, RecordingOutbox, Sent


@dataclass(frozen=True, slots=True)
class Hold(Note):
    """A stand-in for a hold message."""


@dataclass(frozen=True, slots=True)
class Next(Note):
    """A stand-in for what comes after the hold."""


@dataclass
class Rig:
    clock: ManualClock
    timers: ManualTimers
    outbox: RecordingOutbox
    countdowns: Countdowns

    async def begin(self, chat_id: int, hold: float, *, live: bool = True) -> Sent:
        """A hold message sent to ``chat_id`` and counted down."""
        message_id = await self.outbox.send(chat_id, Hold())
        await self.countdowns.begin(chat_id, message_id, Hold(), hold, live)
        return self.outbox.sent[-1]


@pytest.fixture
def rig() -> Rig:
    clock = ManualClock()
    timers = ManualTimers(clock)
    outbox = RecordingOutbox()
    return Rig(clock, timers, outbox, Countdowns(timers, outbox, clock, time_scale=1.0))


def seconds_shown(sent: Sent) -> list[float]:
    return [edit.left for edit in sent.edits if isinstance(edit, Counting)]


async def test_one_countdown_is_updated_every_two_seconds(rig: Rig) -> None:
    """Alone, a 20 s hold shows 18 s, 16 s … 2 s: the budget changes nothing for one user."""
    sent = await rig.begin(1, 20)
    await rig.timers.advance(20)
    assert seconds_shown(sent) == pytest.approx(list(range(18, 0, -2)))
    assert all(edit.message == Hold() for edit in sent.edits if isinstance(edit, Counting))


async def test_many_countdowns_share_the_edit_budget(rig: Rig) -> None:
    """200 live countdowns at 20 edits a second: each is updated every 10 s instead of 2 s,
    all alike, and the bot makes no more than its budget of countdown edits."""
    chats = range(1, 201)
    for chat_id in chats:
        await rig.begin(chat_id, 30)
    assert rig.countdowns.update_interval() == pytest.approx(200 / EDIT_RATE)
    await rig.timers.advance(20)
    edits = Counter(sent.chat_id for sent in rig.outbox.sent for _ in sent.edits)
    assert sum(edits.values()) <= EDIT_RATE * 20
    assert edits == dict.fromkeys(chats, 2)


async def test_an_update_waits_for_the_chats_gate(rig: Rig) -> None:
    """Two final edits queued in the chat shut its gate until 2.2 s: the update due at 2 s is
    dropped rather than squeezed in; the one at 4 s is made."""
    for _ in range(2):
        await rig.begin(1, 20)
        await rig.countdowns.end(1, done=True, next_note=None)
    sent = await rig.begin(1, 20)
    await rig.timers.advance(2)
    assert sent.edits == []
    await rig.timers.advance(2)
    assert seconds_shown(sent) == pytest.approx([16])


async def test_a_late_tick_is_dropped(rig: Rig) -> None:
    """A tick that runs well after its time (the loop is busy) makes no request; the next
    one on time does."""
    sent = await rig.begin(1, 20)
    rig.clock.advance(2 + LATE_TICK + 0.2)
    await rig.timers.run_due()
    assert sent.edits == []
    await rig.timers.advance(4 - (2 + LATE_TICK + 0.2))
    assert seconds_shown(sent) == pytest.approx([16])


async def test_a_short_or_group_hold_is_not_counted_down(rig: Rig) -> None:
    """No live countdown for a hold under two updates long, nor where it is not live
    (groups): only the final edit."""
    short = await rig.begin(1, 3.9)
    group = await rig.begin(2, 20, live=False)
    await rig.timers.advance(20)
    assert short.edits == group.edits == []
    await rig.countdowns.end(2, done=True, next_note=None)
    await rig.timers.run_due()
    assert group.edits == [CountDone(Hold(), None)]


async def test_the_final_edit_waits_for_the_gate_and_is_never_dropped(rig: Rig) -> None:
    """An update at 2 s shuts the chat's gate for MIN_EDIT_GAP; the hold ending half a second
    later is shown done (with what comes next) once the gate opens, not before, not never."""
    sent = await rig.begin(1, 20)
    await rig.timers.advance(2.5)
    assert len(sent.edits) == 1
    await rig.countdowns.end(1, done=True, next_note=Next())
    await rig.timers.advance(MIN_EDIT_GAP - 0.5 - 0.01)
    assert len(sent.edits) == 1
    await rig.timers.advance(0.02)
    assert sent.edits[-1] == CountDone(Hold(), Next())
    await rig.timers.advance(20)
    assert len(sent.edits) == 2, "no tick after the end"
    # The tick may be dropped by the rate limiter when the budget is busy; the end may not.
    assert rig.outbox.edit_lanes == [Lane.SPARE, Lane.INTERACTIVE]


async def test_edits_in_one_chat_are_spaced_by_the_gate(rig: Rig) -> None:
    """Two holds ending a moment apart: the second message's edit waits a gap after the first
    message's; another chat's edit does not wait for them."""
    first = await rig.begin(1, 20)
    await rig.countdowns.end(1, done=True, next_note=None)
    second = await rig.begin(1, 20)
    await rig.countdowns.end(1, done=False, next_note=None)
    other = await rig.begin(2, 20)
    await rig.countdowns.end(2, done=True, next_note=None)
    await rig.timers.run_due()
    assert (len(first.edits), len(second.edits), len(other.edits)) == (1, 0, 1)
    await rig.timers.advance(MIN_EDIT_GAP - 0.01)
    assert second.edits == []
    await rig.timers.advance(0.02)
    assert second.edits == [CountOff(Hold())]


async def test_the_latest_edit_of_a_message_wins(rig: Rig) -> None:
    """Paused, then resumed in a new message at once: the old message gets only its last
    state, paused without its button."""
    sent = await rig.begin(1, 20)
    await rig.timers.advance(1)
    await rig.countdowns.pause(1)
    await rig.countdowns.retire(1)
    await rig.timers.advance(10)
    assert sent.edits == [CountPaused(Hold(), 20, 19, buttons=False)]


async def test_pause_stops_the_countdown(rig: Rig) -> None:
    """Paused, the message is marked once and not updated again."""
    sent = await rig.begin(1, 20)
    await rig.timers.advance(5)
    await rig.countdowns.pause(1)
    await rig.timers.advance(30)
    assert sent.edits[-1] == CountPaused(Hold(), 20, 15, buttons=True)
    assert len([edit for edit in sent.edits if isinstance(edit, Counting)]) == 2


async def test_a_hold_cut_short_loses_its_countdown(rig: Rig) -> None:
    """Skipped or stopped: the message as sent, without the bar and the button."""
    sent = await rig.begin(1, 20)
    await rig.timers.advance(3)
    await rig.countdowns.end(1, done=False, next_note=None)
    await rig.timers.advance(5)
    assert sent.edits[-1] == CountOff(Hold())


async def test_scaled_time_shows_routine_seconds(rig: Rig) -> None:
    """At TIME_SCALE 0.5 a 20 s hold lasts 10 real seconds and shows routine seconds."""
    countdowns = Countdowns(rig.timers, rig.outbox, rig.clock, time_scale=0.5)
    message_id = await rig.outbox.send(1, Hold())
    await countdowns.begin(1, message_id, Hold(), 20, True)
    await rig.timers.advance(10)
    assert seconds_shown(rig.outbox.sent[-1]) == pytest.approx([16, 12, 8, 4])


async def test_with_several_instances_a_hold_another_one_ended_is_not_edited_again(
    rig: Rig,
) -> None:
    """Shared: this instance counted a hold down, another took the hold's end (and showed it
    done); when this one plays a later cue or ends the session, the stored session says no hold
    just ended, so that old message is not edited a second time (nor given the wrong "next")."""
    countdowns = Countdowns(rig.timers, rig.outbox, rig.clock, shared=True)
    message_id = await rig.outbox.send(1, Hold())
    await countdowns.begin(1, message_id, Hold(), 20, True)
    await rig.timers.advance(22)
    ticks = len(rig.outbox.sent[-1].edits)
    await countdowns.end(1, done=True, next_note=Next())
    await rig.timers.advance(5)
    assert len(rig.outbox.sent[-1].edits) == ticks
    await countdowns.end(1, done=True, next_note=Next(), sent=(message_id, Hold()))
    await rig.timers.advance(5)
    assert rig.outbox.sent[-1].edits[-1] == CountDone(Hold(), Next())
