"""A guided session in words: its cues and their buttons, the live countdown, pause and resume,
the end (the notes of ``bot.features.session_notes`` and ``bot.features.countdown``)."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.encouragement import HoldFigure
from bot.core.preview import Preview
from bot.core.progression import Feedback, milliseconds
from bot.core.session import Cue, CueKind
from bot.features.countdown import CountDone, Counting, CountOff, CountPaused
from bot.features.session_notes import (
    Completed,
    CueNote,
    HurtStop,
    Interrupted,
    Partial,
    Paused,
    PauseExpired,
    Resumed,
    Stopped,
)
from bot.ports import Note
from bot.telegram import callbacks
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.coaching import (
    BUTTON_EASY,
    BUTTON_HARD,
    BUTTON_HURTS,
    BUTTON_RIGHT,
    HURT_STOP,
)
from bot.telegram.render.schedule import next_reminder
from bot.telegram.render.words import (
    WORD_AGAIN,
    WORD_PAUSE,
    WORD_REPEAT,
    WORD_RESUME,
    WORD_SKIP,
    WORD_START,
    WORD_STOP,
    b,
    count_seconds,
    minutes,
    plural,
    preview_lines,
)

# Guided session -----------------------------------------------------------------------------


def intro(routine_title: str, exercises: int, length: str, listing: Sequence[str] = ()) -> str:
    """The first message; ``listing``: the exercises with their times (the preview)."""
    return (
        f"🧘 {b(routine_title)}\n"
        f"{plural(exercises, 'exercise')}, {length}. Go at your own pace and never into pain.\n"
        + "".join(f"{line}\n" for line in listing)
        + f"You can say {b(WORD_PAUSE)}, {b(WORD_SKIP)} or {b(WORD_STOP)} at any time."
    )


def exercise_title(number: int, total: int, title: str, target: str, other_side: bool) -> str:
    if other_side:
        return f"↔️ {b(title)} — other side"
    return f"{number}/{total} · {b(title)}\n<i>For {escape(target)}.</i>"


def step(text: str) -> str:
    return escape(text)


def hold(seconds: float) -> str:
    return f"⏱ Hold for {count_seconds(seconds)}"


def follow_up(text: str, seconds: float) -> str:
    return f"{escape(text)} — {count_seconds(seconds, more=True)}"


RELEASE = "Release."
RELEASE_SWITCH = "Release — now switch sides."


def cue(cue: Cue) -> str:
    """A session cue as the message that says it."""
    if cue.kind is CueKind.INTRO:
        return intro(cue.words, cue.total, minutes(cue.length))
    if cue.kind is CueKind.TITLE:
        return exercise_title(cue.number, cue.total, cue.words, cue.target, cue.other_side)
    if cue.kind is CueKind.STEP:
        return step(cue.words)
    if cue.kind is CueKind.HOLD:
        return hold(cue.wait)
    if cue.kind is CueKind.FOLLOW_UP:
        return follow_up(cue.words, cue.wait)
    return RELEASE_SWITCH if cue.switch else RELEASE


def cue_text(said: Cue, preview: Preview | None = None) -> str:
    """A cue's message; the intro with its ``preview``, the exercises and their times."""
    if said.kind is CueKind.INTRO and preview is not None:
        return intro(said.words, said.total, minutes(said.length), preview_lines(preview))
    return cue(said)


def elapsed(seconds: float) -> str:
    """A measured duration: "5 min 40 s", "45 s"."""
    whole = round(seconds)
    mins, secs = divmod(whole, 60)
    if not mins:
        return f"{secs} s"
    return f"{mins} min {secs} s" if secs else f"{mins} min"


def hold_figure(figure: HoldFigure) -> str:
    """ "your Bridge hold is up to 24 s", "your Clamshell hold (left) was 30 s"."""
    title, _, side = figure.label.partition(" · ")
    where = f"your {escape(title)} hold" + (f" ({escape(side)})" if side else "")
    verb = "is up to" if figure.gained > 0 else "was"
    return f"{where} {verb} {figure.seconds:g} s"


