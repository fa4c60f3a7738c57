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
from bot.core.parsing import format_time
from bot.core.preview import Preview
from bot.features import settings_menu as menu
from bot.telegram import callbacks
from bot.telegram.callbacks import setting
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.breaks import breaks_line
from bot.telegram.render.i18n import _, ngettext, pgettext, translate_content
from bot.telegram.render.language import name
from bot.telegram.render.schedule import (
    after_minutes,
    day,
    day_name,
    next_reminder,
    schedule,
    unknown_routine,
)
from bot.telegram.render.words import (
    b,
    minutes,
    preview_lines,
    preview_total,
    times_list,
)

# The settings keyboard


def button_time() -> str:
    return "🕘 " + pgettext("settings button", "Time")


def button_days() -> str:
    return "📅 " + pgettext("settings button", "Days")


def button_zone() -> str:
    return "🌍 " + pgettext("settings button", "Time zone")


def button_routine() -> str:
    return "🧘 " + pgettext("settings button", "Routine")


def button_pause() -> str:
    return "⏸ " + pgettext("settings button", "Pause")


def button_resume() -> str:
    return "▶️ " + pgettext("settings button", "Resume reminders")


def button_sound_on() -> str:
    return "🔔 " + pgettext("settings button", "Sound on")


def button_sound_off() -> str:
    return "🔕 " + pgettext("settings button", "Sound off")


def button_language() -> str:
    """The language button shows the language spoken, by its own name: findable by anyone."""
    return "🌐 " + name(i18n.current())


def button_back() -> str:
    return "« " + pgettext("settings button", "Back")


def button_every_day() -> str:
    return pgettext("settings button", "Every day")


def button_weekdays() -> str:
    """Monday to Friday, in the language's short day names: "Mon–Fri"."""
    return _("{first}–{last}").format(first=day_name(0), last=day_name(4))


def pick_hour() -> str:
    return "🕘 " + _("Pick the hour for your daily reminder (your local time):")


def one_time_note(times: str) -> str:
    return _("This replaces your reminder times ({times}). For several a day use /time.").format(
        times=times
    )


def pick_days() -> str:
    return "📅 " + _("Tap a day to turn its reminders on or off:")


def keep_one_day() -> str:
    return _("Keep at least one day — or use Pause instead.")


def pick_pause() -> str:
    return "⏸ " + _("Pause reminders for how long?")


def pick_minute(hour: int) -> str:
    return "🕘 " + _("{hour}:__ — and the minutes?").format(hour=f"{hour:02d}")


def day_button(day: int, on: bool) -> str:
    return f"{'✅' if on else '▫️'} {day_name(day)}"


def pause_button(days: int) -> str:
    if days % 7:
        return ngettext("{count} day", "{count} days", days).format(count=days)
    weeks = days // 7
    return ngettext("{count} week", "{count} weeks", weeks).format(count=weeks)


def settings(
    o: Outlook,
    follow: int | None,
    routine_title: str,
    routine_length: str,
    sound: bool = False,
    breaks: BreakPlan | None = None,
) -> str:
    if follow:
        follow_up = _("Follow-up if a reminder goes unanswered: {after}").format(
            after=after_minutes(follow)
        )
    else:
        follow_up = _("Follow-up if a reminder goes unanswered: off")
    lines = [
        "⚙️ " + b(_("Settings")),
        _("Reminders: {schedule}").format(schedule=schedule(o)),
        _("Time zone: {zone} (it's {time} there)").format(
            zone=escape(o.zone), time=format_time(o.local_now.time())
        ),
        _("Routine: {routine} ({length})").format(
            routine=escape(translate_content(routine_title)), length=routine_length
        ),
        follow_up,
        _("Sound when a hold ends: on") if sound else _("Sound when a hold ends: off"),
        _("Micro-breaks: {breaks}").format(breaks=breaks_line(breaks or BreakPlan())),
        "",
        _(
            "Change them with the buttons, or /time, /timezone, /days, /pause, /nudge, /routine, "
            "/sound, /breaks, /workhours."
        ),
    ]
    return "\n".join(lines)


# A tap's short answers (toasts).


