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
from bot.telegram.render import Rendered, Renderers, coaching
from bot.telegram.render.i18n import _, ngettext, translate_content
from bot.telegram.render.schedule import next_reminder
from bot.telegram.render.words import (
    WORD_AGAIN,
    WORD_PAUSE,
    WORD_START,
    WORD_STOP,
    b,
    count_seconds,
    duration,
    minutes,
    number,
    preview_lines,
    say,
    spoken,
)

# Guided session -----------------------------------------------------------------------------


def intro(routine_title: str, exercises: int, length: str, listing: Sequence[str] = ()) -> str:
    """The first message; ``listing``: the exercises with their times (the preview)."""
    about = ngettext(
        "{count} exercise, {length}. Go at your own pace and never into pain.",
        "{count} exercises, {length}. Go at your own pace and never into pain.",
        exercises,
    ).format(count=exercises, length=length)
    words = _("You can say {pause}, {skip} or {stop} at any time.").format(**spoken())
    title = b(translate_content(routine_title))
    return f"🧘 {title}\n{about}\n" + "".join(f"{line}\n" for line in listing) + words


def exercise_title(number: int, total: int, title: str, target: str, other_side: bool) -> str:
    said = b(translate_content(title))
    if other_side:
        return "↔️ " + _("{exercise} — other side").format(exercise=said)
    target_said = _("For {target}.").format(target=escape(translate_content(target)))
    return f"{number}/{total} · {said}\n<i>{target_said}</i>"


def step(text: str) -> str:
    return escape(translate_content(text))


def hold(seconds: float) -> str:
    return "⏱ " + _("Hold for {time}").format(time=count_seconds(seconds))


def follow_up(text: str, seconds: float) -> str:
    return f"{escape(translate_content(text))} — {count_seconds(seconds, more=True)}"


def release(*, switch: bool) -> str:
    return _("Release — now switch sides.") if switch else _("Release.")


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
    return release(switch=cue.switch)


def cue_text(said: Cue, preview: Preview | None = None) -> str:
    """A cue's message; the intro with its ``preview``, the exercises and their times."""
    if said.kind is CueKind.INTRO and preview is not None:
        return intro(said.words, said.total, minutes(said.length), preview_lines(preview))
    return cue(said)


def elapsed(seconds: float) -> str:
    """A measured duration: "5 min 40 s", "45 s"."""
    return duration(seconds)


def hold_figure(figure: HoldFigure) -> str:
    """ "your Bridge hold is up to 24 s", "your Clamshell hold (left) was 30 s"."""
    title, _sep, side = figure.label.partition(" · ")
    exercise = escape(translate_content(title))
    seconds = number(figure.seconds)
    if side:
        side_said = escape(coaching.side_word(side))
        if figure.gained > 0:
            return _("your {exercise} hold ({side}) is up to {seconds} s").format(
                exercise=exercise, side=side_said, seconds=seconds
            )
        return _("your {exercise} hold ({side}) was {seconds} s").format(
            exercise=exercise, side=side_said, seconds=seconds
        )
    if figure.gained > 0:
        return _("your {exercise} hold is up to {seconds} s").format(
            exercise=exercise, seconds=seconds
        )
    return _("your {exercise} hold was {seconds} s").format(exercise=exercise, seconds=seconds)


def completed(
    routine_title: str,
    took: str,
    streak: int,
    next_when: str | None,
    figure: HoldFigure | None = None,
) -> str:
    title = b(translate_content(routine_title))
    text = "✅ " + _("Well done — {routine} complete in {time}.").format(routine=title, time=took)
    said = hold_figure(figure) if figure else None
    if streak == 1:
        text += "\n🔥 " + _("Day 1 — come back tomorrow to start a streak.")
    elif streak > 1:
        days = ngettext("{count} day in a row", "{count} days in a row", streak).format(
            count=streak
        )
        text += f"\n🔥 {days}" + (f" · {said}." if said else "!")
        said = None
    if said:
        text += f"\n💪 {said[0].upper()}{said[1:]}."
    if next_when:
        text += "\n" + _("See you {when}.").format(when=next_when)
    return text


def partial(routine_title: str, next_when: str | None) -> str:
    """The end of a session that skipped most of its holds (bot.core.session's rule): no praise
    for a whole routine, no streak day, and no blame either."""
    text = "⏭ " + _(
        "That's the end of {routine} — with most of it skipped, it counts as a partial "
        "session, not a streak day. Reply {start} whenever you'd like to do it in full."
    ).format(routine=b(translate_content(routine_title)), start=b(say(WORD_START)))
    if next_when:
        text += "\n" + _("See you {when}.").format(when=next_when)
    return text


