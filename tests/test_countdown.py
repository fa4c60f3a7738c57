"""The countdown's text: a bar that fills as the hold goes on, the seconds left, and a last
line that says what comes next."""

from __future__ import annotations

from bot.countdown import bar, final_text, progress_text


def test_bar_fills_up() -> None:
    """The bar has ten cells and fills in proportion, clamped at both ends."""
    assert bar(0) == "░" * 10
    assert bar(0.5) == "▓" * 5 + "░" * 5
    assert bar(1) == "▓" * 10
    assert bar(1.7) == "▓" * 10
    assert bar(-1) == "░" * 10


def test_progress_shows_seconds_left_rounded_up() -> None:
    """“7.2 s left” shows as 8 s, never 0 s while the hold is still running."""
    assert progress_text("⏱ Hold for 20 seconds", 20, 7.2) == (
        "⏱ Hold for 20 seconds\n▓▓▓▓▓▓░░░░ 8 s"
    )
    assert progress_text("⏱ Hold", 20, 0.1).endswith(" 1 s")


def test_final_text_ends_with_what_comes_next() -> None:
    """A finished hold shows a full bar, a tick, and the follow-up."""
    assert final_text("⏱ Hold for 10 seconds", "Increase the stretch — 20 more seconds") == (
        "⏱ Hold for 10 seconds\n▓▓▓▓▓▓▓▓▓▓ ✓ → Increase the stretch — 20 more seconds"
    )
    assert final_text("⏱ Hold", None) == "⏱ Hold\n▓▓▓▓▓▓▓▓▓▓ ✓"
