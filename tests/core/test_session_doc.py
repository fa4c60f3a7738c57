"""A running session as a JSON document: what the store keeps so another instance continues it."""

from __future__ import annotations

import json

from bot.core.session import GuidedSession, compile_script
from bot.core.session_doc import cue_from_doc, cue_to_doc, session_from_doc, session_to_doc
from tests.factories import guided_session, routines


def _round_trip(session: GuidedSession) -> GuidedSession:
    """Through JSON text, as a database or a file keeps it."""
    return session_from_doc(json.loads(json.dumps(session_to_doc(session))), session.routine)


def test_every_cue_of_every_routine_reads_back_the_same() -> None:
    """The script snapshot loses nothing: each cue reads back equal, field by field."""
    for routine in routines().values():
        for cue in compile_script(routine):
            assert cue_from_doc(json.loads(json.dumps(cue_to_doc(cue)))) == cue


def test_the_session_reads_back_the_same_at_every_step() -> None:
    """Start, every advance, a pause, a resume, a skip, again, repeat and the end: after each,
    the stored session reads back equal, and the copy goes on exactly as the original does."""
    session = guided_session(time_scale=0.5)
    now = session.started_mono
    session.begin(now)
    steps = 0
    while not session.finished:
        copy = _round_trip(session)
        assert copy == session
        now += 1.0
        if steps == 3:
            assert session.pause(now) == copy.pause(now)
        elif steps == 4:
            assert session.resume(now) == copy.resume(now)
        elif steps == 7:
            assert session.skip(now) == copy.skip(now)
        elif steps in (12, 30):  # a hold or an instruction again; the exercise just done
            assert session.again(now) == copy.again(now)
        elif steps == 40:
            assert session.repeat(now) == copy.repeat(now) is not None
        else:
            assert session.advance(now) == copy.advance(now)
        assert copy == session
        steps += 1
    assert _round_trip(session) == session
    assert steps > 20


def test_a_session_whose_routine_is_gone_keeps_its_id_and_title() -> None:
    """Its routine left the content (or was the chat's own, since replaced): the session
    continues from its snapshot, named as it was."""
    session = guided_session()
    session.begin(session.started_mono)
    copy = session_from_doc(session_to_doc(session), None)
    assert (copy.routine.id, copy.routine.title) == (session.routine.id, session.routine.title)
    assert copy.script == session.script
    assert copy.advance(10.0) == session.advance(10.0)


def test_the_sound_setting_reads_back() -> None:
    """A session started with /sound on is continued with it by another instance."""
    session = guided_session()
    session.sound = True
    session.begin(session.started_mono)
    copy = _round_trip(session)
    assert copy.sound
    assert copy == session
