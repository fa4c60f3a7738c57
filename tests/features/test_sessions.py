"""The session runner's rules, on the in-memory fakes: one session per chat, the cue timer and
its generation, skip, pause and its give-up timer, resume mid-hold, "it hurts", the end of a
routine, a chat that blocked the bot, and closing sessions a restart cut short."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.chat import ActiveSession, Chat, SessionRecord, SessionStatus
from bot.core.session import CueKind, compile_script
from bot.features.countdown import CountPaused
from bot.features.session_notes import (
    Completed,
    CueNote,
    HurtStop,
    Partial,
    Paused,
    PauseExpired,
    Resumed,
    Stopped,
)
from bot.features.sessions import PAUSE_TIMEOUT, session_timer
from tests.factories import NOW
from tests.features.conftest import CHAT, World

#: The quick routine's first hold comes after its intro, title and two steps.
TO_FIRST_HOLD = 5 + 3 + 8.3 + 9.8
HOLD = 20.0


async def test_a_second_start_is_refused(world: World) -> None:
    """One session per chat: a second start changes nothing and says nothing."""
    assert await world.sessions.start(CHAT, world.quick)
    assert not await world.sessions.start(CHAT, world.routines.default)
    assert [cue.kind for cue in world.cues()] == [CueKind.INTRO]
    running = await world.sessions.running(CHAT)
    assert running is not None
    assert running.routine is world.quick


async def test_cues_come_at_their_times(world: World) -> None:
    """Each cue is timed from the one before: the first hold comes after the intro, title and
    both steps, not a moment sooner."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD - 0.01)
    assert world.cues(CueKind.HOLD) == []
    await world.timers.advance(0.01)
    assert len(world.cues(CueKind.HOLD)) == 1


async def test_cues_go_out_quietly_in_the_interactive_lane(world: World) -> None:
    """Only the reminder buzzes: session messages are sent without a sound."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD)
    assert all(not sent.sound and sent.lane == "interactive" for sent in world.outbox.sent)


async def test_with_sound_on_only_the_cues_that_end_a_hold_ring(world: World) -> None:
    """/sound on: each release and the first step after it come with a notification, every
    other cue quietly; the setting is taken when the session starts."""
    await world.coaching.set_sound(CHAT, True)
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(600)
    cues = [(s.note.cue, s.sound) for s in world.outbox.sent if isinstance(s.note, CueNote)]
    ringing = [(cue.kind, cue.exercise) for cue, sound in cues if sound]
    releases = [(cue.kind, cue.exercise) for cue, _ in cues if cue.kind is CueKind.RELEASE]
    firsts = [(CueKind.STEP, 0), (CueKind.STEP, 1), (CueKind.STEP, 1)]  # after each release
    assert sorted(ringing) == sorted(releases + firsts)
    assert len(releases) == 4
    assert not any(s.sound for s in world.outbox.sent if not isinstance(s.note, CueNote))


async def test_skip_jumps_to_the_next_exercise(world: World) -> None:
    """Skipping during an exercise's first step goes to the next exercise's title (its other
    side is part of the exercise skipped)."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(5 + 3)
    assert world.cues()[-1].kind is CueKind.STEP
    assert await world.sessions.skip(CHAT)
    cue = world.cues()[-1]
    assert (cue.kind, cue.exercise, cue.other_side) == (CueKind.TITLE, 1, False)


async def test_again_restarts_the_hold_at_full_length(world: World) -> None:
    """“again” 7 s into the 20 s hold sends the hold again, and its release comes a full 20 s
    after that, not 13."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD + 7)
    assert await world.sessions.skip(CHAT, "again")
    assert len(world.cues(CueKind.HOLD)) == 2
    await world.timers.advance(HOLD - 0.01)
    assert world.cues(CueKind.RELEASE) == []
    await world.timers.advance(0.01)
    assert len(world.cues(CueKind.RELEASE)) == 1


async def test_repeat_runs_the_exercise_just_done_and_needs_one(world: World) -> None:
    """“repeat” before any exercise is done changes nothing (False); after the first one, its
    title comes again and the session goes on from there."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD)
    sent = len(world.outbox.sent)
    assert await world.sessions.skip(CHAT, "repeat") is False
    assert len(world.outbox.sent) == sent
    while not [c for c in world.cues(CueKind.TITLE) if c.exercise == 1]:
        await world.timers.advance(1)
    assert await world.sessions.skip(CHAT, "repeat")
    cue = world.cues()[-1]
    assert (cue.kind, cue.exercise, cue.other_side) == (CueKind.TITLE, 0, False)
    assert await world.sessions.skip(CHAT, "again") is True
    assert await world.sessions.skip(CHAT + 1, "repeat") is None  # no session there


