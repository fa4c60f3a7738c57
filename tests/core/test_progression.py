"""Hold progression: content bounds, per-side adaptation, and a new user's exact timings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bot.core.loader import load_routine, parse_routine
from bot.core.progression import Feedback, adjusted, current_holds, phases, side_word
from bot.core.routines import Bounds, ContentError, Routine
from bot.core.session import CueKind, compile_script
from bot.telegram.render import session as session_text
from tests.factories import routine_toml, routines

GOOD = routine_toml(
    step="Lean forward until you feel it in your left side.",
    progress="{ min = 12, max = 30, step = 3 }",
)


def without_bounds(routine: Routine) -> Routine:
    """The routine as it was before the schema had bounds."""
    return replace(
        routine,
        exercises=tuple(
            replace(ex, steps=tuple(replace(step, bounds=None) for step in ex.steps))
            for ex in routine.exercises
        ),
    )


@pytest.mark.parametrize("routine_id", ["back", "quick"])
def test_new_user_gets_exactly_the_files_timings(routine_id: str) -> None:
    """A chat with no feedback yet gets the same script, message for message and second for
    second, as the routine compiled without any bounds."""
    routine = routines()[routine_id]
    new_user = compile_script(routine, {})
    before_bounds = compile_script(without_bounds(routine))
    assert [(c.kind, session_text.cue(c), c.wait) for c in new_user] == [
        (c.kind, session_text.cue(c), c.wait) for c in before_bounds
    ]


def test_article_timings_for_the_iliopsoas_stretch() -> None:
    """The default routine's iliopsoas stretch for a new user: 10 s, then 20 s more, each side,
    and its release carries the feedback key for each side."""
    script = compile_script(routines().default)
    holds = [(c.kind, c.wait, c.label) for c in script if c.is_hold and c.exercise == 0]
    assert holds == [
        (CueKind.HOLD, 10, "Iliopsoas stretch · left"),
        (CueKind.FOLLOW_UP, 20, "Iliopsoas stretch · left"),
        (CueKind.HOLD, 10, "Iliopsoas stretch · right"),
        (CueKind.FOLLOW_UP, 20, "Iliopsoas stretch · right"),
    ]
    keys = [c.key for c in script if c.kind is CueKind.RELEASE and c.exercise == 0]
    assert keys == ["back:0:3:0", "back:0:3:1"]


def test_adapted_time_goes_to_the_last_phase_per_side() -> None:
    """A shorter time for one side shortens its "increase" phase; the 10 s hold stays, and
    the other side keeps the file's timing."""
    script = compile_script(routines().default, {"back:0:3:0": 24.0})
    holds = [c.wait for c in script if c.is_hold and c.exercise == 0]
    assert holds == [10, 14, 10, 20]


def test_stored_values_are_clamped_to_todays_bounds() -> None:
    """A stored time outside the content's current bounds is brought back inside them."""
    script = compile_script(routines().default, {"back:0:3:0": 99.0, "back:0:3:1": 1.0})
    totals = [c.seconds for c in script if c.kind is CueKind.HOLD and c.exercise == 0]
    assert totals == [30, 12]


@pytest.mark.parametrize(
    ("current", "feedback", "hurt", "expected"),
    [
        (20, Feedback.EASY, False, 23),
        (29, Feedback.EASY, False, 30),
        (30, Feedback.EASY, False, 30),
        (20, Feedback.EASY, True, 20),
        (20, Feedback.HARD, False, 17),
        (11, Feedback.HARD, False, 10),
        (20, Feedback.HARD, True, 17),
        (20, Feedback.RIGHT, False, 20),
    ],
)
def test_adjusted_stays_within_bounds(
    current: float, feedback: Feedback, hurt: bool, expected: float
) -> None:
    """Too easy adds a step up to max (never after it hurt), Too hard takes one off down to
    min, Just right keeps it."""
    bounds = Bounds(min=10, max=30, step=3)
    assert adjusted(bounds, current, feedback, hurt=hurt) == expected