def session_stopped() -> str:
    return _("Session stopped. Reply {start} whenever you want to go again.").format(
        start=b(say(WORD_START))
    )


def paused() -> str:
    return "⏸ " + _("Paused. Say {resume} when you're ready, or {stop} to end here.").format(
        **spoken()
    )


def resumed(hold_left: float | None) -> str:
    """A hold resumed: the seconds left, rounded up as its countdown shows them."""
    if hold_left:
        left = count_seconds(math.ceil(hold_left - 1e-6))
        return "▶️ " + _("Resuming — hold for the remaining {time}.").format(time=left)
    return "▶️ " + _("Resuming.")


def already_paused() -> str:
    return _("Already paused — say {resume} to carry on or {stop} to end.").format(**spoken())


def not_paused() -> str:
    return _("We're not paused — carrying on.")


def already_running() -> str:
    return _("We're already in a session — say {pause}, {skip} or {stop}.").format(**spoken())


def session_hint() -> str:
    return _(
        "During a session you can say {pause}, {resume}, {skip} (next exercise), {again} "
        "(this step from the start), {repeat} (the exercise just done once more) or {stop}."
    ).format(**spoken())


def nothing_to_repeat() -> str:
    return _("No exercise is done yet — say {again} to start this step over, or carry on.").format(
        again=b(say(WORD_AGAIN))
    )


def no_session(word: str) -> str:
    """A session word with no session running; "stop" and "pause" probably mean reminders."""
    if word == WORD_STOP:
        return _("There's no session running. To turn reminders off, send /stop.")
    if word == WORD_PAUSE:
        return _("There's no session running. To pause reminders, send /pause 7 (days).")
    return _("There's no session running. Reply {start} to begin one.").format(
        start=b(say(WORD_START))
    )


def pause_expired() -> str:
    return _(
        "I've closed the paused session after a while without a word. "
        "Reply {start} to begin again."
    ).format(start=b(say(WORD_START)))


def interrupted() -> str:
    return _(
        "Sorry — I restarted and your session was cut short. Reply {start} to begin again."
    ).format(start=b(say(WORD_START)))


def stop_session_first() -> str:
    return _("Session stopped. Your reminders are still on — send /stop again to turn them off.")


# The live countdown -------------------------------------------------------------------------

BAR_CELLS = 10
_TAG = re.compile(r"<[^>]+>")


def bar(fraction: float) -> str:
    done = min(BAR_CELLS, max(0, round(fraction * BAR_CELLS)))
    return "▓" * done + "░" * (BAR_CELLS - done)


def progress_text(cue_text: str, hold: float, left: float) -> str:
    """The hold message while it counts down: its text, a bar and the seconds left."""
    seconds = max(1, math.ceil(left - 1e-6))
    return f"{cue_text}\n{bar(1 - left / hold)} " + _("{seconds} s").format(seconds=seconds)


def paused_text(cue_text: str, hold: float, left: float) -> str:
    """The hold message while the session is paused: the bar stops, marked paused."""
    seconds = max(1, math.ceil(left - 1e-6))
    left_said = _("paused, {seconds} s left").format(seconds=seconds)
    return f"{cue_text}\n{bar(1 - left / hold)} ⏸ {left_said}"


def final_text(cue_text: str, next_text: str | None) -> str:
    """The hold message once the hold is over, ending with what to do next."""
    ending = f" → {next_text}" if next_text else ""
    return f"{cue_text}\n{bar(1.0)} ✓{ending}"


# Notes and their buttons ---------------------------------------------------------------------


def _hurts_button() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(coaching.button_hurts(), callback_data=callbacks.HURTS)]]
    )


def cue_buttons(cue: Cue, session: int) -> InlineKeyboardMarkup | None:
    """A hold message's "Stop — it hurts" button; an adapting step's release gets the three
    feedback buttons, which name the session (they expire when the next one starts)."""
    if cue.is_hold:
        return _hurts_button()
    if cue.kind is CueKind.RELEASE and cue.key:
        votes = (
            (coaching.button_easy(), Feedback.EASY),
            (coaching.button_right(), Feedback.RIGHT),
            (coaching.button_hard(), Feedback.HARD),
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
    Paused: lambda _: Rendered(paused()),
    Counting: _counting,
    CountPaused: _count_paused,
    CountDone: _count_done,
    CountOff: _count_off,
    Completed: _completed,
    Partial: _partial,
    Stopped: lambda _: Rendered(session_stopped()),
    PauseExpired: lambda _: Rendered(pause_expired()),
    HurtStop: lambda _: Rendered(coaching.hurt_stop()),
    Interrupted: lambda _: Rendered(interrupted()),
}