async def test_a_stale_timer_does_nothing(world: World) -> None:
    """A timer set before a skip (an older generation) that still fires sends nothing."""
    await world.sessions.start(CHAT, world.quick)
    old = world.timers.named(session_timer(CHAT))
    assert old is not None
    await world.sessions.skip(CHAT)
    sent = len(world.outbox.sent)
    await world.timers.handlers[old.kind](old)
    assert len(world.outbox.sent) == sent


async def test_pause_stops_the_clock_and_the_give_up_timer_closes_it(world: World) -> None:
    """Paused, no cue comes however long it takes; after PAUSE_TIMEOUT the session is
    closed as stopped, saying why."""
    await world.sessions.start(CHAT, world.quick)
    assert await world.sessions.pause(CHAT) is True
    assert world.outbox.notes()[-1] == Paused()
    assert await world.sessions.pause(CHAT) is False
    await world.timers.advance(PAUSE_TIMEOUT - 1)
    assert [cue.kind for cue in world.cues()] == [CueKind.INTRO]
    assert await world.sessions.running(CHAT) is not None
    await world.timers.advance(1)
    assert world.outbox.notes()[-1] == PauseExpired()
    assert await world.sessions.running(CHAT) is None
    (record,) = await world.store.history(CHAT)
    assert record.status is SessionStatus.STOPPED


async def test_resume_between_holds_carries_on_where_it_was(world: World) -> None:
    """Paused on the intro with 3 s left, resumed: "Resuming", and the title 3 s later."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(2)
    await world.sessions.pause(CHAT)
    await world.timers.advance(60)
    assert await world.sessions.resume(CHAT) is True
    assert world.outbox.notes()[-1] == Resumed(None)
    assert await world.sessions.resume(CHAT) is False
    await world.timers.advance(2.99)
    assert [cue.kind for cue in world.cues()] == [CueKind.INTRO]
    await world.timers.advance(0.02)
    assert world.cues()[-1].kind is CueKind.TITLE


async def test_resume_mid_hold_sends_the_hold_again_with_the_time_left(world: World) -> None:
    """Paused 5 s into a 20 s hold: resuming says so in a new message that counts down the
    15 s left (the old one keeps its paused mark, without its button); then the release."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD)
    (hold,) = [
        sent
        for sent in world.outbox.sent
        if isinstance(sent.note, CueNote) and sent.note.cue.kind is CueKind.HOLD
    ]
    await world.timers.advance(5)
    await world.sessions.pause(CHAT)
    await world.timers.advance(100)
    assert await world.sessions.resume(CHAT) is True
    resumed = world.outbox.sent[-1]
    assert isinstance(resumed.note, Resumed)
    assert resumed.note.left == pytest.approx(HOLD - 5)
    await world.timers.advance(HOLD - 5 - 0.01)
    assert world.cues()[-1].kind is CueKind.HOLD
    await world.timers.advance(0.02)
    assert world.cues()[-1].kind is CueKind.RELEASE
    assert resumed.edits, "the new hold message counts down"
    paused = hold.edits[-1]
    assert isinstance(paused, CountPaused)
    assert not paused.buttons


async def test_hurt_stops_undoes_this_sessions_increase_and_blocks_the_next(
    world: World,
) -> None:
    """“It hurts” on the right side: the session stops at once with the safety message; the
    left side's increase from this session's feedback (20 → 23 s) is undone, and the
    exercise is marked so no increase is made before the next session."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD + HOLD)  # the left side's release

    def too_easy(chat: Chat) -> Chat:  # what a Too easy vote stores
        holds = {"quick:0:1:0": 23.0}
        return replace(chat, coaching=replace(chat.coaching, holds=holds))

    await world.store.change(CHAT, too_easy)
    await world.timers.advance(5 + TO_FIRST_HOLD - 5)  # the right side's hold
    assert world.cues()[-1].label.endswith("right")
    assert await world.sessions.hurts(CHAT)
    assert world.outbox.notes()[-1] == HurtStop()
    chat = await world.store.chat(CHAT)
    assert chat is not None
    assert dict(chat.coaching.holds) == {"quick:0:1:0": 20.0}
    assert chat.coaching.hurt == {"quick:0"}
    (record,) = await world.store.history(CHAT)
    assert (record.status, record.hurt) == (SessionStatus.STOPPED, True)
    sent = len(world.outbox.sent)
    await world.timers.advance(60)
    assert len(world.outbox.sent) == sent
    assert not await world.sessions.hurts(CHAT)


async def test_the_next_session_lifts_the_block(world: World) -> None:
    """The session after a hurt is the "next time": increases may resume."""

    def hurt(chat: Chat) -> Chat:
        return replace(chat, coaching=replace(chat.coaching, hurt=frozenset({"quick:0"})))

    await world.store.change(CHAT, hurt)
    await world.sessions.start(CHAT, world.quick)
    chat = await world.store.chat(CHAT)
    assert chat is not None
    assert chat.coaching.hurt == frozenset()


async def test_a_routine_held_through_completes(world: World) -> None:
    """Run to the end: "Well done" with the streak (day 1) and the next reminder; recorded as
    completed with every side's hold."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(3600)
    (done,) = world.outbox.notes(Completed)
    assert isinstance(done, Completed)
    assert (done.routine_title, done.streak) == (world.quick.title, 1)
    assert done.outlook is not None
    assert done.took == pytest.approx(sum(cue.wait for cue in world.cues()))
    (record,) = await world.store.history(CHAT)
    assert record.status is SessionStatus.COMPLETED
    assert len(record.holds) == 4
    assert await world.timers.pending(CHAT) == []


