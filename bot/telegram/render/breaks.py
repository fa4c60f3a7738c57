"""Micro-breaks in words: /breaks and /workhours, the break prompt and its buttons, the answers
and "in a meeting"."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.breaks import BREAK_MINUTES
from bot.core.chat import BreakPlan
from bot.core.parsing import format_time
from bot.features.breaks import (
    LATER_MINUTES,
    Action,
    BreakExpired,
    BreakPrompt,
    BreakPut,
    BreaksNow,
    BreakTaken,
    Meeting,
)
from bot.telegram.break_callbacks import break_button
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.words import b, duration, plural

__all__ = [
    "BREAK_EXPIRED",
    "BUTTON_BREAK_DONE",
    "BUTTON_BREAK_LATER",
    "BUTTON_BREAK_START",
    "BUTTON_MEETING",
    "BUTTON_NOT_NOW",
    "RENDERERS",
    "WORD_MEETING",
    "breaks_line",
]

#: Typed outside a session: no breaks for an hour.
WORD_MEETING = "meeting"
BUTTON_BREAK_START = "▶️ Start the short break"
BUTTON_BREAK_DONE = "✅ Done"
BUTTON_BREAK_LATER = f"⏰ In {LATER_MINUTES} min"
BUTTON_NOT_NOW = "🙅 Not now"
BUTTON_MEETING = "📅 In a meeting"
BREAK_EXPIRED = "This break has ended: the next one comes at its time."


def breaks_line(plan: BreakPlan) -> str:
    """How breaks are set, in one line (/settings, /breaks)."""
    if plan.minutes is None:
        return "off"
    window = f"{format_time(plan.start)}–{format_time(plan.end)}"
    return f"every {plural(plan.minutes, 'minute')}, {window} on your reminder days"


def _when(at: dt.datetime, today: dt.date | None) -> str:
    """ "today at 10:45", "tomorrow at 09:45", else "Mon 09:45" (the chat's zone)."""
    if today is not None and at.date() == today:
        return f"today at {format_time(at.time())}"
    if today is not None and at.date() == today + dt.timedelta(days=1):
        return f"tomorrow at {format_time(at.time())}"
    return f"{at:%a %d %b} at {format_time(at.time())}"


def breaks_now(note: BreaksNow) -> str:
    plan = note.plan
    low, high = BREAK_MINUTES
    hours = f"{format_time(plan.start)}–{format_time(plan.end)}"
    if plan.minutes is None:
        lines = [
            f"{'Breaks are off.' if note.changed == 'breaks' else '☕ Micro-breaks: off.'}",
            f"Work hours: {hours}.",
            f"Turn them on with /breaks 45 (every {low} to {high} minutes): a short "
            "stretch at your desk during work hours.",
        ]
        return "\n".join(lines)
    lines = [f"☕ Micro-breaks: {breaks_line(plan)}."]
    if note.next_at is not None:
        lines.append(f"Next break: {_when(note.next_at, note.today)}.")
    else:
        lines.append("No break fits: the interval is longer than your work hours.")
    lines.append("Change with /breaks 60, /workhours 09:00-17:30, or /breaks off.")
    return "\n".join(lines)


def prompt_keyboard(number: int) -> InlineKeyboardMarkup:
    def button(text: str, action: Action) -> InlineKeyboardButton:
        return InlineKeyboardButton(text, callback_data=break_button(action, number))

    return InlineKeyboardMarkup(
        [
            [button(BUTTON_BREAK_START, Action.START)],
            [button(BUTTON_BREAK_DONE, Action.DONE), button(BUTTON_BREAK_LATER, Action.LATER)],
            [button(BUTTON_NOT_NOW, Action.NOT_NOW), button(BUTTON_MEETING, Action.MEETING)],
        ]
    )


def _prompt(note: BreakPrompt) -> Rendered:
    text = "\n".join(
        [
            f"☕ {b('Time for a short break')}",
            "Stand up or sit tall: two desk stretches for the front of your hips and your lower "
            f"back, about {duration(note.seconds)}. Stop if anything hurts.",
            f"Or just move on your own and press Done. Next break in about "
            f"{plural(note.minutes, 'minute')}.",
        ]
    )
    return Rendered(text, prompt_keyboard(note.number))


def _taken(note: BreakTaken) -> Rendered:
    return Rendered(f"✅ Break counted ({plural(note.taken, 'break')} taken). Back to work!")


def _put(note: BreakPut) -> Rendered:
    if note.action is Action.LATER:
        return Rendered(f"⏰ OK, I'll remind you in {LATER_MINUTES} minutes.")
    return Rendered("👍 OK, no break now. The next one comes at its time.")


def _meeting(note: Meeting) -> Rendered:
    if not note.breaks_on:
        return Rendered(
            "📅 Good luck with the meeting. (Breaks are off: /breaks 45 turns them on.)"
        )
    return Rendered(
        f"📅 No breaks during your meeting: the next comes after {format_time(note.until.time())}."
    )


RENDERERS: Renderers = {
    BreaksNow: lambda n: Rendered(breaks_now(n)),
    BreakPrompt: _prompt,
    BreakTaken: _taken,
    BreakPut: _put,
    Meeting: _meeting,
    BreakExpired: lambda _: Rendered(BREAK_EXPIRED),
}
