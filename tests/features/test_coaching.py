"""Coaching's rules, on the in-memory fakes: feedback within bounds and only once, buttons that
expire when the next session starts, the pain check and its safety flow, "it hurts", /pain,
and a chat's own routine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.chat import Chat
from bot.core.progression import Feedback, milliseconds
from bot.core.session import CueKind
from bot.core.uploads import UploadError
from bot.features.coaching import (
    HurtNote,
    Noted,
    PainGently,
    PainHigh,
    PainRose,
    PainStillHigh,
    StoppedForToday,
)
from bot.features.session_notes import HurtStop, PainQuestion, Resumed
from tests.factories import PHYSIO_ROUTINE
from tests.features.conftest import CHAT, World

TO_FIRST_HOLD = 5 + 3 + 8.3 + 9.8
#: The quick routine's first stretch, left side: 20 s, bounds 10–30 in steps of 3.
LEFT = "quick:0:1:0"


async def pain_check_on(world: World) -> None:
    def on(chat: Chat) -> Chat:
        return replace(chat, coaching=replace(chat.coaching, pain_check=True))

    await world.store.change(CHAT, on)


async def vote(world: World, feedback: Feedback, session: int, used: float = 20.0) -> Noted | None:
    return await world.coaching.feedback(
        CHAT, vote=feedback, key=LEFT, used_ms=milliseconds(used), session=session
    )


async def test_too_easy_moves_the_side_once(world: World) -> None:
    """Too easy on the left release: 23 s next time; the same button again (shown with the
    old 20 s) changes nothing."""
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    noted = await vote(world, Feedback.EASY, session)
    assert noted is not None
    assert (noted.before, noted.after, noted.hurt, noted.limit) == (20.0, 23.0, False, "")
    assert await vote(world, Feedback.EASY, session) is None
    chat = await world.store.chat(CHAT)
    assert chat is not None
    assert dict(chat.coaching.holds) == {LEFT: 23.0}


async def test_too_easy_at_the_most_says_so(world: World) -> None:
    """At the stretch's most (30 s), Too easy stays there and says it is the most."""

    def at_most(chat: Chat) -> Chat:
        return replace(chat, coaching=replace(chat.coaching, holds={LEFT: 30.0}))

    await world.store.change(CHAT, at_most)
    await world.sessions.start(CHAT, world.quick)
    noted = await vote(world, Feedback.EASY, await world.session_id(), used=30.0)
    assert noted is not None
    assert noted.limit == "most"


async def test_feedback_buttons_expire_when_the_next_session_starts(world: World) -> None:
    """The last session's buttons count after it ended; once the next starts, they do not."""
    await world.sessions.start(CHAT, world.quick)
    first = await world.session_id()
    await world.sessions.stop(CHAT)
    world.clock.advance(60)
    await world.sessions.start(CHAT, world.quick)
    assert await vote(world, Feedback.EASY, first) is None
    chat = await world.store.chat(CHAT)
    assert chat is not None
    assert dict(chat.coaching.holds) == {}


async def test_no_increase_after_it_hurt(world: World) -> None:
    """Too easy on an exercise that hurt this session keeps its time."""
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    await world.timers.advance(TO_FIRST_HOLD)
    await world.sessions.hurts(CHAT)
    noted = await vote(world, Feedback.EASY, session)
    assert noted is not None
    assert (noted.after, noted.hurt) == (20.0, True)


async def test_high_pain_before_the_first_hold_pauses_and_asks(world: World) -> None:
    """8/10 before the session pauses it before its first hold and asks: continue gently or
    stop for today; no hold comes while it waits."""
    await pain_check_on(world)
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    assert world.outbox.notes()[0] == PainQuestion(session, before=True)
    answers = await world.coaching.record_pain(CHAT, session=session, before=True, value=8)
    assert answers is not None
    await world.coaching.act_on_pain(CHAT, session=session, before=True, answers=answers)
    assert world.outbox.notes()[-1] == PainHigh(8, False, paused=True, session=session)
    await world.timers.advance(600)
    assert world.cues(CueKind.HOLD) == []
    running = await world.sessions.running(CHAT)
    assert running is not None
    assert running.paused
    assert running.pain_before == 8


async def test_continue_gently_resumes_and_stop_for_today_stops(world: World) -> None:
    """The gate's answers: continue resumes the routine; stop ends it with the safety note;
    either only while that session runs."""
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    await world.sessions.pause(CHAT)
    assert not await world.coaching.gate_is_live(CHAT, session + 1)
    assert await world.coaching.gate_is_live(CHAT, session)
    await world.coaching.pass_gate(CHAT, session=session, go_on=True)
    assert world.outbox.notes()[-1] == Resumed(None)
    await world.coaching.pass_gate(CHAT, session=session, go_on=False)
    assert world.outbox.notes()[-1] == StoppedForToday()
    assert not await world.coaching.gate_is_live(CHAT, session)


async def test_high_pain_after_the_session_ended_gets_the_note_alone(world: World) -> None:
    """A high answer to the question before, given once the session is over: the safety
    note, nothing paused."""
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    await world.sessions.stop(CHAT)
    answers = await world.coaching.record_pain(CHAT, session=session, before=True, value=9)
    assert answers is not None
    await world.coaching.act_on_pain(CHAT, session=session, before=True, answers=answers)
    assert world.outbox.notes()[-1] == PainHigh(9, False, paused=False, session=session)
    (record,) = await world.store.history(CHAT)
    assert record.pain_before == 9


