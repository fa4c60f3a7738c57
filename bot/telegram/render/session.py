"""A guided session in words: its cues, pause and resume, the end."""

from __future__ import annotations

import math
from html import escape

from bot.core.session import Cue, CueKind
from bot.telegram.render.words import (
    WORD_PAUSE,
    WORD_RESUME,
    WORD_SKIP,
    WORD_START,
    WORD_STOP,
    b,
    count_seconds,
    minutes,
    plural,
)

# Guided session -----------------------------------------------------------------------------


def intro(routine_title: str, exercises: int, length: str) -> str:
    return (
        f"🧘 {b(routine_title)}\n"
        f"{plural(exercises, 'exercise')}, {length}. Go at your own pace and never into pain.\n"
        f"You can say {b(WORD_PAUSE)}, {b(WORD_SKIP)} or {b(WORD_STOP)} at any time."
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


def completed(routine_title: str, took: str, streak: int, next_when: str | None) -> str:
    text = f"✅ Well done — {b(routine_title)} complete in {took}."
    if streak == 1:
        text += "\n🔥 Day 1 — come back tomorrow to start a streak."
    elif streak > 1:
        text += f"\n🔥 {plural(streak, 'day')} in a row!"
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
    f"(next exercise) or {b(WORD_STOP)}."
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
