"""Micro-breaks in words: /breaks and /workhours, the break prompt and its buttons, the answers
and "in a meeting"."""

from __future__ import annotations

import datetime as dt
import functools

from babel.dates import format_skeleton
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
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.i18n import _, ngettext, pgettext
from bot.telegram.render.words import b, duration

__all__ = [
    "RENDERERS",
    "break_expired",
    "breaks_line",
    "button_break_done",
    "button_break_later",
    "button_break_start",
    "button_meeting",
    "button_not_now",
    "meeting_words",
]


@functools.cache
def meeting_words() -> frozenset[str]:
    """The word typed outside a session for no breaks for an hour ("meeting"), in every
    shipped language: people may type any of them."""
    return frozenset(
        word.lower()
        for word in i18n.in_every_language(lambda: pgettext("session word", "meeting"))
    )


def button_break_start() -> str:
    return "▶️ " + _("Start the short break")


def button_break_done() -> str:
    return "✅ " + pgettext("break button", "Done")


def button_break_later() -> str:
    return "⏰ " + _("In {count} min").format(count=LATER_MINUTES)


def button_not_now() -> str:
    return "🙅 " + _("Not now")


def button_meeting() -> str:
    return "📅 " + _("In a meeting")


def break_expired() -> str:
    return _("This break has ended: the next one comes at its time.")


def breaks_line(plan: BreakPlan) -> str:
    """How breaks are set, in one line (/settings, /breaks)."""
    if plan.minutes is None:
        return pgettext("micro-breaks", "off")
    text = ngettext(
        "every {count} minute, {start}–{end} on your reminder days",
        "every {count} minutes, {start}–{end} on your reminder days",
        plan.minutes,
    )
    return text.format(
        count=plan.minutes, start=format_time(plan.start), end=format_time(plan.end)
    )


def _when(at: dt.datetime, today: dt.date | None) -> str:
    """ "today at 10:45", "tomorrow at 09:45", else "Mon 7 Dec at 09:45" (the chat's zone)."""
    time = format_time(at.time())
    if today is not None and at.date() == today:
        return _("today at {time}").format(time=time)
    if today is not None and at.date() == today + dt.timedelta(days=1):
        return _("tomorrow at {time}").format(time=time)
    day = format_skeleton("MMMEd", at.date(), locale=i18n.locale())
    return _("{date} at {time}").format(date=day, time=time)


def breaks_now(note: BreaksNow) -> str:
    plan = note.plan
    low, high = BREAK_MINUTES
    if plan.minutes is None:
        off = _("Breaks are off.") if note.changed == "breaks" else "☕ " + _("Micro-breaks: off.")
        lines = [
            off,
            _("Work hours: {start}–{end}.").format(
                start=format_time(plan.start), end=format_time(plan.end)
            ),
            _(
                "Turn them on with /breaks 45 (every {low} to {high} minutes): a short stretch "
                "at your desk during work hours."
            ).format(low=low, high=high),
        ]
        return "\n".join(lines)
    lines = ["☕ " + _("Micro-breaks: {breaks}.").format(breaks=breaks_line(plan))]
    if note.next_at is not None:
        lines.append(_("Next break: {when}.").format(when=_when(note.next_at, note.today)))
    else:
        lines.append(_("No break fits: the interval is longer than your work hours."))
    lines.append(_("Change with /breaks 60, /workhours 09:00-17:30, or /breaks off."))
    return "\n".join(lines)


def prompt_keyboard(number: int) -> InlineKeyboardMarkup:
    def button(text: str, action: Action) -> InlineKeyboardButton:
        return InlineKeyboardButton(text, callback_data=break_button(action, number))

    return InlineKeyboardMarkup(
        [
            [button(button_break_start(), Action.START)],
            [
                button(button_break_done(), Action.DONE),
                button(button_break_later(), Action.LATER),
            ],
            [button(button_not_now(), Action.NOT_NOW), button(button_meeting(), Action.MEETING)],
        ]
    )


def _prompt(note: BreakPrompt) -> Rendered:
    text = "\n".join(
        [
            "☕ " + b(_("Time for a short break")),
            _(
                "Stand up or sit tall: two desk stretches for the front of your hips and your "
                "lower back, about {time}. Stop if anything hurts."
            ).format(time=duration(note.seconds)),
            ngettext(
                "Or just move on your own and press Done. Next break in about {count} minute.",
                "Or just move on your own and press Done. Next break in about {count} minutes.",
                note.minutes,
            ).format(count=note.minutes),
        ]
    )
    return Rendered(text, prompt_keyboard(note.number))


def _taken(note: BreakTaken) -> Rendered:
    text = ngettext(
        "Break counted ({count} break taken). Back to work!",
        "Break counted ({count} breaks taken). Back to work!",
        note.taken,
    )
    return Rendered("✅ " + text.format(count=note.taken))


def _put(note: BreakPut) -> Rendered:
    if note.action is Action.LATER:
        text = ngettext(
            "OK, I'll remind you in {count} minute.",
            "OK, I'll remind you in {count} minutes.",
            LATER_MINUTES,
        )
        return Rendered("⏰ " + text.format(count=LATER_MINUTES))
    return Rendered("👍 " + _("OK, no break now. The next one comes at its time."))


def _meeting(note: Meeting) -> Rendered:
    if not note.breaks_on:
        return Rendered(
            "📅 " + _("Good luck with the meeting. (Breaks are off: /breaks 45 turns them on.)")
        )
    return Rendered(
        "📅 "
        + _("No breaks during your meeting: the next comes after {time}.").format(
            time=format_time(note.until.time())
        )
    )


RENDERERS: Renderers = {
    BreaksNow: lambda n: Rendered(breaks_now(n)),
    BreakPrompt: _prompt,
    BreakTaken: _taken,
    BreakPut: _put,
    Meeting: _meeting,
    BreakExpired: lambda _note: Rendered(break_expired()),
}