def completed(
    routine_title: str,
    took: str,
    streak: int,
    next_when: str | None,
    figure: HoldFigure | None = None,
) -> str:
    text = f"✅ Well done — {b(routine_title)} complete in {took}."
    said = hold_figure(figure) if figure else None
    if streak == 1:
        text += "\n🔥 Day 1 — come back tomorrow to start a streak."
    elif streak > 1:
        text += f"\n🔥 {plural(streak, 'day')} in a row"
        text += f" · {said}." if said else "!"
        said = None
    if said:
        text += f"\n💪 {said[0].upper()}{said[1:]}."
    if next_when:
        text += f"\nSee you {next_when}."
    return text


def partial(routine_title: str, next_when: str | None) -> str:
    """The end of a session that skipped most of its holds (bot.core.session's rule): no praise
    for a whole routine, no streak day, and no blame either."""
    text = (
        f"⏭ That's the end of {b(routine_title)} — with most of it skipped, it counts as a "
        f"partial session, not a streak day. Reply {b(WORD_START)} whenever you'd like to do "
        "it in full."
    )
    if next_when:
        text += f"\nSee you {next_when}."
    return text


SESSION_STOPPED = f"Session stopped. Reply {b(WORD_START)} whenever you want to go again."
PAUSED = f"⏸ Paused. Say {b(WORD_RESUME)} when you're ready, or {b(WORD_STOP)} to end here."


def resumed(hold_left: float | None) -> str:
    """A hold resumed: the seconds left, rounded up as its countdown shows them."""
    if hold_left:
        return f"▶️ Resuming — hold for the remaining {count_seconds(math.ceil(hold_left - 1e-6))}."
    return "▶️ Resuming."


ALREADY_PAUSED = f"Already paused — say {b(WORD_RESUME)} to carry on or {b(WORD_STOP)} to end."
NOT_PAUSED = "We're not paused — carrying on."
ALREADY_RUNNING = (
    f"We're already in a session — say {b(WORD_PAUSE)}, {b(WORD_SKIP)} or {b(WORD_STOP)}."
)
SESSION_HINT = (
    f"During a session you can say {b(WORD_PAUSE)}, {b(WORD_RESUME)}, {b(WORD_SKIP)} "
    f"(next exercise), {b(WORD_AGAIN)} (this step from the start), {b(WORD_REPEAT)} "
    f"(the exercise just done once more) or {b(WORD_STOP)}."
)
NOTHING_TO_REPEAT = (
    f"No exercise is done yet — say {b(WORD_AGAIN)} to start this step over, or carry on."
)


def no_session(word: str) -> str:
    """A session word with no session running; "stop" and "pause" probably mean reminders."""
    text = "There's no session running."
    if word == WORD_STOP:
        return f"{text} To turn reminders off, send /stop."
    if word == WORD_PAUSE:
        return f"{text} To pause reminders, send /pause 7 (days)."
    return f"{text} Reply {b(WORD_START)} to begin one."


PAUSE_EXPIRED = (
    f"I've closed the paused session after a while without a word. "
    f"Reply {b(WORD_START)} to begin again."
)
INTERRUPTED = (
    f"Sorry — I restarted and your session was cut short. Reply {b(WORD_START)} to begin again."
)
STOP_SESSION_FIRST = (
    "Session stopped. Your reminders are still on — send /stop again to turn them off."
)


# The live countdown -------------------------------------------------------------------------

BAR_CELLS = 10
_TAG = re.compile(r"<[^>]+>")


def bar(fraction: float) -> str:
    done = min(BAR_CELLS, max(0, round(fraction * BAR_CELLS)))
    return "▓" * done + "░" * (BAR_CELLS - done)


def progress_text(cue_text: str, hold: float, left: float) -> str:
    """The hold message while it counts down: its text, a bar and the seconds left."""
    seconds = max(1, math.ceil(left - 1e-6))
    return f"{cue_text}\n{bar(1 - left / hold)} {seconds} s"


