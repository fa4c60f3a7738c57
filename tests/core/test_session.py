"""The guided-session engine: the script a routine compiles to, and the state machine that
walks it (start, advance, skip, pause, resume, stop) without any event loop."""

from __future__ import annotations

import pytest

from bot.core.chat import SessionStatus
from bot.core.session import (
    DONE_SHARE,
    Cue,
    CueKind,
    GuidedSession,
    compile_script,
    ends_hold,
    reading_pause,
)
from bot.telegram.render import session as texts
from tests.factories import guided_session, routines


def test_script_walks_the_routine_in_order() -> None:
    """Intro, then each exercise's title, instructions, holds, follow-ups and release."""
    script = compile_script(routines().default)
    kinds = [cue.kind for cue in script]
    assert kinds[0] is CueKind.INTRO
    iliopsoas = [cue for cue in script if cue.exercise == 0]
    assert [cue.kind for cue in iliopsoas] == [
        CueKind.TITLE, CueKind.STEP, CueKind.STEP, CueKind.STEP, CueKind.STEP,
        CueKind.HOLD, CueKind.FOLLOW_UP, CueKind.RELEASE,
    ] * 2  # fmt: skip
    said = [texts.cue(cue) for cue in iliopsoas]
    assert said[1] == "Place your right foot forward, ahead of your right knee."
    assert said[5] == "⏱ Hold for 10 seconds"
    assert said[6] == "Increase the stretch — 20 more seconds"
    assert said[7] == "Release — now switch sides."
    # The other side: the same steps with left and right swapped.
    assert "other side" in said[8]
    assert said[9] == "Place your left foot forward, ahead of your left knee."
    assert said[11] == "Place your right knee behind your right hip."
    assert said[15] == "Release."


def test_holds_wait_exactly_their_seconds() -> None:
    """A hold cue waits its hold time; the follow-up its own; instructions a reading pause."""
    script = compile_script(routines().default)
    hold, follow = (cue for cue in script[:9] if cue.is_hold)
    assert (hold.wait, follow.wait) == (10, 20)
    step = next(cue for cue in script if cue.kind is CueKind.STEP)
    assert step.wait == reading_pause(step.words)


def test_continuing_exercise_starts_on_the_side_the_last_one_ended() -> None:
    """The quadratus lumborum stretch continues from the iliopsoas stretch's last side."""
    script = compile_script(routines().default)
    quadratus = [
        texts.cue(cue) for cue in script if cue.exercise == 1 and cue.kind is CueKind.STEP
    ]
    assert quadratus[0].startswith(
        "Continuing from the previous position, look towards your right"
    )
    assert quadratus[1] == "This opens your left lower back."
    assert quadratus[2].startswith("Continuing from the previous position, look towards your left")
    assert quadratus[3] == "This opens your right lower back."


def test_reading_pause_grows_with_length_within_bounds() -> None:
    """Short instructions get a few seconds, long ones more, never past the cap."""
    assert reading_pause("Keep your spine upright.") == 4.0
    assert 4.0 < reading_pause(" ".join(["word"] * 15)) < 10.0
    assert reading_pause(" ".join(["word"] * 100)) == 10.0


def test_session_runs_to_completion() -> None:
    """Advancing through every cue ends the session as completed."""
    session = guided_session(time_scale=0.5)
    beat = session.begin(now=0.0)
    assert beat.cue is session.script[0]
    assert beat.delay == session.script[0].wait * 0.5
    sent: list[Cue | None] = [beat.cue]
    while not (beat := session.advance(now=1.0)).finished:
        sent.append(beat.cue)
    assert sent == list(session.script)
    assert session.status is SessionStatus.COMPLETED


def test_skip_jumps_to_the_next_exercise() -> None:
    """Skip goes to the next exercise's title, from anywhere in the current one."""
    session = guided_session()
    session.begin(0.0)
    session.advance(1.0)  # exercise 1's title
    session.advance(2.0)  # its first instruction
    beat = session.skip(3.0)
    assert beat.cue is not None
    assert (beat.cue.kind, beat.cue.exercise) == (CueKind.TITLE, 1)
    assert session.skipped == 1


def test_skipping_every_exercise_is_partial() -> None:
    """Skipping past every exercise ends the session as partial: nothing was held."""
    session = guided_session()
    session.begin(0.0)
    first = session.skip(1.0)  # the intro: straight to the first exercise
    assert first.cue is not None
    assert first.cue.exercise == 0
    assert session.skipped == 0
    for _ in range(len(session.routine.exercises)):
        beat = session.skip(1.0)
    assert beat.finished is SessionStatus.PARTIAL
    assert session.skipped == 4
    assert session.held == 0.0
    assert session.holds_used() == {}


def play_until(session: GuidedSession, exercise: int) -> float:
    """Advance by the timers until the first cue of ``exercise``; returns the clock."""
    now = 0.0
    session.begin(now)
    while session.current is None or session.current.exercise < exercise:
        now += 1000.0
        session.advance(now)
    return now


def test_skipping_the_last_exercise_after_holding_most_completes() -> None:
    """Holding every exercise but the last (most of the hold time) and skipping the last one
    completes the session; each side held is in holds_used, the skipped ones are not."""
    session = guided_session()
    last = len(session.routine.exercises) - 1
    now = play_until(session, last)
    beat = session.skip(now)
    assert beat.finished is SessionStatus.COMPLETED
    assert session.held > DONE_SHARE * session.hold_seconds
    assert "Iliopsoas stretch · left" in session.holds_used()
    assert not any(session.routine.exercises[last].title in key for key in session.holds_used())


