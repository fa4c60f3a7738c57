"""Coaching: the pain check and its safety notes, "it hurts", feedback on holds, own
routines, and the holds and pain in /stats."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from html import escape

from babel.dates import format_skeleton
from babel.numbers import format_decimal
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
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.i18n import _, pgettext, translate_content
from bot.telegram.render.words import WORD_START, b, count_seconds, number, say

# Coaching: progression, pain check, "it hurts", own routines, CSV report (issue 7) -----------

WORD_HURTS = "it hurts"


def _hurt_words() -> list[str]:
    """What someone in pain may say, in the language being spoken."""
    said = pgettext("hurt words, separated by |", "it hurts|hurts|it hurts a lot|ouch|ow")
    return [word.strip() for word in said.split("|") if word.strip()]


@functools.cache
def hurt_words() -> frozenset[str]:
    """Said at any time, in any shipped language, each stops a session at once as "it hurts"
    does: safety does not depend on the chat's language."""
    return frozenset(word for words in i18n.in_every_language(_hurt_words) for word in words)


def button_easy() -> str:
    return "😌 " + _("Too easy")


def button_right() -> str:
    return "👌 " + _("Just right")


def button_hard() -> str:
    return "😣 " + _("Too hard")


def button_hurts() -> str:
    return "🛑 " + _("Stop — it hurts")


def button_pain_skip() -> str:
    return _("Skip")


def pain_before() -> str:
    return _("How is your back right now, 0–10? (0 = no pain; tap one, or just carry on)")


def pain_after() -> str:
    return _("And now — how is your back, 0–10?")


def safety_note() -> str:
    return _(
        "Don't push through pain. If the pain persists or is severe, please see a medical "
        "practitioner."
    )


def hurt_stop() -> str:
    return "🛑 " + _(
        "Stopped. Don't push through pain: ease out of the position slowly and rest. "
        "I won't make that exercise longer next time. If the pain persists or comes back, "
        "please see a medical practitioner."
    )


def hurt_note() -> str:
    """ "it hurts" with no session running, or an old hold's "Stop — it hurts" button."""
    return "🛑 " + _("Stop and ease out of any position slowly, then rest.") + " " + safety_note()


def button_continue_gently() -> str:
    return "🐢 " + _("Continue gently")


def button_stop_today() -> str:
    return "🛑 " + _("Stop for today")


def pain_gently() -> str:
    return "🟡 " + _(
        "Go gently today: ease into each stretch, stay short of pain, and stop if it hurts."
    )


def pain_persistent() -> str:
    return _(
        "Your back has been sore before your last {count} sessions. Please see a medical "
        "practitioner (your GP or a physiotherapist) before carrying on with these exercises."
    ).format(count=PERSISTENT_SESSIONS)


def stopped_for_today() -> str:
    ready = _("Reply {start} whenever you feel ready.").format(start=b(say(WORD_START)))
    return "🛑 " + _("Stopped for today. Rest and move gently.") + f" {safety_note()} {ready}"


def pain_high(score: int, persistent: bool, *, paused: bool) -> str:
    """A high score before a session: paused (with the question of its buttons), or, if the
    session has already ended, the safety note alone."""
    too_much = _("{score} out of 10 is a lot of pain to stretch with.").format(score=score)
    too_much += f" {safety_note()}"
    if paused:
        lines = [
            "⏸ " + _("I've paused the routine: {reason}").format(reason=too_much),
            _("Continue gently, or stop for today?"),
        ]
    else:
        lines = [f"🔴 {too_much}"]
    if persistent:
        lines.append(pain_persistent())
    return "\n".join(lines)


def gate_answered(question: str, go_on: bool) -> str:
    answer = _("continuing gently") if go_on else _("stopped for today")
    return f"{question}\n— {answer}"


def pain_rose(before: int, after: int) -> str:
    return (
        _(
            "Your back feels worse than before the session ({before} → {after}). Rest today, and "
            "go gentler next time."
        ).format(before=before, after=after)
        + f" {safety_note()}"
    )


def pain_still_high() -> str:
    return _("Sorry your back is sore. Rest today.") + f" {safety_note()}"


def pain_on() -> str:
    return _("I'll ask how your back is before and after each session. /pain off stops that.")


def pain_off() -> str:
    return _("I won't ask about pain any more. /pain on brings the question back.")


def pain_usage() -> str:
    return _("Use /pain on or /pain off.")


def sound_on() -> str:
    return "🔔 " + _(
        "The end of each hold — release, switch sides, the next exercise — now comes with a "
        "notification, for when your phone is out of reach. /sound off makes it quiet again."
    )


def sound_off() -> str:
    return "🔕 " + _(
        "Session messages come quietly again. /sound on rings at the end of each hold."
    )


def sound_usage() -> str:
    return _("Use /sound on or /sound off.")


def pain_answered(question: str, value: int | None) -> str:
    return f"{question} — {value}" if value is not None else f"{question} — " + _("skipped")