def resumed_note(o: Outlook) -> str:
    return _("Next: {when}").format(when=next_reminder(o) or "—")


def paused_note(until: dt.date) -> str:
    return _("Paused until {date}").format(date=day(until))


def time_note(at: dt.time) -> str:
    return _("Daily reminder at {time}").format(time=format_time(at))


def routines_list(entries: Sequence[tuple[str, str, str, bool]]) -> str:
    """entries: (id, title, length, is the chat's routine)."""
    lines = ["🧘 " + b(_("Routines"))]
    for routine_id, title, length, current in entries:
        if current:
            how = "✓ " + _("your reminders offer this one; /go starts it now")
        else:
            how = _("/go {name} starts it now; /routine {name} makes it yours").format(
                name=escape(routine_id)
            )
        lines.append(f"• {b(translate_content(title))} — {length}\n  {how}")
    lines.append("\n" + _("Or tap the one your reminders should offer:"))
    return "\n".join(lines)


def routine_set(title: str, preview: Preview | None = None) -> str:
    text = _("Done ✅ Your reminders now offer {routine}.").format(
        routine=b(translate_content(title))
    )
    if preview is not None:
        text += "\n" + "\n".join([*preview_lines(preview), preview_total(preview)])
    return text


# Screens ----------------------------------------------------------------------------------

Button = InlineKeyboardButton
Markup = InlineKeyboardMarkup


def _back() -> list[Button]:
    return [Button(button_back(), callback_data=setting())]


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
        Button(button_sound_off(), callback_data=setting("sound", "off"))
        if note.sound
        else Button(button_sound_on(), callback_data=setting("sound", "on"))
    )
    pause = (
        Button(button_resume(), callback_data=setting("resume"))
        if note.schedule.paused_until is not None
        else Button(button_pause(), callback_data=setting("pause"))
    )
    return Rendered(
        text,
        Markup(
            [
                [
                    Button(button_time(), callback_data=setting("time")),
                    Button(button_days(), callback_data=setting("days")),
                ],
                [Button(button_routine(), callback_data=setting("routine")), pause],
                [Button(button_zone(), callback_data=setting("zone")), sound],
                [Button(button_language(), callback_data=setting("language"))],
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
    text = pick_hour()
    if len(note.times) > 1:
        text += "\n" + one_time_note(times_list(note.times))
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
        Button(button_every_day(), callback_data=setting("day", "all")),
        Button(button_weekdays(), callback_data=setting("day", "weekdays")),
    ]
    return Rendered(pick_days(), Markup([toggles[:4], toggles[4:], presets, _back()]))


def _routines(note: menu.RoutinesScreen) -> Rendered:
    entries = [(r.id, r.title, minutes(r.seconds), r.current) for r in note.routines]
    buttons = [
        [
            Button(
                f"{'✓ ' if r.current else ''}{translate_content(r.title)}",
                callback_data=setting("use", r.id),
            )
        ]
        for r in note.routines
    ]
    return Rendered(routines_list(entries), Markup([*buttons, _back()]))


def _pauses(_: menu.PauseScreen) -> Rendered:
    row = [
        Button(pause_button(days), callback_data=setting("for", str(days)))
        for days in callbacks.PAUSE_CHOICES
    ]
    return Rendered(pick_pause(), Markup([row, _back()]))


def _languages(note: menu.LanguageScreen) -> Rendered:
    current = i18n.pick(note.language, i18n.current())
    row = [
        Button(("✓ " if code == current else "") + name(code), callback_data=setting("lang", code))
        for code in i18n.LANGUAGES
    ]
    return Rendered(_("Which language should I speak here?"), Markup([row, _back()]))


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
    menu.LanguageScreen: _languages,
    menu.UnknownRoutine: _unknown,
    menu.RoutineSet: lambda n: _text(routine_set(n.title, n.preview)),
    # A tap's toast: only the text is shown.
    menu.TimeToast: lambda n: _text(time_note(n.at)),
    menu.PausedToast: lambda n: _text(paused_note(n.until)),
    menu.ResumedToast: lambda n: _text(resumed_note(n.schedule)),
    menu.KeepOneDay: lambda _note: _text(keep_one_day()),
}
