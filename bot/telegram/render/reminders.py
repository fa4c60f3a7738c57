"""Reminders: the reminder itself, the follow-up, snooze and skip."""

from __future__ import annotations

import datetime as dt

from bot.core.outlook import Outlook
from bot.core.parsing import (
    format_time,
)
from bot.telegram.render.schedule import next_reminder
from bot.telegram.render.words import WORD_LATER, WORD_START, b, plural

# Reminders ----------------------------------------------------------------------------------


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