async def test_middling_pain_says_go_gently(world: World) -> None:
    """4/10 before a running session: go gently, and the routine carries on."""
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    answers = await world.coaching.record_pain(CHAT, session=session, before=True, value=4)
    assert answers is not None
    await world.coaching.act_on_pain(CHAT, session=session, before=True, answers=answers)
    assert world.outbox.notes()[-1] == PainGently()
    await world.timers.advance(TO_FIRST_HOLD)
    assert len(world.cues(CueKind.HOLD)) == 1


async def test_pain_after_the_session(world: World) -> None:
    """The question after comes at the end; a rise of 2 gets a note, a high score without a
    rise the safety note; the answer is kept with the session until the next one starts."""
    await pain_check_on(world)
    await world.sessions.start(CHAT, world.quick)
    session = await world.session_id()
    await world.coaching.record_pain(CHAT, session=session, before=True, value=2)
    assert await world.coaching.record_pain(CHAT, session=session, before=False, value=5) is None
    await world.timers.advance(3600)
    assert world.outbox.notes()[-1] == PainQuestion(session, before=False)
    answers = await world.coaching.record_pain(CHAT, session=session, before=False, value=5)
    assert answers is not None
    await world.coaching.act_on_pain(CHAT, session=session, before=False, answers=answers)
    assert world.outbox.notes()[-1] == PainRose(2, 5)
    await world.coaching.record_pain(CHAT, session=session, before=True, value=6)
    answers = await world.coaching.record_pain(CHAT, session=session, before=False, value=7)
    assert answers is not None
    await world.coaching.act_on_pain(CHAT, session=session, before=False, answers=answers)
    assert world.outbox.notes()[-1] == PainStillHigh()
    (record,) = await world.store.history(CHAT)
    assert (record.pain_before, record.pain_after) == (6, 7)
    world.clock.advance(60)
    await world.sessions.start(CHAT, world.quick)
    assert await world.coaching.record_pain(CHAT, session=session, before=False, value=1) is None
    assert await world.coaching.record_pain(CHAT, session=session, before=True, value=1) is None
    running = await world.sessions.running(CHAT)
    assert running is not None
    assert running.pain_before is None


async def test_high_pain_before_three_sessions_in_a_row_is_persistent(world: World) -> None:
    """The third high answer before a session in a row suggests a practitioner."""
    for number in range(3):
        world.clock.advance(60)
        await world.sessions.start(CHAT, world.quick)
        session = await world.session_id()
        answers = await world.coaching.record_pain(CHAT, session=session, before=True, value=7)
        assert answers is not None
        await world.coaching.act_on_pain(CHAT, session=session, before=True, answers=answers)
        note = world.outbox.notes()[-1]
        assert isinstance(note, PainHigh)
        assert note.persistent is (number == 2)
        await world.sessions.stop(CHAT)


async def test_it_hurts_stops_a_session_or_says_the_safety_note(world: World) -> None:
    """The hurts button: a running session stops with the safety message; with none running
    (an old button), the safety note."""
    await world.sessions.start(CHAT, world.quick)
    await world.coaching.hurts(CHAT)
    assert world.outbox.notes()[-1] == HurtStop()
    await world.coaching.hurts(CHAT)
    assert world.outbox.notes()[-1] == HurtNote()


async def test_pain_command_turns_the_question_on_and_off(world: World) -> None:
    """/pain off: no question at the next session; /pain on brings it back."""
    await world.coaching.set_pain_check(CHAT, False)
    await world.sessions.start(CHAT, world.quick)
    assert world.outbox.notes(PainQuestion) == []
    await world.sessions.stop(CHAT)
    await world.coaching.set_pain_check(CHAT, True)
    world.clock.advance(60)
    await world.sessions.start(CHAT, world.quick)
    assert len(world.outbox.notes(PainQuestion)) == 1


async def test_no_pain_question_in_groups(world: World) -> None:
    """The question is about one person's back: a group session does not ask it."""
    await pain_check_on(world)
    await world.sessions.start(CHAT, world.quick, live_countdown=False, private=False)
    await world.timers.advance(3600)
    assert world.outbox.notes(PainQuestion) == []


async def test_an_uploaded_routine_becomes_the_chats_own(world: World) -> None:
    """A valid file is kept as sent (without a byte-order mark) and usable by its id."""
    data = b"\xef\xbb\xbf" + PHYSIO_ROUTINE.encode()
    routine = await world.coaching.save_routine(CHAT, data, "sam.toml")
    assert routine.id == "sam"
    chat = await world.store.chat(CHAT)
    assert chat is not None
    assert chat.coaching.own_routine == PHYSIO_ROUTINE
    assert await world.coaching.routine_for(CHAT, "sam") == routine


async def test_a_bad_upload_saves_nothing(world: World) -> None:
    """A file that does not validate is refused with its problems; nothing is kept."""
    with pytest.raises(UploadError):
        await world.coaching.save_routine(CHAT, b"id = 'back'\n", "back.toml")
    chat = await world.store.chat(CHAT)
    assert chat is not None
    assert chat.coaching.own_routine == ""
    assert await world.coaching.routine_for(CHAT, "sam") is None
