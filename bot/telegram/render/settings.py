"""The /settings keyboard: its screens, buttons and short answers to a tap."""

from __future__ import annotations

from html import escape

from bot.core.outlook import Outlook
from bot.core.parsing import (
    DAY_NAMES,
    format_time,
)
from bot.telegram.render.schedule import after_minutes, schedule
from bot.telegram.render.words import plural

# The settings keyboard
BUTTON_TIME = "🕘 Time"
BUTTON_DAYS = "📅 Days"
BUTTON_ROUTINE = "🧘 Routine"
BUTTON_PAUSE = "⏸ Pause"
BUTTON_RESUME = "▶️ Resume reminders"
BUTTON_BACK = "« Back"
BUTTON_EVERY_DAY = "Every day"
BUTTON_WEEKDAYS = "Mon–Fri"
PICK_HOUR = "🕘 Pick the hour for your daily reminder (your local time):"
ONE_TIME_NOTE = "This replaces your reminder times ({times}). For several a day use /time."
PICK_DAYS = "📅 Tap a day to turn its reminders on or off:"
KEEP_ONE_DAY = "Keep at least one day — or use Pause instead."
PICK_PAUSE = "⏸ Pause reminders for how long?"


def pick_minute(hour: int) -> str:
    return f"🕘 {hour:02d}:__ — and the minutes?"


def day_button(day: int, on: bool) -> str:
    return f"{'✅' if on else '▫️'} {DAY_NAMES[day]}"


def pause_button(days: int) -> str:
    return plural(days, "day") if days % 7 else plural(days // 7, "week")


def settings(o: Outlook, follow: int | None, routine_title: str, routine_length: str) -> str:
    lines = [
        "⚙️ <b>Settings</b>",
        f"Reminders: {schedule(o)}",
        f"Time zone: {escape(o.zone)} (it's {format_time(o.local_now.time())} there)",
    ]
    lines += [
        f"Routine: {escape(routine_title)} ({routine_length})",
        f"Follow-up if a reminder goes unanswered: {after_minutes(follow) if follow else 'off'}",
        "",
        "Change them with the buttons, or /time, /timezone, /days, /pause, /nudge, /routine.",
    ]
    return "\n".join(lines)
