"""Reminders in words: the reminder and its buttons, the follow-up, snooze and skip."""

from __future__ import annotations

import datetime as dt

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.outlook import Outlook
from bot.core.parsing import format_time
from bot.features.reminder_notes import Nudge, Quick, Reminder, SkippedToday, Snoozed
from bot.telegram import callbacks
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.i18n import _, ngettext, translate_content
from bot.telegram.render.schedule import next_reminder
from bot.telegram.render.words import WORD_LATER, WORD_START, b, minutes, say

__all__ = [
    "RENDERERS",
    "button_quick",
    "button_skip_today",
    "button_snooze",
    "button_start",
    "nudge",
    "reminder",
    "reminder_keyboard",
    "short_minutes",
    "skipped_today",
    "snoozed",
]


def button_start() -> str:
    return "▶️ " + _("Start now")


def button_skip_today() -> str:
    return "🚫 " + _("Skip today")


def button_quick(length: str) -> str:
    return "⚡ " + _("Quick {length}").format(length=length)


def button_snooze(minutes: int) -> str:
    if minutes < 60:
        return "⏰ " + _("In {minutes} min").format(minutes=minutes)
    return "⏰ " + _("In {hours} h").format(hours=minutes // 60)


def short_minutes(seconds: float) -> str:
    """A length for a button: "2 min"."""
    return _("{minutes} min").format(minutes=max(1, round(seconds / 60)))


def reminder(routine_title: str, exercises: int, length: str, *, again: bool = False) -> str:
    if again:
        opening = "⏰ " + _("Here's your reminder again!")
    else:
        opening = "⏰ " + _("Time to look after your back!")
    about = ngettext(
        "{routine} — {count} exercise, {length}.",
        "{routine} — {count} exercises, {length}.",
        exercises,
    ).format(routine=b(translate_content(routine_title)), count=exercises, length=length)
    ready = _("Reply {start} when you're ready.").format(start=b(say(WORD_START)))
    return f"{opening}\n{about}\n{ready}"


def nudge(length: str) -> str:
    return _(
        "Still time for your stretch today? It takes {length}. Reply {start} when you're ready."
    ).format(length=length, start=b(say(WORD_START)))


def snoozed(local_due: dt.datetime, *, skip_undone: bool = False) -> str:
    at = format_time(local_due.time())
    if skip_undone:
        return "⏰ " + _("OK — skip undone; I'll remind you at {time}.").format(time=at)
    return "⏰ " + _("OK — I'll remind you again at {time}.").format(time=at)


def skipped_today(o: Outlook | None) -> str:
    upcoming = next_reminder(o) if o else None
    later = _("Changed your mind? Reply {later} and I'll remind you in 15 minutes.").format(
        later=b(say(WORD_LATER))
    )
    if upcoming:
        text = _("No more reminders today. Next one {when}.").format(when=upcoming)
    else:
        text = _("No more reminders today.")
    return f"🚫 {text} {later}"


def reminder_keyboard(number: int, quick: Quick | None = None) -> InlineKeyboardMarkup:
    """Start now / Quick, the snoozes and Skip today; ``number`` names the reminder."""
    first = [InlineKeyboardButton(button_start(), callback_data=callbacks.go())]
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
    skip = [InlineKeyboardButton(button_skip_today(), callback_data=callbacks.snooze(0, number))]
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
