"""Coaching: the pain check and its safety notes, "it hurts", feedback on holds, own
routines, and the holds and pain in /stats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.safety import PERSISTENT_SESSIONS
from bot.features.coaching import (
    HurtNote,
    PainGently,
    PainHigh,
    PainRose,
    PainStillHigh,
    StoppedForToday,
)
from bot.features.session_notes import PainQuestion
from bot.telegram import callbacks
from bot.telegram.fitting import MAX_MESSAGE
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.words import WORD_START, b, count_seconds

# Coaching: progression, pain check, "it hurts", own routines, CSV report (issue 7) -----------

WORD_HURTS = "it hurts"
#: Said during a session, each stops it at once as "it hurts" does.
HURT_WORDS = (WORD_HURTS, "hurts", "it hurts a lot", "ouch", "ow")
BUTTON_EASY = "😌 Too easy"
BUTTON_RIGHT = "👌 Just right"
BUTTON_HARD = "😣 Too hard"
BUTTON_HURTS = "🛑 Stop — it hurts"
BUTTON_PAIN_SKIP = "Skip"
PAIN_BEFORE = "How is your back right now, 0–10? (0 = no pain; tap one, or just carry on)"
PAIN_AFTER = "And now — how is your back, 0–10?"
HURT_STOP = (
    "🛑 Stopped. Don't push through pain: ease out of the position slowly and rest. "
    "I won't make that exercise longer next time. If the pain persists or comes back, "
    "please see a medical practitioner."
)
SAFETY_NOTE = (
    "Don't push through pain. If the pain persists or is severe, please see a medical "
    "practitioner."
)
#: "it hurts" with no session running, or an old hold's "Stop — it hurts" button.
HURT_NOTE = f"🛑 Stop and ease out of any position slowly, then rest. {SAFETY_NOTE}"
BUTTON_CONTINUE_GENTLY = "🐢 Continue gently"
BUTTON_STOP_TODAY = "🛑 Stop for today"
PAIN_GENTLY = (
    "🟡 Go gently today: ease into each stretch, stay short of pain, and stop if it hurts."
)
PAIN_PERSISTENT = (
    f"Your back has been sore before your last {PERSISTENT_SESSIONS} sessions. Please see a "
    "medical practitioner (your GP or a physiotherapist) before carrying on with these "
    "exercises."
)
STOPPED_FOR_TODAY = (
    f"🛑 Stopped for today. Rest and move gently. {SAFETY_NOTE} "
    f"Reply {b(WORD_START)} whenever you feel ready."
)


def pain_high(score: int, persistent: bool, *, paused: bool) -> str:
    """A high score before a session: paused (with the question of its buttons), or, if the
    session has already ended, the safety note alone."""
    too_much = f"{score} out of 10 is a lot of pain to stretch with. {SAFETY_NOTE}"
    if paused:
        lines = [f"⏸ I've paused the routine: {too_much}", "Continue gently, or stop for today?"]
    else:
        lines = [f"🔴 {too_much}"]
    if persistent:
        lines.append(PAIN_PERSISTENT)
    return "\n".join(lines)


def gate_answered(question: str, go_on: bool) -> str:
    return f"{question}\n— {'continuing gently' if go_on else 'stopped for today'}"


def pain_rose(before: int, after: int) -> str:
    return (
        f"Your back feels worse than before the session ({before} → {after}). Rest today, and "
        f"go gentler next time. {SAFETY_NOTE}"
    )


PAIN_STILL_HIGH = f"Sorry your back is sore. Rest today. {SAFETY_NOTE}"
PAIN_ON = "I'll ask how your back is before and after each session. /pain off stops that."
PAIN_OFF = "I won't ask about pain any more. /pain on brings the question back."
PAIN_USAGE = "Use /pain on or /pain off."
SOUND_ON = (
    "🔔 The end of each hold — release, switch sides, the next exercise — now comes with a "
    "notification, for when your phone is out of reach. /sound off makes it quiet again."
)
SOUND_OFF = "🔕 Session messages come quietly again. /sound on rings at the end of each hold."
SOUND_USAGE = "Use /sound on or /sound off."


def pain_answered(question: str, value: int | None) -> str:
    return f"{question} — {value}" if value is not None else f"{question} — skipped"


def feedback_noted(
    label: str, before: float, after: float, *, hurt: bool = False, limit: str = ""
) -> str:
    """The answer to a feedback button, shown on the release message; ``limit`` is "most"
    or "least" when the vote asked to go past the stretch's bounds."""
    if hurt:
        return f"Noted — it hurt, so {escape(label)} stays at {count_seconds(after)} next time."
    if limit:
        return f"Noted — {escape(label)}: {after:g} s is the {limit} this stretch goes to."
    if after > before:
        return f"Noted — {escape(label)}: {count_seconds(after)} next time."
    if after < before:
        return f"Noted — {escape(label)}: down to {count_seconds(after)} next time."
    return f"Noted — {escape(label)} stays at {count_seconds(after)}."


