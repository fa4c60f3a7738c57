"""Reminders in words: the reminder and its buttons, the follow-up, snooze and skip."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.outlook import Outlook
from bot.core.parsing import format_time
from bot.features.reminder_notes import Nudge, Quick, Reminder, SkippedToday, Snoozed
from bot.telegram import callbacks
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.schedule import next_reminder
from bot.telegram.render.words import WORD_LATER, WORD_START, b, minutes, plural

__all__ = [
    "BUTTON_SKIP_TODAY",
    "BUTTON_START",
    "RENDERERS",
    "button_quick",
    "button_snooze",
    "nudge",
    "reminder",
    "reminder_keyboard",
    "short_minutes",
    "skipped_today",
    "snoozed",
]

BUTTON_START = "▶️ Start now"
BUTTON_SKIP_TODAY = "🚫 Skip today"


def button_quick(length: str) -> str:
    return f"⚡ Quick {length}"


def button_snooze(minutes: int) -> str:
    return f"⏰ In {minutes} min" if minutes < 60 else f"⏰ In {minutes // 60} h"


def short_minutes(seconds: float) -> str:
    """A length for a button: "2 min"."""
    return f"{max(1, round(seconds / 60))} min"


def reminder(routine_title: str, exercises: int, length: str, *, again: bool = False) -> str:
    opening = "⏰ Here's your reminder again!" if again else "⏰ Time to look after your back!"
    return (
        f"{opening}\n"
        f"{b(routine_title)} — {plural(exercises, 'exercise')}, {length}.\n"
        f"Reply {b(WORD_START)} when you're ready."
    )


def nudge(length: str) -> str:
    return (
        f"Still time for your stretch today? It takes {length}. "
        f"Reply {b(WORD_START)} when you're ready."
    )


def snoozed(local_due: dt.datetime, *, skip_undone: bool = False) -> str:
    at = format_time(local_due.time())
    if skip_undone:
        return f"⏰ OK — skip undone; I'll remind you at {at}."
    return f"⏰ OK — I'll remind you again at {at}."


def skipped_today(o: Outlook | None) -> str:
    text = "🚫 No more reminders today."
    upcoming = next_reminder(o) if o else None
    if upcoming:
        text += f" Next one {upcoming}."
    return f"{text} Changed your mind? Reply {b(WORD_LATER)} and I'll remind you in 15 minutes."


def reminder_keyboard(number: int, quick: Quick | None = None) -> InlineKeyboardMarkup:
    """Start now / Quick, the snoozes and Skip today; ``number`` names the reminder."""
    first = [InlineKeyboardButton(BUTTON_START, callback_data=callbacks.go())]
    if quick is not None:
        first.append(
            InlineKeyboardButton(
                button_quick(short_minutes(quick.seconds)),
                callback_data=callbacks.go(quick.routine_id),
            )
        )
    snoozes = [
        InlineKeyboardButton(button_snooze(m), callback_data=callbacks.snooze(m, number))
        for m in callbacks.SNOOZE_MINUTES
    ]
    skip = [InlineKeyboardButton(BUTTON_SKIP_TODAY, callback_data=callbacks.snooze(0, number))]
    return InlineKeyboardMarkup([first, snoozes, skip])


def _reminder(note: Reminder) -> Rendered:
    text = reminder(note.routine, note.exercises, minutes(note.seconds), again=note.again)
    return Rendered(text, reminder_keyboard(note.number, note.quick))


def _nudge(note: Nudge) -> Rendered:
    return Rendered(nudge(minutes(note.seconds)), reminder_keyboard(note.number, note.quick))


def _snoozed(note: Snoozed) -> Rendered:
    return Rendered(snoozed(note.until, skip_undone=note.skip_undone))


def _skipped(note: SkippedToday) -> Rendered:
    return Rendered(skipped_today(note.outlook))


RENDERERS: Renderers = {
    Reminder: _reminder,
    Nudge: _nudge,
    Snoozed: _snoozed,
    SkippedToday: _skipped,
}
