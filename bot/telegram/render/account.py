"""Subscribing, the help and errors, privacy (/forget, /export) and the operators' commands."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.outlook import Outlook
from bot.core.parsing import (
    quoted,
)
from bot.features import account, operators, privacy
from bot.telegram import callbacks
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.i18n import N_, _
from bot.telegram.render.schedule import schedule
from bot.telegram.render.session import stop_session_first
from bot.telegram.render.words import (
    DISCLAIMER_PREFIX,
    WORD_PAUSE,
    WORD_SKIP,
    WORD_START,
    WORD_STOP,
    b,
    minutes,
)

# Subscription -------------------------------------------------------------------------------


def welcome(
    name: str,
    routine_title: str,
    routine_length: str,
    disclaimer: str,
    schedule_now: Outlook,
    *,
    group: bool = False,
) -> str:
    hello = f"Hi {escape(name)}! 👋" if name else "Hi! 👋"
    together = (
        "Anyone here can reply <b>start</b> to my reminder (or send /go) and the whole group "
        "follows the same session. Only admins change the settings.\n\n"
        if group
        else ""
    )
    return (
        f"{hello} I help people who sit all day keep a healthy lower back.\n\n"
        f"{together}"
        f"I'll remind you to do a short routine — {b(routine_title)}, "
        f"{routine_length} — and guide you through it message by message, timing every hold.\n\n"
        f"{DISCLAIMER_PREFIX}<i>{escape(disclaimer)}</i>\n\n"
        f"Your reminders: {schedule(schedule_now, first=True)}\n"
        "• Change the time: /time 07:30 — or several a day: /time 07:30 13:00 17:45\n"
        "• Change the time zone: /timezone Europe/Berlin\n"
        "• Everything else: /help\n\n"
        f"Want to try it now? Reply {b(WORD_START)}."
    )


def already_subscribed(o: Outlook, *, in_session: bool = False) -> str:
    then = (
        f"We're in a session right now: say {b(WORD_PAUSE)}, {b(WORD_SKIP)} or {b(WORD_STOP)}."
        if in_session
        else f"Reply {b(WORD_START)} to stretch now, or see /settings."
    )
    return f"You're already set up. Your reminders: {schedule(o)}\n{then}"


def resubscribed(o: Outlook) -> str:
    return f"Welcome back! Reminders are on again: {schedule(o)}"


UNSUBSCRIBED = (
    "Reminders are off. Your times, zone and history are kept — /start turns reminders back on."
)
ALREADY_UNSUBSCRIBED = "Reminders are already off. /start turns them back on."
NOT_SET_UP = "We haven't met yet — send /start and I'll set you up."
GROUP_NOT_SET_UP = "I'm not set up in this group yet: a group admin can send /start."
ADMINS_ONLY = "Only the group's admins can change its settings."


# Errors and help ----------------------------------------------------------------------------


def unknown_command(command: str) -> str:
    return f"Sorry, I don't know {escape(quoted(command)[1:-1])}. /help lists what I can do."


BUTTON_EXPIRED = "This button has expired."
NOT_TEXT = (
    f"I can only read text. Reply {b(WORD_START)} to begin a routine, or /help for commands."
)
NOT_UNDERSTOOD = (
    f"I didn't catch that. Reply {b(WORD_START)} to begin a routine, or /help for commands."
)
SOMETHING_WENT_WRONG = "Sorry, something went wrong on my side. Please try again in a moment."

HELP = (
    "<b>What I do</b>: a daily reminder to stretch your lower back, then a guided routine with "
    "every hold timed.\n\n"
    "<b>Commands</b>\n"
    "/start — set up reminders (or turn them back on)\n"
    "/go — start a routine now (/go quick for the short one)\n"
    "/settings — your schedule, with buttons to change it\n"
    "/time 07:30 — your daily reminder time; several: /time 07:30 13:00 17:45\n"
    "/timezone Europe/Berlin — your time zone\n"
    "/days mon-fri — which days (also: /days mon wed fri, /days every day)\n"
    "/pause 7 — no reminders for 7 days (or /pause 2026-12-27); /resume ends it\n"
    "/nudge 60 — one follow-up an hour after an unanswered reminder; /nudge off\n"
    "/routine — pick the routine your reminders offer\n"
    "/stats — your streak, the last four weeks, your holds per side and pain trend\n"
    "/pain off — no pain question before and after sessions (/pain on)\n"
    "/sound on — a notification when a hold ends, for a phone out of reach (/sound off)\n"
    "/breaks 45 — a short desk break every 45 minutes during work hours (/breaks off); "
    "/workhours 09:00-17:30 sets them; say <b>meeting</b> for none during the next hour\n"
    "Send a <b>.toml</b> routine file (e.g. from your physio) to use it as your own.\n"
    "/stop — turn reminders off (your data is kept)\n"
    "/export — everything I keep about you, as a file; /export csv — your sessions as a "
    "spreadsheet, for a physio; /forget — delete it all\n"
    "/language — the language I speak (English, Deutsch, Español, Русский)\n"
    "/help — this message\n\n"
    "<b>On a reminder</b> reply <b>start</b>, <b>start quick</b> or <b>later</b> "
    "(in 15 minutes), or use its buttons.\n"
    "<b>During a session</b> say <b>pause</b>, <b>resume</b>, <b>skip</b> (next exercise), "
    "<b>again</b> (this step from the start), <b>repeat</b> (the exercise just done once more) "
    "or <b>stop</b> — or <b>it hurts</b> to stop at once.\n\n"
    "<b>In a group</b> an admin sends /start; then anyone can reply <b>start</b> to a "
    "reminder and the whole group follows along. Only admins change settings."
)

#: The command menu Telegram shows (setMyCommands).
_COMMANDS: tuple[tuple[str, str], ...] = (
    ("go", N_("Start a routine now")),
    ("settings", N_("Your schedule, with buttons to change it")),
    ("stats", N_("Your streak and the last four weeks")),
    ("time", N_("Set reminder times, e.g. /time 07:30")),
    ("timezone", N_("Set your time zone, e.g. /timezone Europe/Berlin")),
    ("days", N_("Which days, e.g. /days mon-fri")),
    ("pause", N_("Pause reminders, e.g. /pause 7")),
    ("resume", N_("End a pause")),
    ("nudge", N_("Follow-up after an unanswered reminder, or off")),
    ("routine", N_("Pick your routine")),
    ("pain", N_("Pain question before and after sessions: on or off")),
    ("sound", N_("A notification when a hold ends: on or off")),
    ("breaks", N_("Short breaks during work hours, e.g. /breaks 45, or off")),
    ("workhours", N_("When breaks come, e.g. /workhours 09:00-17:30")),
    ("stop", N_("Turn reminders off")),
    ("start", N_("Set up or turn reminders back on")),
    ("help", N_("Everything I can do")),
    ("export", N_("Your data as a file (JSON, or /export csv)")),
    ("forget", N_("Delete everything about you")),
    ("language", N_("The language I speak: English, Deutsch, Español, Русский")),
)


def commands() -> list[tuple[str, str]]:
    """The command menu, in the language being spoken (``bot.telegram.commands``)."""
    return [(name, _(description)) for name, description in _COMMANDS]


# Reliability, privacy and admin (issue 5) ---------------------------------------------------

SLOW_DOWN = "That's a lot of messages at once — I'll skip some. Give me a second between them."
FORGET_CONFIRM = (
    "This deletes everything I keep about this chat: your schedule, settings and session "
    "history. It can't be undone. Delete it all?"
)
BUTTON_FORGET = "Yes, delete everything"
BUTTON_KEEP = "No, keep it"
FORGOTTEN = "Done: I deleted everything about this chat. Send /start if you ever want me back."
FORGET_CANCELLED = "Nothing was deleted."
NOTHING_STORED = "I don't keep anything about this chat."
SETTINGS_UNREADABLE = (
    "⚠️ Sorry — I couldn't read the settings I had saved for this chat, so I've set them aside. "
    "Send /start to begin afresh, or /forget to delete the unreadable copy too."
)
NOTHING_READABLE = (
    "I couldn't read what I had saved about this chat, so there's nothing I can export. "
    "/forget deletes the unreadable copy; /start begins afresh."
)
#: The caption of each /export format's file.
EXPORT_CAPTIONS = {
    "json": "Everything I keep about this chat.",
    "csv": "Your sessions as a spreadsheet, one row per session — for you or your physio.",
}


def export_unknown_format(given: str, formats: Sequence[str]) -> str:
    choices = " or ".join(f"/export {name}" for name in formats)
    return f"I can't export as {escape(quoted(given))}. Try /export, or {choices}."


def admin_report(
    subscribed: int, paused: int, blocked: int, stopped: int, failures: dict[str, int]
) -> str:
    lines = [
        "<b>Subscribers</b>",
        f"Getting reminders: {subscribed}",
        f"Paused today: {paused}",
        f"Blocked the bot: {blocked}",
        f"Stopped (/stop): {stopped}",
        "",
        "<b>Delivery failures since start-up</b>",
    ]
    lines += [f"{escape(kind)}: {count}" for kind, count in sorted(failures.items())] or ["none"]
    return "\n".join(lines)


BROADCAST_USAGE = "Write the message after the command: /broadcast The bot restarts at 22:00."


def broadcast_confirm(text: str, recipients: int) -> str:
    return f"Send this to {recipients} chat(s)?\n\n{broadcast(text)}"


BUTTON_SEND = "Send it"
BUTTON_CANCEL = "Cancel"
BROADCAST_CANCELLED = "Not sent."


def broadcast_done(sent: int, failed: int) -> str:
    return f"Sent to {sent} chat(s); {failed} failed."


def broadcast(text: str) -> str:
    """An admin's maintenance message, shown exactly as typed."""
    return f"📢 {escape(text)}"