def test_skipping_most_of_the_hold_time_is_partial() -> None:
    """Holding only the first exercise and skipping the rest leaves the session partial."""
    session = guided_session()
    now = play_until(session, 1)
    while not (beat := session.skip(now)).finished:
        pass
    assert beat.finished is SessionStatus.PARTIAL
    assert 0 < session.held < DONE_SHARE * session.hold_seconds


def test_a_hold_skipped_halfway_counts_half() -> None:
    """Skipping 4 s into a 10 s hold counts the 4 s held, and that side is not held."""
    session = guided_session()
    now = 0.0
    session.begin(now)
    while session.current is None or session.current.kind is not CueKind.HOLD:
        now += 100.0
        session.advance(now)
    session.skip(now + 4.0)
    assert session.held == pytest.approx(4.0)
    assert session.holds_used() == {}


def test_pause_keeps_the_time_left_and_resume_uses_it() -> None:
    """Pausing 4 s into a 10 s hold resumes with 6 s left, and the cue is not repeated."""
    session = guided_session()
    session.begin(0.0)
    while session.current is None or session.current.kind is not CueKind.HOLD:
        session.advance(100.0)
    assert session.due == pytest.approx(110.0)
    left = session.pause(104.0)
    assert left == pytest.approx(6.0)
    assert session.paused
    beat = session.resume(500.0)
    assert beat.cue is None
    assert beat.delay == pytest.approx(6.0)
    assert session.due == pytest.approx(506.0)
    assert not session.paused


def test_every_new_timer_changes_the_generation() -> None:
    """A timer set before a skip, pause or stop is recognisably stale afterwards."""
    session = guided_session()
    seen = {session.generation}
    session.begin(0.0)
    seen.add(session.generation)
    session.pause(1.0)
    seen.add(session.generation)
    session.resume(2.0)
    seen.add(session.generation)
    session.skip(3.0)
    seen.add(session.generation)
    session.stop()
    seen.add(session.generation)
    assert len(seen) == 6
    assert session.status is SessionStatus.STOPPED


def test_the_cues_that_end_a_hold_are_releases_and_the_first_step_after_one() -> None:
    """What /sound rings for: "Release", "Switch sides" and the next exercise's first step;
    nothing before the first hold, and no hold, title or later step."""
    script = compile_script(routines()["quick"])
    ending = [cue for position, cue in enumerate(script) if ends_hold(script, position)]
    kinds = [cue.kind for cue in ending]
    assert kinds == [CueKind.RELEASE, CueKind.STEP] * 3 + [CueKind.RELEASE]
    assert [cue.switch for cue in ending if cue.kind is CueKind.RELEASE] == [
        True,
        False,
        True,
        False,
    ]
    assert not ends_hold(script, -1)
    assert not ends_hold(script, len(script))
    session = guided_session()
    session.begin(0.0)
    while session.current is not None and session.current.kind is not CueKind.RELEASE:
        assert not session.audible
        session.advance(0.0)
    assert not session.audible  # /sound off
    session.sound = True
    assert session.audible


def _to(session: GuidedSession, kind: CueKind, now: float = 0.0) -> Cue:
    """Advance ``session`` to its next cue of ``kind``."""
    while True:
        beat = session.advance(now)
        assert beat.cue is not None
        if beat.cue.kind is kind:
            return beat.cue


def test_again_restarts_the_current_hold_from_full() -> None:
    """“again” during a hold, its follow-up or its release goes back to the hold, timed at its
    full length from now; the part held before does not count."""
    session = guided_session(time_scale=0.5)
    session.begin(0.0)
    hold = _to(session, CueKind.HOLD)
    position = session.position
    beat = session.again(103.0)
    assert beat is not None
    assert (beat.cue, beat.delay, session.due) == (hold, hold.wait * 0.5, 103.0 + hold.wait * 0.5)
    assert session.held == 0.0
    _to(session, CueKind.RELEASE)
    held = session.held
    beat = session.again(200.0)
    assert beat is not None
    assert (beat.cue, session.position) == (hold, position)
    assert session.held == held  # counted once for each time it was held through


def test_again_on_an_instruction_says_it_again() -> None:
    """“again” on a step (or a title) says that cue again, timed afresh."""
    session = guided_session()
    session.begin(0.0)
    step = _to(session, CueKind.STEP)
    beat = session.again(50.0)
    assert beat is not None
    assert (beat.cue, beat.delay) == (step, step.wait)


def test_repeat_runs_the_exercise_just_finished_once_more() -> None:
    """“repeat” goes back to the title of the last exercise done, from its release on; before
    the first one is done there is nothing to repeat."""
    session = guided_session()
    session.begin(0.0)
    assert session.repeat(0.0) is None
    _to(session, CueKind.HOLD)
    assert session.repeat(0.0) is None  # the first exercise is not done yet
    while not (session.current and session.current.exercise == 1):
        session.advance(0.0)
    beat = session.repeat(1.0)
    assert beat is not None
    assert beat.cue == session.script[1]
    assert (beat.cue.kind, beat.cue.exercise, beat.cue.other_side) == (CueKind.TITLE, 0, False)
    # On the release that ends an exercise, that exercise is the one just done.
    last_release = max(
        i for i, c in enumerate(session.script) if c.kind is CueKind.RELEASE and c.exercise == 1
    )
    session.position = last_release
    beat = session.repeat(2.0)
    assert beat is not None
    assert beat.cue is not None
    assert (beat.cue.kind, beat.cue.exercise) == (CueKind.TITLE, 1)