async def test_a_routine_mostly_skipped_is_partial(world: World) -> None:
    """Skipping every exercise reaches the end as a partial session, not a completed one."""
    await world.sessions.start(CHAT, world.quick)
    for _ in range(3):
        await world.sessions.skip(CHAT)
    assert world.outbox.notes(Completed) == []
    (partial,) = world.outbox.notes(Partial)
    assert isinstance(partial, Partial)
    assert partial.routine_title == world.quick.title
    (record,) = await world.store.history(CHAT)
    assert record.status is SessionStatus.PARTIAL
    assert await world.sessions.running(CHAT) is None


async def test_stop_says_so_or_what_it_is_told(world: World) -> None:
    """Stop ends the session ("Session stopped", or the note given), only the one named."""
    await world.sessions.start(CHAT, world.quick)
    assert not await world.sessions.stop(CHAT, of_session=await world.session_id() + 1)
    assert await world.sessions.stop(CHAT)
    assert world.outbox.notes()[-1] == Stopped()
    assert not await world.sessions.stop(CHAT)
    assert await world.timers.pending(CHAT) == []


async def test_discard_ends_without_a_word(world: World) -> None:
    """/forget: the session ends, recorded, and nothing is said."""
    await world.sessions.start(CHAT, world.quick)
    sent = len(world.outbox.sent)
    await world.sessions.discard(CHAT)
    assert await world.sessions.running(CHAT) is None
    assert len(world.outbox.sent) == sent
    assert world.timers.named(session_timer(CHAT)) is None


async def test_a_chat_that_blocks_the_bot_ends_its_session(world: World) -> None:
    """A send refused with Blocked ends the session (stopped), with no timer left behind."""
    await world.sessions.start(CHAT, world.quick)
    await world.timers.advance(TO_FIRST_HOLD + 1)
    world.outbox.blocked.add(CHAT)
    await world.timers.advance(HOLD)
    assert await world.sessions.running(CHAT) is None
    (record,) = await world.store.history(CHAT)
    assert record.status is SessionStatus.STOPPED
    assert [
        t.name for t in await world.timers.pending(CHAT) if not t.name.startswith("edit:")
    ] == []


async def test_restart_recovery_closes_interrupted_sessions_once(world: World) -> None:
    """At start-up a session still marked in progress is recorded as interrupted and its chat
    named, once; one that had ended (the process died before its mark was removed) is not."""
    await world.store.begin_session(ActiveSession(CHAT, "quick", NOW, NOW.date()))
    ended = ActiveSession(7, "quick", NOW, NOW.date())
    await world.store.begin_session(ended)
    await world.store.end_session(
        SessionRecord(7, "quick", NOW, NOW, NOW.date(), SessionStatus.COMPLETED, 60.0)
    )
    await world.store.begin_session(ended)
    assert await world.sessions.close_interrupted(NOW) == [CHAT]
    (record,) = await world.store.history(CHAT)
    assert (record.status, record.duration) == (SessionStatus.INTERRUPTED, None)
    assert await world.store.active_sessions() == []
    assert await world.sessions.close_interrupted(NOW) == []
    assert len(await world.store.history(7)) == 1


async def test_latest_session_is_the_running_one_else_the_last_recorded(world: World) -> None:
    """Buttons of a session are live until the next one starts."""
    assert await world.sessions.latest(CHAT) is None
    await world.sessions.start(CHAT, world.quick)
    first = await world.session_id()
    assert await world.sessions.latest(CHAT) == first
    await world.sessions.stop(CHAT)
    assert await world.sessions.latest(CHAT) == first
    world.clock.advance(10)
    await world.sessions.start(CHAT, world.quick)
    assert await world.sessions.latest(CHAT) == await world.session_id() != first


async def test_script_seconds_of_shared_and_own_routines(world: World) -> None:
    """A routine's length at normal speed, for a shared routine and one not in the book."""
    quick = world.quick
    assert world.sessions.script_seconds(quick) == pytest.approx(
        sum(cue.wait for cue in compile_script(quick))
    )
    own = replace(quick, id="mine")
    assert world.sessions.script_seconds(own) == world.sessions.script_seconds(quick)
