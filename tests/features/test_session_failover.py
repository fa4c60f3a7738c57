"""Sessions over a shared store: any instance continues a session another one started (or
that died), from the stored state, with no cue repeated or skipped. Two ``Sessions`` objects
on one store stand for two instances; the timers are shared, as rows in PostgreSQL are (the
handler registered last is the instance that fires them)."""

from __future__ import annotations

import asyncio

from bot.core.chat import SessionStatus
from bot.core.session import Cue, CueKind, compile_script
from bot.features.countdown import CountDone
from bot.features.session_notes import CueNote
from bot.features.session_state import CLAIMED_FOR, LOOK_AFTER, LOOK_AFTER_EVERY, STALE_AFTER
from bot.features.sessions import SESSION, Sessions, session_timer
from bot.ports import Note
from tests.factories import make_chat, routines
from tests.fakes import ManualClock, ManualTimers, MemoryStore, RecordingOutbox

CHAT = 42
#: The quick routine's first hold comes after its intro, title and two steps.
TO_FIRST_HOLD = 5 + 3 + 8.3 + 9.8
HOLD = 20.0


class Cluster:
    """One store, one clock, shared timers; an outbox per instance."""

    def __init__(self) -> None:
        self.clock = ManualClock()
        self.store = MemoryStore()
        self.timers = ManualTimers(self.clock)
        self.book = routines()
        self.outboxes: list[RecordingOutbox] = []

    def instance(self, outbox: RecordingOutbox | None = None) -> Sessions:
        """A new instance; from now on it fires the timers (the one before is gone)."""
        outbox = outbox or RecordingOutbox()
        self.outboxes.append(outbox)
        return Sessions(
            store=self.store,
            timers=self.timers,
            outbox=outbox,
            clock=self.clock,
            routines=self.book,
            shared=True,
        )

    def cues(self) -> list[Cue]:
        """Every cue sent to the chat, by all instances, in order."""
        return [
            note.cue
            for outbox in self.outboxes
            for note in outbox.notes(CueNote, CHAT)
            if isinstance(note, CueNote)
        ]


async def cluster() -> Cluster:
    made = Cluster()
    await made.store.create(make_chat(CHAT, pain_check=False))
    return made


async def test_an_instance_continues_the_session_of_one_that_died_mid_hold() -> None:
    """The first instance dies mid-hold; the second plays the next cue at its due time and
    the rest of the routine: every cue of the script once, in order, one record."""
    world = await cluster()
    first = world.instance()
    quick = world.book["quick"]
    assert await first.start(CHAT, quick)
    await world.timers.advance(TO_FIRST_HOLD + 5)  # mid-hold
    sent_by_first = len(world.cues())
    due = world.timers.named(session_timer(CHAT))
    assert due is not None
    second = world.instance()  # the first is gone: its memory with it
    await world.timers.advance((due.due - world.clock.now()).total_seconds())
    assert len(world.cues()) == sent_by_first + 1  # on time, from the second
    await world.timers.advance(600)
    assert world.cues() == list(compile_script(quick))
    assert len(world.outboxes[1].notes(CueNote, CHAT)) == len(world.cues()) - sent_by_first
    (record,) = await world.store.history(CHAT)
    assert record.status is SessionStatus.COMPLETED
    assert await world.store.active_sessions() == []
    assert await second.running(CHAT) is None


class CheckingOutbox(RecordingOutbox):
    """Checks, at every cue it sends, that the store already holds the session at that cue."""

    def __init__(self, store: MemoryStore, script: tuple[Cue, ...]) -> None:
        super().__init__()
        self.store = store
        self.script = script
        self.checked = 0

    async def send(self, chat_id: int, note: Note, **options: object) -> int:
        if isinstance(note, CueNote):
            active = self.store.active[chat_id]
            assert active.state is not None
            position = active.state["session"]["position"]
            assert self.script[position] == note.cue
            self.checked += 1
        return await super().send(chat_id, note, **options)  # type: ignore[arg-type]