def holds_summary(
    routines: Mapping[str, Sequence[tuple[str, Sequence[tuple[str, float, bool]]]]],
) -> str:
    """/stats: per routine, each adapting exercise's time per side (side, seconds, whether it
    had feedback), and which side is tighter — only when both sides had feedback: a side with
    none is unknown, not tighter. Routine titles are shown when there are several."""
    shown = {routine: rows for routine, rows in routines.items() if rows}
    lines = ["<b>Your holds</b>"]
    for routine, rows in shown.items():
        if len(shown) > 1:
            lines.append(f"<i>{escape(routine)}</i>")
        for title, sides in rows:
            per_side = " · ".join(
                f"{side} {seconds:g} s" if side else f"{seconds:g} s" for side, seconds, _ in sides
            )
            line = f"{escape(title)}: {per_side}"
            known = len(sides) == 2 and all(adapted for _, _, adapted in sides)
            if known and sides[0][1] != sides[1][1]:
                (side_a, a, _), (side_b, other, _) = sides
                tighter = side_a if a < other else side_b
                low, high = min(a, other), max(a, other)
                line += f" — your {tighter} side is tighter ({low:g} s vs {high:g} s)"
            lines.append(line)
    return "\n".join(lines)


def pain_trend(weeks: Sequence[tuple[dt.date, float | None, float | None]]) -> str:
    """/stats: the weekly average pain before → after sessions."""
    lines = ["<b>Back pain</b> (0–10, weekly average, before → after)"]
    for monday, before, after in weeks:
        shown = [f"{value:.1f}" if value is not None else "–" for value in (before, after)]
        lines.append(f"w/c {monday:%d %b}: {shown[0]} → {shown[1]}")
    return "\n".join(lines)


UPLOAD_NOT_TOML = (
    "Send your routine as a .toml file — the format is in the README, with an example."
)
UPLOAD_FAILED = "Sorry, I couldn't download that file. Please send it again in a moment."


def upload_rejected(problems: Sequence[str]) -> str:
    """Every problem with an upload, as many as one message holds, then "… and N more"."""
    head = "I couldn't use that routine — nothing was saved:"
    room = MAX_MESSAGE - len(head) - len(f"\n… and {len(problems)} more")
    lines = []
    for problem in problems:
        line = f"• {problem}"
        room -= 1 + len(line)
        if room < 0:
            break
        lines.append(escape(line))
    if len(lines) < len(problems):
        lines.append(f"… and {len(problems) - len(lines)} more")
    return "\n".join([head, *lines])


def upload_accepted(title: str, routine_id: str) -> str:
    return (
        f"✅ Saved {b(title)} as your own routine. Only you can see it. "
        f"Start it with /go {escape(routine_id)}, or pick it in /routine."
    )


# Notes and their buttons ---------------------------------------------------------------------


def pain_buttons(session: int, *, before: bool) -> InlineKeyboardMarkup:
    """0–10 in two rows, Skip at the end of the second."""
    when = "b" if before else "a"
    rows = [
        [
            InlineKeyboardButton(str(value), callback_data=callbacks.pain(when, value, session))
            for value in row
        ]
        for row in callbacks.PAIN_ROWS
    ]
    skip = callbacks.pain(when, None, session)
    rows[-1].append(InlineKeyboardButton(BUTTON_PAIN_SKIP, callback_data=skip))
    return InlineKeyboardMarkup(rows)


def _pain_question(note: PainQuestion) -> Rendered:
    question = PAIN_BEFORE if note.before else PAIN_AFTER
    return Rendered(question, pain_buttons(note.session, before=note.before))


def _pain_high(note: PainHigh) -> Rendered:
    text = pain_high(note.score, note.persistent, paused=note.paused)
    if not note.paused:
        return Rendered(text)
    buttons = [
        InlineKeyboardButton(
            BUTTON_CONTINUE_GENTLY, callback_data=callbacks.gate(True, note.session)
        ),
        InlineKeyboardButton(BUTTON_STOP_TODAY, callback_data=callbacks.gate(False, note.session)),
    ]
    return Rendered(text, InlineKeyboardMarkup([buttons]))


RENDERERS: Renderers = {
    PainQuestion: _pain_question,
    PainHigh: _pain_high,
    HurtNote: lambda _: Rendered(HURT_NOTE),
    PainGently: lambda _: Rendered(PAIN_GENTLY),
    PainRose: lambda note: Rendered(pain_rose(note.before, note.after)),
    PainStillHigh: lambda _: Rendered(PAIN_STILL_HIGH),
    StoppedForToday: lambda _: Rendered(STOPPED_FOR_TODAY),
}
