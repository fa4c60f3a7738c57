"""/help: what the bot does, its commands, and the words it understands on a reminder, in a
session and in a group."""

from __future__ import annotations

from bot.telegram.render.i18n import N_, _, pgettext
from bot.telegram.render.words import (
    WORD_LATER,
    WORD_START,
    b,
    say,
    spoken,
)

__all__ = ["help_text"]

#: /help's list of commands, a line each.
_HELP_COMMANDS = (
    N_("/start — set up reminders (or turn them back on)"),
    N_("/go — start a routine now (/go quick for the short one)"),
    N_("/settings — your schedule, with buttons to change it"),
    N_("/time 07:30 — your daily reminder time; several: /time 07:30 13:00 17:45"),
    N_("/timezone Europe/Berlin — your time zone"),
    N_("/days mon-fri — which days (also: /days mon wed fri, /days every day)"),
    N_("/pause 7 — no reminders for 7 days (or /pause 2026-12-27); /resume ends it"),
    N_("/nudge 60 — one follow-up an hour after an unanswered reminder; /nudge off"),
    N_("/routine — pick the routine your reminders offer"),
    N_("/stats — your streak, the last four weeks, your holds per side and pain trend"),
    N_("/pain off — no pain question before and after sessions (/pain on)"),
    N_("/sound on — a notification when a hold ends, for a phone out of reach (/sound off)"),
    N_(
        "/breaks 45 — a short desk break every 45 minutes during work hours (/breaks off); "
        "/workhours 09:00-17:30 sets them; say {meeting} for none during the next hour"
    ),
    N_("Send a <b>.toml</b> routine file (e.g. from your physio) to use it as your own."),
    N_("/stop — turn reminders off (your data is kept)"),
    N_(
        "/export — everything I keep about you, as a file; /export csv — your sessions as a "
        "spreadsheet, for a physio; /forget — delete it all"
    ),
    N_("/language — the language I speak (English, Deutsch, Español, Русский)"),
    N_("/help — this message"),
)


def help_text() -> str:
    """/help: a message per paragraph (and per command), the session words as they are said."""
    meeting = b(pgettext("session word", "meeting"))  # as render/breaks.py hears it
    commands = [_(line).format(meeting=meeting) for line in _HELP_COMMANDS]
    on_reminder = _(
        "<b>On a reminder</b> reply {start}, {start_quick} or {later} (in 15 minutes), "
        "or use its buttons."
    ).format(
        start=b(say(WORD_START)),
        start_quick=b(f"{say(WORD_START)} quick"),  # "quick" is the routine's id: any language
        later=b(say(WORD_LATER)),
    )
    # TRANSLATORS: "it hurts" must be one of the hurt words ("tut weh", "me duele", "больно").
    in_session = _(
        "<b>During a session</b> say {pause}, {resume}, {skip} (next exercise), {again} "
        "(this step from the start), {repeat} (the exercise just done once more) or {stop} "
        "— or <b>it hurts</b> to stop at once."
    ).format(**spoken())
    paragraphs = [
        _(
            "<b>What I do</b>: a daily reminder to stretch your lower back, then a guided "
            "routine with every hold timed."
        ),
        "\n".join([b(_("Commands")), *commands]),
        f"{on_reminder}\n{in_session}",
        _(
            "<b>In a group</b> an admin sends /start; then anyone can reply {start} to a "
            "reminder and the whole group follows along. Only admins change settings."
        ).format(start=b(say(WORD_START))),
    ]
    return "\n\n".join(paragraphs)
