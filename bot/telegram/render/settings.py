"""The /settings keyboard and /routine: the screens, their buttons and short answers to a tap.

Every button's data comes from the callback codec (:func:`bot.telegram.callbacks.setting`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.chat import BreakPlan
from bot.core.outlook import Outlook
from bot.core.parsing import (
    DAY_NAMES,
    format_time,
)
from bot.core.preview import Preview
from bot.features import settings_menu as menu
from bot.telegram import callbacks
from bot.telegram.callbacks import setting
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.breaks import breaks_line
from bot.telegram.render.schedule import (
    after_minutes,
    day,
    next_reminder,
    schedule,
    unknown_routine,
)
from bot.telegram.render.words import (
    b,
    minutes,
    plural,
    preview_lines,
    preview_total,
    times_list,
)

# The settings keyboard
BUTTON_TIME = "🕘 Time"
BUTTON_DAYS = "📅 Days"
BUTTON_ZONE = "🌍 Time zone"
BUTTON_ROUTINE = "🧘 Routine"
BUTTON_PAUSE = "⏸ Pause"
BUTTON_RESUME = "▶️ Resume reminders"
BUTTON_SOUND_ON = "🔔 Sound on"
BUTTON_SOUND_OFF = "🔕 Sound off"
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


def settings(
    o: Outlook,
    follow: int | None,
    routine_title: str,
    routine_length: str,
    sound: bool = False,
    breaks: BreakPlan | None = None,
) -> str:
    lines = [
        "⚙️ <b>Settings</b>",
        f"Reminders: {schedule(o)}",
        f"Time zone: {escape(o.zone)} (it's {format_time(o.local_now.time())} there)",
    ]
    lines += [
        f"Routine: {escape(routine_title)} ({routine_length})",
        f"Follow-up if a reminder goes unanswered: {after_minutes(follow) if follow else 'off'}",
        f"Sound when a hold ends: {'on' if sound else 'off'}",
        f"Micro-breaks: {breaks_line(breaks or BreakPlan())}",
        "",
        "Change them with the buttons, or /time, /timezone, /days, /pause, /nudge, /routine, "
        "/sound, /breaks, /workhours.",
    ]
    return "\n".join(lines)


# A tap's short answers (toasts).


def resumed_note(o: Outlook) -> str:
    return f"Next: {next_reminder(o) or '—'}"


def paused_note(until: dt.date) -> str:
    return f"Paused until {day(until)}"


def time_note(at: dt.time) -> str:
    return f"Daily reminder at {format_time(at)}"


def routines_list(entries: Sequence[tuple[str, str, str, bool]]) -> str:
    """entries: (id, title, length, is the chat's routine)."""
    lines = ["🧘 <b>Routines</b>"]
    for routine_id, title, length, current in entries:
        if current:
            how = "✓ your reminders offer this one; /go starts it now"
        else:
            name = escape(routine_id)
            how = f"/go {name} starts it now; /routine {name} makes it yours"
        lines.append(f"• {b(title)} — {length}\n  {how}")
    lines.append("\nOr tap the one your reminders should offer:")
    return "\n".join(lines)


def routine_set(title: str, preview: Preview | None = None) -> str:
    text = f"Done ✅ Your reminders now offer {b(title)}."
    if preview is not None:
        text += "\n" + "\n".join([*preview_lines(preview), preview_total(preview)])
    return text


# Screens ----------------------------------------------------------------------------------

Button = InlineKeyboardButton
Markup = InlineKeyboardMarkup


def _back() -> list[Button]:
    return [Button(BUTTON_BACK, callback_data=setting())]


def _main(note: menu.SettingsScreen) -> Rendered:
    text = settings(
        note.schedule,
        note.nudge_minutes,
        note.routine_title,
        minutes(note.routine_seconds),
        note.sound,
        note.breaks,
    )
    sound = (
        Button(BUTTON_SOUND_OFF, callback_data=setting("sound", "off"))
        if note.sound
        else Button(BUTTON_SOUND_ON, callback_data=setting("sound", "on"))
    )
    pause = (
        Button(BUTTON_RESUME, callback_data=setting("resume"))
        if note.schedule.paused_until is not None
        else Button(BUTTON_PAUSE, callback_data=setting("pause"))
    )
    return Rendered(
        text,
        Markup(
            [
                [
                    Button(BUTTON_TIME, callback_data=setting("time")),
                    Button(BUTTON_DAYS, callback_data=setting("days")),
                ],
                [Button(BUTTON_ROUTINE, callback_data=setting("routine")), pause],
                [Button(BUTTON_ZONE, callback_data=setting("zone")), sound],
            ]
        ),
    )


def _hours(note: menu.HourScreen) -> Rendered:
    rows = [
        [
            Button(f"{hour:02d}", callback_data=setting("hour", f"{hour:02d}"))
            for hour in range(row, row + 6)
        ]
        for row in range(0, 24, 6)
    ]
    text = PICK_HOUR
    if len(note.times) > 1:
        text += "\n" + ONE_TIME_NOTE.format(times=times_list(note.times))
    return Rendered(text, Markup([*rows, _back()]))


def _minutes(note: menu.MinuteScreen) -> Rendered:
    hour = note.hour
    row = [
        Button(f"{hour:02d}:{minute:02d}", callback_data=setting("at", f"{hour:02d}{minute:02d}"))
        for minute in (0, 15, 30, 45)
    ]
    return Rendered(pick_minute(hour), Markup([row, [Button("«", callback_data=setting("time"))]]))


def _days(note: menu.DaysScreen) -> Rendered:
    toggles = [
        Button(day_button(day, day in note.days), callback_data=setting("day", str(day)))
        for day in range(7)
    ]
    presets = [
        Button(BUTTON_EVERY_DAY, callback_data=setting("day", "all")),
        Button(BUTTON_WEEKDAYS, callback_data=setting("day", "weekdays")),
    ]
    return Rendered(PICK_DAYS, Markup([toggles[:4], toggles[4:], presets, _back()]))


def _routines(note: menu.RoutinesScreen) -> Rendered:
    entries = [(r.id, r.title, minutes(r.seconds), r.current) for r in note.routines]
    buttons = [
        [Button(f"{'✓ ' if r.current else ''}{r.title}", callback_data=setting("use", r.id))]
        for r in note.routines
    ]
    return Rendered(routines_list(entries), Markup([*buttons, _back()]))


def _pauses(_: menu.PauseScreen) -> Rendered:
    row = [
        Button(pause_button(days), callback_data=setting("for", str(days)))
        for days in callbacks.PAUSE_CHOICES
    ]
    return Rendered(PICK_PAUSE, Markup([row, _back()]))


def _unknown(note: menu.UnknownRoutine) -> Rendered:
    known = [(r.id, r.title, r.current) for r in note.routines]
    return Rendered(unknown_routine(note.name, known, command="routine"))


def _text(text: str) -> Rendered:
    return Rendered(text)


RENDERERS: Renderers = {
    menu.SettingsScreen: _main,
    menu.HourScreen: _hours,
    menu.MinuteScreen: _minutes,
    menu.DaysScreen: _days,
    menu.RoutinesScreen: _routines,
    menu.PauseScreen: _pauses,
    menu.UnknownRoutine: _unknown,
    menu.RoutineSet: lambda n: _text(routine_set(n.title, n.preview)),
    # A tap's toast: only the text is shown.
    menu.TimeToast: lambda n: _text(time_note(n.at)),
    menu.PausedToast: lambda n: _text(paused_note(n.until)),
    menu.ResumedToast: lambda n: _text(resumed_note(n.schedule)),
    menu.KeepOneDay: lambda _: _text(KEEP_ONE_DAY),
}
