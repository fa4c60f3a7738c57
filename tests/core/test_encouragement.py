"""The completion message's figure: the hold that grew most, else the longest held."""

from __future__ import annotations

from bot.core.encouragement import HoldFigure, best_hold
from bot.core.session import GuidedSession, compile_script
from tests.factories import NOW, routines


def _held(holds: dict[str, float] | None = None) -> GuidedSession:
    """The quick routine held through to its end, with these adapted holds."""
    routine = routines()["quick"]
    session = GuidedSession(42, routine, compile_script(routine, holds), NOW, NOW.date(), 0.0)
    session.begin(0.0)
    while not session.finished:
        session.advance(0.0)
    return session


def test_the_hold_that_grew_most_is_the_figure() -> None:
    """A side adapted from 20 s to 26 s is named, with what it gained; the others did not."""
    script = compile_script(routines()["quick"])
    keys = list(dict.fromkeys(cue.key for cue in script if cue.key))
    session = _held({keys[0]: 23.0, keys[1]: 26.0})
    figure = best_hold(session)
    assert figure == HoldFigure("Standing hip-flexor stretch · right", 26.0, 6.0)


def test_without_growth_the_longest_hold_is_the_figure() -> None:
    """Nothing adapted: the longest side held (the first of equals), nothing gained."""
    figure = best_hold(_held())
    assert figure == HoldFigure("Standing hip-flexor stretch · left", 20.0, 0.0)


def test_no_side_held_through_no_figure() -> None:
    """A session that held no side to its release has no figure."""
    routine = routines()["quick"]
    session = GuidedSession(42, routine, compile_script(routine), NOW, NOW.date(), 0.0)
    session.begin(0.0)
    assert best_hold(session) is None