def feedback_noted(
    label: str, before: float, after: float, *, hurt: bool = False, limit: str = ""
) -> str:
    """The answer to a feedback button, shown on the release message; ``limit`` is "most"
    or "least" when the vote asked to go past the stretch's bounds."""
    hold = escape(hold_label(label))
    time = count_seconds(after)
    if hurt:
        return _("Noted — it hurt, so {hold} stays at {time} next time.").format(
            hold=hold, time=time
        )
    if limit == "most":
        return _("Noted — {hold}: {seconds} s is the most this stretch goes to.").format(
            hold=hold, seconds=number(after)
        )
    if limit:
        return _("Noted — {hold}: {seconds} s is the least this stretch goes to.").format(
            hold=hold, seconds=number(after)
        )
    if after > before:
        return _("Noted — {hold}: {time} next time.").format(hold=hold, time=time)
    if after < before:
        return _("Noted — {hold}: down to {time} next time.").format(hold=hold, time=time)
    return _("Noted — {hold} stays at {time}.").format(hold=hold, time=time)


def hold_label(label: str) -> str:
    """A hold's label from the core ("Iliopsoas stretch · left") in the language spoken."""
    title, _sep, side = label.partition(" · ")
    said = translate_content(title)
    return f"{said} · {side_word(side)}" if side else said


def side_word(side: str) -> str:
    """A side as a hold's label names it ("left", "right"; anything else as it is)."""
    if side == "left":
        return _("left")
    if side == "right":
        return _("right")
    return side


def holds_summary(
    routines: Mapping[str, Sequence[tuple[str, Sequence[tuple[str, float, bool]]]]],
) -> str:
    """/stats: per routine, each adapting exercise's time per side (side, seconds, whether it
    had feedback), and which side is tighter — only when both sides had feedback: a side with
    none is unknown, not tighter. Routine titles are shown when there are several."""
    shown = {routine: rows for routine, rows in routines.items() if rows}
    lines = [b(_("Your holds"))]
    for routine, rows in shown.items():
        if len(shown) > 1:
            lines.append(f"<i>{escape(translate_content(routine))}</i>")
        for title, sides in rows:
            per_side = " · ".join(
                f"{side_word(side)} {number(seconds)} s" if side else f"{number(seconds)} s"
                for side, seconds, _adapted in sides
            )
            line = f"{escape(translate_content(title))}: {per_side}"
            known = len(sides) == 2 and all(adapted for _side, _seconds, adapted in sides)
            if known and sides[0][1] != sides[1][1]:
                (side_a, a, _a), (side_b, other, _b) = sides
                tighter = side_a if a < other else side_b
                low, high = min(a, other), max(a, other)
                line += " — " + _("your {side} side is tighter ({low} s vs {high} s)").format(
                    side=side_word(tighter), low=number(low), high=number(high)
                )
            lines.append(line)
    return "\n".join(lines)


def pain_trend(weeks: Sequence[tuple[dt.date, float | None, float | None]]) -> str:
    """/stats: the weekly average pain before → after sessions."""
    head = _("{title} (0–10, weekly average, before → after)").format(title=b(_("Back pain")))
    lines = [head]
    for monday, before, after in weeks:
        shown = [
            format_decimal(value, "0.0", locale=i18n.locale()) if value is not None else "–"
            for value in (before, after)
        ]
        week = _("w/c {date}").format(date=format_skeleton("dMMM", monday, locale=i18n.locale()))
        lines.append(f"{week}: {shown[0]} → {shown[1]}")
    return "\n".join(lines)


def upload_not_toml() -> str:
    return _("Send your routine as a .toml file — the format is in the README, with an example.")


def upload_failed() -> str:
    return _("Sorry, I couldn't download that file. Please send it again in a moment.")


def upload_rejected(problems: Sequence[str]) -> str:
    """Every problem with an upload, as many as one message holds, then "… and N more".
    The problems themselves are the loader's, in English: they name the file's TOML keys."""
    head = _("I couldn't use that routine — nothing was saved:")
    more = _("… and {count} more")
    room = MAX_MESSAGE - len(head) - len(more.format(count=len(problems)))
    lines = []
    for problem in problems:
        line = f"• {problem}"
        room -= 1 + len(line)
        if room < 0:
            break
        lines.append(escape(line))
    if len(lines) < len(problems):
        lines.append(more.format(count=len(problems) - len(lines)))
    return "\n".join([head, *lines])


def upload_accepted(title: str, routine_id: str) -> str:
    return "✅ " + _(
        "Saved {routine} as your own routine. Only you can see it. "
        "Start it with /go {id}, or pick it in /routine."
    ).format(routine=b(title), id=escape(routine_id))


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
    rows[-1].append(InlineKeyboardButton(button_pain_skip(), callback_data=skip))
    return InlineKeyboardMarkup(rows)


def _pain_question(note: PainQuestion) -> Rendered:
    question = pain_before() if note.before else pain_after()
    return Rendered(question, pain_buttons(note.session, before=note.before))


def _pain_high(note: PainHigh) -> Rendered:
    text = pain_high(note.score, note.persistent, paused=note.paused)
    if not note.paused:
        return Rendered(text)
    buttons = [
        InlineKeyboardButton(
            button_continue_gently(), callback_data=callbacks.gate(True, note.session)
        ),
        InlineKeyboardButton(
            button_stop_today(), callback_data=callbacks.gate(False, note.session)
        ),
    ]
    return Rendered(text, InlineKeyboardMarkup([buttons]))


RENDERERS: Renderers = {
    PainQuestion: _pain_question,
    PainHigh: _pain_high,
    HurtNote: lambda _: Rendered(hurt_note()),
    PainGently: lambda _: Rendered(pain_gently()),
    PainRose: lambda note: Rendered(pain_rose(note.before, note.after)),
    PainStillHigh: lambda _: Rendered(pain_still_high()),
    StoppedForToday: lambda _: Rendered(stopped_for_today()),
}
