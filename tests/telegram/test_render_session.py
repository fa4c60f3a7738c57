"""A session's notes in words and buttons: the countdown's bar, the seconds left and the last
line that says what comes next; the buttons of holds, releases and the pain question."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.core.outlook import Outlook
from bot.core.session import Cue, CueKind
from bot.features.coaching import PainHigh
from bot.features.countdown import CountDone, Counting, CountOff, CountPaused
from bot.features.session_notes import Completed, CueNote, PainQuestion, Resumed
from bot.telegram import callbacks
from bot.telegram.render import Rendered
from bot.telegram.render.coaching import RENDERERS as COACHING
from bot.telegram.render.session import (
    RENDERERS,
    bar,
    final_text,
    paused_text,
    progress_text,
)

HOLD = Cue(CueKind.HOLD, 20, 0, label="Lean · left", seconds=20, key="r:0:1:0")
RELEASE = Cue(CueKind.RELEASE, 3, 0, label="Lean · left", seconds=20, key="r:0:1:0")
FOLLOW = Cue(CueKind.FOLLOW_UP, 10, 0, words="Lean <further> & breathe", seconds=30)
SESSION = 1_764_057_600_000


def render(note: object) -> Rendered:
    renderers = {**RENDERERS, **COACHING}
    return renderers[type(note)](note)  # type: ignore[index]


def button_data(rendered: Rendered) -> list[list[str]]:
    assert rendered.buttons is not None
    return [
        [str(button.callback_data) for button in row] for row in rendered.buttons.inline_keyboard
    ]


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


def test_paused_text_keeps_the_bar_and_says_paused() -> None:
    """A paused hold keeps its bar where it stopped and says so, with the seconds left."""
    assert paused_text("⏱ Hold for 20 seconds", 20, 7.2) == (
        "⏱ Hold for 20 seconds\n▓▓▓▓▓▓░░░░ ⏸ paused, 8 s left"
    )


def test_final_text_ends_with_what_comes_next() -> None:
    """A finished hold shows a full bar, a tick, and the follow-up."""
    assert final_text("⏱ Hold for 10 seconds", "Increase the stretch — 20 more seconds") == (
        "⏱ Hold for 10 seconds\n▓▓▓▓▓▓▓▓▓▓ ✓ → Increase the stretch — 20 more seconds"
    )
    assert final_text("⏱ Hold", None) == "⏱ Hold\n▓▓▓▓▓▓▓▓▓▓ ✓"


def test_a_hold_has_the_hurts_button_through_its_countdown_until_it_ends() -> None:
    """The hold message and its countdown updates carry "Stop — it hurts"; the paused mark
    keeps it unless the hold resumed elsewhere; the final edit and a cut hold drop it."""
    hold = CueNote(HOLD, SESSION)
    assert button_data(render(hold)) == [[callbacks.HURTS]]
    counting = render(Counting(hold, 20, 12))
    assert counting.text == "⏱ Hold for 20 seconds\n▓▓▓▓░░░░░░ 12 s"
    assert button_data(counting) == [[callbacks.HURTS]]
    assert render(CountPaused(hold, 20, 12, buttons=True)).buttons is not None
    assert render(CountPaused(hold, 20, 12, buttons=False)).buttons is None
    assert render(CountDone(hold, None)).buttons is None
    assert render(CountOff(hold)) == Rendered("⏱ Hold for 20 seconds")


def test_the_final_edit_names_the_next_cue_in_plain_words() -> None:
    """What comes next is the next cue's text without its markup, escaped again."""
    done = render(CountDone(CueNote(HOLD, SESSION), CueNote(FOLLOW, SESSION)))
    assert done.text.endswith("✓ → Lean &lt;further&gt; &amp; breathe — 10 more seconds")
    released = render(CountDone(CueNote(HOLD, SESSION), CueNote(RELEASE, SESSION)))
    assert released.text.endswith("✓ → Release.")


