"""The pain rules: which answers before a session pause it or ask to go gently, which after
it get a note, and when pain that stays high suggests a practitioner."""

from __future__ import annotations

import pytest

from bot.core import safety
from bot.core.safety import After, Before, after_session, before_session, persistently_high


@pytest.mark.parametrize(
    ("score", "advice"),
    [
        (0, Before.FINE),
        (2, Before.FINE),
        (3, Before.GENTLY),
        (5, Before.GENTLY),
        (6, Before.STOP),
        (10, Before.STOP),
    ],
)
def test_before_a_session_the_traffic_light(score: int, advice: Before) -> None:
    """0–2 is fine, 3–5 go gently, 6 and more stop: the edges of each band."""
    assert before_session(score) is advice


@pytest.mark.parametrize(
    ("before", "after", "advice"),
    [
        (2, 3, After.FINE),
        (2, 4, After.ROSE),
        (0, 10, After.ROSE),
        (7, 7, After.HIGH),
        (8, 6, After.HIGH),
        (None, 6, After.HIGH),
        (None, 5, After.FINE),
        (5, 1, After.FINE),
    ],
)
def test_after_a_session_a_rise_or_a_high_score_gets_a_note(
    before: int | None, after: int, advice: After
) -> None:
    """A rise of 2 or more is a rise; otherwise a high score is still high; else fine."""
    assert after_session(before, after) is advice


def test_persistently_high_needs_the_last_three_answers_high() -> None:
    """Three high answers in a row count; two, or a lower one among the last three, do not."""
    assert persistently_high([6, 7, 10])
    assert persistently_high([1, 6, 6, 6])
    assert not persistently_high([7, 7])
    assert not persistently_high([7, 5, 7])
    assert not persistently_high([7, 7, 7, 2])


def test_the_thresholds_are_ordered() -> None:
    """Going gently starts below stopping, and a rise is more than noise."""
    assert 0 < safety.GENTLY_FROM < safety.STOP_FROM <= 10
    assert safety.RISE >= 2
    assert safety.PERSISTENT_SESSIONS >= 2