# Notes --------------------------------------------------------------------------------------


def _welcome(note: account.Welcome) -> Rendered:
    return Rendered(
        welcome(
            note.name,
            note.routine_title,
            minutes(note.routine_seconds),
            note.disclaimer,
            note.schedule,
            group=note.group,
        )
    )


def _confirm(prefix: str, yes: str, no: str) -> InlineKeyboardMarkup:
    """A question's two buttons; the callback codec carries which question and the answer."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=callbacks.confirm(prefix, True)),
                InlineKeyboardButton(no, callback_data=callbacks.confirm(prefix, False)),
            ]
        ]
    )


def _text(text: str) -> Rendered:
    return Rendered(text)


RENDERERS: Renderers = {
    account.NotSetUp: lambda n: _text(GROUP_NOT_SET_UP if n.group else NOT_SET_UP),
    account.AdminsOnly: lambda _: _text(ADMINS_ONLY),
    account.Welcome: _welcome,
    account.AlreadySetUp: lambda n: _text(already_subscribed(n.schedule, in_session=n.in_session)),
    account.Resubscribed: lambda n: _text(resubscribed(n.schedule)),
    account.StopSessionFirst: lambda _: _text(stop_session_first()),
    account.Unsubscribed: lambda _: _text(UNSUBSCRIBED),
    account.AlreadyUnsubscribed: lambda _: _text(ALREADY_UNSUBSCRIBED),
    account.SettingsUnreadable: lambda _: _text(SETTINGS_UNREADABLE),
    privacy.NothingStored: lambda _: _text(NOTHING_STORED),
    privacy.NothingReadable: lambda _: _text(NOTHING_READABLE),
    privacy.ForgetQuestion: lambda _: Rendered(
        FORGET_CONFIRM, _confirm(privacy.FORGET, BUTTON_FORGET, BUTTON_KEEP)
    ),
    privacy.Forgotten: lambda _: _text(FORGOTTEN),
    privacy.ForgetCancelled: lambda _: _text(FORGET_CANCELLED),
    privacy.UnknownExportFormat: lambda n: _text(export_unknown_format(n.given, n.formats)),
    privacy.Exported: lambda n: _text(EXPORT_CAPTIONS[n.format]),
    operators.AdminReport: lambda n: _text(
        admin_report(n.subscribed, n.paused, n.blocked, n.stopped, dict(n.failures))
    ),
    operators.BroadcastUsage: lambda _: _text(BROADCAST_USAGE),
    operators.BroadcastQuestion: lambda n: Rendered(
        broadcast_confirm(n.text, n.recipients),
        _confirm(operators.BROADCAST, BUTTON_SEND, BUTTON_CANCEL),
    ),
    operators.BroadcastCancelled: lambda _: _text(BROADCAST_CANCELLED),
    operators.Broadcast: lambda n: _text(broadcast(n.text)),
    operators.BroadcastDone: lambda n: _text(broadcast_done(n.sent, n.failed)),
}