async def test_each_transition_is_saved_before_its_cue_is_sent() -> None:
    """Whatever instance sends a cue, the stored session is already at that cue: one that
    dies after sending it leaves the next cue, not this one, to the others."""
    world = await cluster()
    quick = world.book["quick"]
    outbox = CheckingOutbox(world.store, compile_script(quick))
    sessions = world.instance(outbox)
    await sessions.start(CHAT, quick)
    await world.timers.advance(TO_FIRST_HOLD + 1)
    await sessions.skip(CHAT)
    await sessions.pause(CHAT)
    await sessions.resume(CHAT)
    await world.timers.advance(600)
    assert outbox.checked == len(world.cues()) > 10


async def test_the_hold_counted_down_by_one_instance_is_shown_done_by_the_next() -> None:
    """The countdown stays with the instance that sent the hold, but whichever instance plays
    the next cue edits the hold's message to done, with what comes next."""
    world = await cluster()
    outbox = RecordingOutbox()  # one chat, one Telegram: both instances edit its messages
    first = world.instance(outbox)
    await first.start(CHAT, world.book["quick"])
    await world.timers.advance(TO_FIRST_HOLD)
    (hold,) = [s for s in outbox.sent if isinstance(s.note, CueNote) and s.note.cue.is_hold]
    world.instance(outbox)  # the first is gone, with its countdown
    await world.timers.advance(HOLD + 2)
    (done,) = [edit for edit in hold.edits if isinstance(edit, CountDone)]
    assert isinstance(done.next, CueNote)
    assert done.next.cue.kind is CueKind.RELEASE


async def test_a_timer_fired_by_two_instances_plays_its_cue_once() -> None:
    """Two instances run the same session timer at once (a claim that expired): the store
    takes one save of that step, the other finds the session moved on and does nothing."""
    world = await cluster()
    first = world.instance()
    fires_first = world.timers.handlers[SESSION]
    world.instance()
    fires_second = world.timers.handlers[SESSION]
    await first.start(CHAT, world.book["quick"])
    timer = world.timers.named(session_timer(CHAT))
    assert timer is not None
    world.clock.advance(5)
    await asyncio.gather(fires_first(timer), fires_second(timer))
    assert len(world.cues()) == 2  # the intro, then the first title once


async def test_a_skip_on_one_instance_applies_to_where_another_left_the_session() -> None:
    """Instances keep no session of their own: a skip takes the stored one, moved on
    meanwhile by another instance's timer, not a copy from when this one last saw it."""
    world = await cluster()
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    world.instance()  # fires the timers from now on
    await world.timers.advance(TO_FIRST_HOLD)  # the second sends up to the first hold
    assert await first.skip(CHAT)
    # From the first hold to the second exercise (a stale copy at the intro would have gone
    # to the first exercise's title again).
    script = compile_script(world.book["quick"])
    skipped_to = world.outboxes[0].notes(CueNote, CHAT)[-1]
    assert isinstance(skipped_to, CueNote)
    assert skipped_to.cue == next(cue for cue in script if cue.exercise == 1)


async def test_a_pain_answer_kept_on_one_instance_is_in_the_record_of_another() -> None:
    """The answer before the session is part of the stored state, not of one instance."""
    world = await cluster()
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    async with first.lock(CHAT):
        assert await first.keep_pain_before(CHAT, 4)
    world.instance()
    await world.timers.advance(600)
    (record,) = await world.store.history(CHAT)
    assert record.pain_before == 4


