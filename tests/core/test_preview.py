"""A routine's preview: its exercises in order with their time, and the total, from the script."""

from __future__ import annotations

import pytest

from bot.core.preview import preview
from bot.core.session import compile_script, script_seconds
from tests.factories import routines


def test_the_preview_lists_every_exercise_in_order_with_its_time() -> None:
    """Each exercise once, in the routine's order, its time being all its cues (both sides);
    the total is the whole session's."""
    routine = routines()["quick"]
    script = compile_script(routine)
    shown = preview(script)
    assert [item.title for item in shown.exercises] == [e.title for e in routine.exercises]
    assert [item.sides for item in shown.exercises] == [2, 2]
    for index, item in enumerate(shown.exercises):
        own = sum(cue.wait for cue in script if cue.exercise == index)
        assert item.seconds == pytest.approx(own)
    assert shown.seconds == pytest.approx(script_seconds(script))
    assert sum(item.seconds for item in shown.exercises) < shown.seconds  # plus the intro


def test_the_preview_counts_the_chats_adapted_holds() -> None:
    """A hold grown by feedback makes its exercise, and the total, longer by as much."""
    routine = routines()["quick"]
    script = compile_script(routine)
    key = next(cue.key for cue in script if cue.key)
    longer = preview(compile_script(routine, {key: 26.0}))
    before = preview(script)
    assert longer.exercises[0].seconds - before.exercises[0].seconds == pytest.approx(6.0)
    assert longer.seconds - before.seconds == pytest.approx(6.0)