def test_adjusted_rounds_to_what_button_data_carries() -> None:
    """Decimal steps do not drift: 20.3 − 0.1 is stored as 20.2, so the next button matches."""
    assert adjusted(Bounds(min=10, max=30, step=0.1), 20.3, Feedback.HARD, hurt=False) == 20.2


def test_phases_keep_the_first_hold() -> None:
    """The last phase absorbs the change."""
    step = routines().default.exercises[0].steps[-1]
    assert phases(step, 18) == (10, (8,))
    assert phases(step, 30) == (10, (20,))


def test_side_word_is_where_the_stretch_is_felt() -> None:
    """The side is the last left/right of the hold's text, mirrored for the other side."""
    quick = routines()["quick"].exercises[0]
    assert side_word(quick, quick.steps[1], mirrored=False) == "left"
    assert side_word(quick, quick.steps[1], mirrored=True) == "right"


def test_current_holds_per_side() -> None:
    """/stats rows: each side held or given feedback, stored or the file's default, and
    whether feedback moved it; sides never done are left out."""
    held = {"Standing hip-flexor stretch · left", "Seated side bend · right"}
    rows = current_holds(routines()["quick"], {"quick:0:1:1": 17.0}, held)
    assert rows == [
        ("Standing hip-flexor stretch", [("left", 20.0, False), ("right", 17.0, True)]),
        ("Seated side bend", [("right", 20.0, False)]),
    ]


def test_current_holds_of_a_new_user_are_empty() -> None:
    """Nothing held and no feedback: no rows, not the file's timings as if they were done."""
    assert current_holds(routines()["quick"], {}) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("min = 12", "progress: min and max must contain the step's own 30 s"),
        ("max = 30", "progress: min and max must contain the step's own 30 s"),
        ("min = 12", "progress: min must be more than 10 s"),
        ("step = 3", "progress: step must be at most max − min"),
        ("max = 30", "progress: max must be a positive number of seconds"),
        ("max = 30", "progress: max must be at most 300 seconds"),
        ("step = 3", "progress: unknown field “stride”"),
    ],
)
def test_bounds_are_validated(tmp_path: Path, change: str, message: str) -> None:
    """Bounds that exclude the file's own timing, leave a phase empty, or are not numbers are
    rejected naming the exercise and step."""
    replacement = {
        "progress: min and max must contain the step's own 30 s": {
            "min = 12": "min = 31",
            "max = 30": "max = 29",
        },
        "progress: min must be more than 10 s": {"min = 12": "min = 10"},
        "progress: step must be at most max − min": {"step = 3": "step = 30"},
        "progress: max must be a positive number of seconds": {"max = 30": 'max = "lots"'},
        "progress: max must be at most 300 seconds": {"max = 30": "max = 301"},
        "progress: unknown field “stride”": {"step = 3": "stride = 3"},
    }[message][change]
    path = tmp_path / "tiny.toml"
    path.write_text(GOOD.replace(change, replacement), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_routine(path)
    assert f"exercise 1, step 1, {message}" in str(caught.value)


def test_bounds_need_a_hold() -> None:
    """Progress on a step without a hold is an error."""
    text = GOOD.replace("hold = 10\n", "").replace(
        '  followups = [{ text = "Further", hold = 20 }]\n', ""
    )
    with pytest.raises(ContentError, match="progress needs a hold"):
        parse_routine(text.encode(), "tiny.toml")


def test_every_problem_is_collected() -> None:
    """Problems in different steps and exercises are all reported, not just the first."""
    text = (
        GOOD.replace("hold = 10", "hold = -1")
        + '\n[[exercises]]\ntitle = "B"\ntarget = "t"\n  [[exercises.steps]]\n  text = ""\n'
    )
    with pytest.raises(ContentError) as caught:
        parse_routine(text.encode(), "tiny.toml")
    assert caught.value.problems == (
        "tiny.toml: exercise 1, step 1: hold must be a positive number of seconds",
        "tiny.toml: exercise 2, step 1: text must be non-empty text",
    )