async def test_start_up_leaves_live_sessions_to_their_instances_and_closes_dead_ones() -> None:
    """With several instances, a starting one closes only sessions whose timer is long
    overdue (nobody will play them), and names their chats; the others go on."""
    world = await cluster()
    await world.store.create(make_chat(7, pain_check=False))
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    await first.start(7, world.book["quick"])
    await world.timers.cancel(session_timer(7))  # its instance died with the timer claimed
    world.clock.advance(5 + STALE_AFTER + 1)  # chat 42's timer fires meanwhile, 7's not
    await world.timers.run_due()
    restarted = world.instance()
    assert await restarted.close_interrupted(world.clock.now()) == [7]
    assert await restarted.running(CHAT) is not None
    assert [r.status for r in await world.store.history(7)] == [SessionStatus.INTERRUPTED]
    assert await world.store.history(CHAT) == []


async def test_start_up_keeps_a_session_whose_timer_is_set_however_late() -> None:
    """Every instance was down for minutes: the session's timer is still set (a row), so a
    starting instance leaves it, and the timer plays its next cue when it runs."""
    world = await cluster()
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    world.clock.advance(5 + 3 * STALE_AFTER)  # nobody ran the timers meanwhile
    restarted = world.instance()
    assert await restarted.close_interrupted(world.clock.now()) == []
    await world.timers.run_due()
    assert len(world.cues()) == 2  # the intro, then the first title


async def test_start_up_leaves_a_timer_being_handled_alone() -> None:
    """Just past its due time, a session without its timer row is being moved on by the
    instance that claimed the row: a starting instance does not close it."""
    world = await cluster()
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    await world.timers.cancel(session_timer(CHAT))  # claimed
    world.clock.advance(5 + CLAIMED_FOR)
    assert await world.instance().close_interrupted(world.clock.now()) == []
    world.clock.advance(0.1)
    assert await world.instance().close_interrupted(world.clock.now()) == [CHAT]


async def test_a_dead_session_does_not_block_the_next_one() -> None:
    """A session nobody will continue is not running: the next start closes it as
    interrupted and begins."""
    world = await cluster()
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    await world.timers.cancel(session_timer(CHAT))
    world.clock.advance(5 + STALE_AFTER + 1)
    second = world.instance()
    assert await second.running(CHAT) is None
    assert await second.start(CHAT, world.book["quick"])
    assert [r.status for r in await world.store.history(CHAT)] == [SessionStatus.INTERRUPTED]
    running = await second.running(CHAT)
    assert running is not None
    assert running.started_at == world.clock.now()


async def test_a_session_whose_timer_was_lost_gets_it_again() -> None:
    """The instance that claimed a session's timer died before moving the session on: the
    others give it its timer again, so the cue comes late rather than never, and once; the
    lost timer, if its instance comes back with it, does nothing."""
    world = await cluster()
    first = world.instance()
    fires_first = world.timers.handlers[SESSION]
    await first.start(CHAT, world.book["quick"])
    lost = world.timers.named(session_timer(CHAT))
    assert lost is not None
    await world.timers.cancel(lost.name)  # claimed, then its instance died
    world.clock.advance(5 + CLAIMED_FOR + 0.5)
    second = world.instance()
    await second.look_after()
    await world.timers.run_due()
    assert len(world.cues()) == 2  # the intro, then the first title
    await fires_first(lost)
    assert len(world.cues()) == 2
    later = world.timers.named(f"{LOOK_AFTER}:0")
    assert later is not None  # it looks again in a moment
    assert (later.due - world.clock.now()).total_seconds() == LOOK_AFTER_EVERY


async def test_looking_after_leaves_sessions_with_a_timer_or_just_claimed_alone() -> None:
    """A session whose timer is set (however late) or was claimed moments ago is running:
    looking after sessions changes nothing about it."""
    world = await cluster()
    await world.store.create(make_chat(7, pain_check=False))
    first = world.instance()
    await first.start(CHAT, world.book["quick"])
    await first.start(7, world.book["quick"])
    await world.timers.cancel(session_timer(7))  # being handled right now
    world.clock.advance(5 + CLAIMED_FOR)
    kept = world.timers.named(session_timer(CHAT))
    await world.instance().look_after()
    assert world.timers.named(session_timer(CHAT)) == kept
    assert world.timers.named(session_timer(7)) is None