def test_an_adapting_release_has_feedback_buttons_naming_the_session() -> None:
    """Too easy / Just right / Too hard carry the side, its time in milliseconds and the
    session; a release without a key has none."""
    rendered = render(CueNote(RELEASE, SESSION))
    assert [callbacks.parse_feedback(data) for data in button_data(rendered)[0]] == [
        callbacks.FeedbackVote(vote, "r:0:1:0", 20_000, SESSION) for vote in ("e", "j", "h")
    ]
    assert render(CueNote(Cue(CueKind.RELEASE, 3, 0), SESSION)).buttons is None


def test_a_resumed_hold_has_the_hurts_button() -> None:
    """Resuming mid-hold says the seconds left, rounded up, with the button; between holds
    there is no button."""
    resumed = render(Resumed(14.2))
    assert resumed.text == "▶️ Resuming — hold for the remaining 15 seconds."
    assert button_data(resumed) == [[callbacks.HURTS]]
    assert render(Resumed(None)) == Rendered("▶️ Resuming.")


def test_completion_says_the_next_reminder_from_the_outlook() -> None:
    """“See you tomorrow at 09:00” comes from the outlook the feature computed; none when
    reminders are off."""
    now = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
    outlook = Outlook(
        times=(dt.time(9),),
        days=frozenset(range(7)),
        zone="UTC",
        local_now=now,
        on=True,
        paused_until=None,
        skipped_today=False,
        next=now + dt.timedelta(hours=23),
    )
    text = render(Completed("Quick", 200, 3, outlook)).text
    assert "complete in 3 min 20 s" in text
    assert "3 days in a row" in text
    assert text.endswith("See you tomorrow at 09:00.")
    off = render(Completed("Quick", 200, 3, None)).text
    assert "See you" not in off


def test_completion_adds_one_hold_figure_to_the_streak() -> None:
    """The streak line carries the figure ("3 days in a row · your … hold is up to 24 s");
    without a streak it is a line of its own; an unchanged hold "was"."""
    from bot.core.encouragement import HoldFigure

    grown = HoldFigure("Iliopsoas stretch · left", 24.0, 4.0)
    text = render(Completed("Quick", 200, 3, None, grown)).text
    assert "🔥 3 days in a row · your Iliopsoas stretch hold (left) is up to 24 s." in text
    first = render(Completed("Quick", 200, 1, None, HoldFigure("Bridge", 30.0, 0.0))).text
    assert first.endswith("start a streak.\n💪 Your Bridge hold was 30 s.")


def test_pain_question_and_gate_buttons() -> None:
    """0–10 in two rows with Skip last, for the session asked about; a high score's pause
    asks continue gently or stop for today, and its note alone has no buttons."""
    question = button_data(render(PainQuestion(SESSION, before=True)))
    assert [len(row) for row in question] == [6, 6]
    assert question[-1][-1] == callbacks.pain("b", None, SESSION)
    gate = button_data(render(PainHigh(8, False, paused=True, session=SESSION)))
    assert gate == [[callbacks.gate(True, SESSION), callbacks.gate(False, SESSION)]]
    assert render(PainHigh(8, False, paused=False, session=SESSION)).buttons is None


def test_a_step_with_a_picture_is_a_photo_captioned_with_the_step() -> None:
    """The cue carries the picture as data; the renderer makes it the photo and the escaped
    step its caption. A step without one, and a hold, stay text."""
    picture = Path("content/images/bridge.png")
    first = Cue(CueKind.STEP, 5, 3, words="Lie on your back & relax", picture=picture)
    assert render(CueNote(first, SESSION)) == Rendered(
        "Lie on your back &amp; relax", None, picture
    )
    plain_step = Cue(CueKind.STEP, 5, 3, words="Lift your hips")
    assert render(CueNote(plain_step, SESSION)).photo is None
    assert render(CueNote(HOLD, SESSION)).photo is None


def test_a_preview_lists_exercises_with_their_time_and_the_total() -> None:
    """Each exercise on its own line with its time; the total as "2 exercises · about N"."""
    from bot.core.preview import Preview, PreviewItem
    from bot.telegram.render.words import preview_lines, preview_total

    shown = Preview((PreviewItem("Bridge", 1, 45), PreviewItem("Clamshell", 2, 80)), 190)
    assert preview_lines(shown) == ["1. Bridge — 45 s", "2. Clamshell — 1 min 20 s, both sides"]
    assert preview_total(shown) == "2 exercises · about 3 minutes"