def paused_text(cue_text: str, hold: float, left: float) -> str:
    """The hold message while the session is paused: the bar stops, marked paused."""
    seconds = max(1, math.ceil(left - 1e-6))
    return f"{cue_text}\n{bar(1 - left / hold)} ⏸ paused, {seconds} s left"


def final_text(cue_text: str, next_text: str | None) -> str:
    """The hold message once the hold is over, ending with what to do next."""
    ending = f" → {next_text}" if next_text else ""
    return f"{cue_text}\n{bar(1.0)} ✓{ending}"


# Notes and their buttons ---------------------------------------------------------------------


def _hurts_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(BUTTON_HURTS, callback_data=callbacks.HURTS)]]
    )


def cue_buttons(cue: Cue, session: int) -> InlineKeyboardMarkup | None:
    """A hold message's "Stop — it hurts" button; an adapting step's release gets the three
    feedback buttons, which name the session (they expire when the next one starts)."""
    if cue.is_hold:
        return _hurts_button()
    if cue.kind is CueKind.RELEASE and cue.key:
        votes = (
            (BUTTON_EASY, Feedback.EASY),
            (BUTTON_RIGHT, Feedback.RIGHT),
            (BUTTON_HARD, Feedback.HARD),
        )
        used = milliseconds(cue.seconds)
        return InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(
                        label, callback_data=callbacks.feedback(vote, cue.key, used, session)
                    )
                    for label, vote in votes
                ]
            ]
        )
    return None


def _cue_note(note: CueNote) -> Rendered:
    """An exercise's first step comes as its picture, the step the caption; the intro lists
    the exercises (its preview)."""
    text = cue_text(note.cue, note.preview)
    return Rendered(text, cue_buttons(note.cue, note.session), note.cue.picture)


def _resumed(note: Resumed) -> Rendered:
    return Rendered(resumed(note.left), _hurts_button() if note.left else None)


#: The messages a countdown edits.
_HOLD_MESSAGES: dict[type[Note], Callable[[Any], Rendered]] = {
    CueNote: _cue_note,
    Resumed: _resumed,
}


def _hold_message(note: Note) -> Rendered:
    return _HOLD_MESSAGES[type(note)](note)


def _plain(markup: str) -> str:
    return html.unescape(_TAG.sub("", markup))


def _counting(note: Counting) -> Rendered:
    message = _hold_message(note.message)
    return Rendered(progress_text(message.text, note.hold, note.left), message.buttons)


def _count_paused(note: CountPaused) -> Rendered:
    message = _hold_message(note.message)
    text = paused_text(message.text, note.hold, note.left)
    return Rendered(text, message.buttons if note.buttons else None)


def _count_done(note: CountDone) -> Rendered:
    after = escape(_plain(_hold_message(note.next).text)) if note.next else None
    return Rendered(final_text(_hold_message(note.message).text, after))


def _count_off(note: CountOff) -> Rendered:
    return Rendered(_hold_message(note.message).text)


def _completed(note: Completed) -> Rendered:
    upcoming = next_reminder(note.outlook) if note.outlook else None
    took = elapsed(note.took)
    return Rendered(completed(note.routine_title, took, note.streak, upcoming, note.figure))


def _partial(note: Partial) -> Rendered:
    upcoming = next_reminder(note.outlook) if note.outlook else None
    return Rendered(partial(note.routine_title, upcoming))


RENDERERS: Renderers = {
    CueNote: _cue_note,
    Resumed: _resumed,
    Paused: lambda _: Rendered(PAUSED),
    Counting: _counting,
    CountPaused: _count_paused,
    CountDone: _count_done,
    CountOff: _count_off,
    Completed: _completed,
    Partial: _partial,
    Stopped: lambda _: Rendered(SESSION_STOPPED),
    PauseExpired: lambda _: Rendered(PAUSE_EXPIRED),
    HurtStop: lambda _: Rendered(HURT_STOP),
    Interrupted: lambda _: Rendered(INTERRUPTED),
}
