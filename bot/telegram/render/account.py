"""Subscribing, the help and errors, privacy (/forget, /export) and the operators' commands."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from babel.lists import format_list
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.core.outlook import Outlook
from bot.core.parsing import quoted
from bot.features import account, operators, privacy
from bot.telegram import callbacks
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.i18n import N_, _, ngettext, translate_content
from bot.telegram.render.schedule import schedule
from bot.telegram.render.session import stop_session_first
from bot.telegram.render.words import (
    DISCLAIMER_PREFIX,
    WORD_START,
    b,
    minutes,
    say,
    spoken,
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
    hello = (_("Hi {name}!").format(name=escape(name)) if name else _("Hi!")) + " 👋"
    paragraphs = [
        hello + " " + _("I help people who sit all day keep a healthy lower back."),
        _(
            "I'll remind you to do a short routine — {routine}, {length} — and guide you "
            "through it message by message, timing every hold."
        ).format(routine=b(translate_content(routine_title)), length=routine_length),
        f"{DISCLAIMER_PREFIX}<i>{escape(translate_content(disclaimer))}</i>",
        "\n".join(
            [
                _("Your reminders: {schedule}").format(
                    schedule=schedule(schedule_now, first=True)
                ),
                "• "
                + _("Change the time: /time 07:30 — or several a day: /time 07:30 13:00 17:45"),
                "• " + _("Change the time zone: /timezone Europe/Berlin"),
                "• " + _("Everything else: /help"),
            ]
        ),
        _("Want to try it now? Reply {start}.").format(start=b(say(WORD_START))),
    ]
    if group:
        together = _(
            "Anyone here can reply {start} to my reminder (or send /go) and the whole group "
            "follows the same session. Only admins change the settings."
        ).format(start=b(say(WORD_START)))
        paragraphs.insert(1, together)
    return "\n\n".join(paragraphs)


def already_subscribed(o: Outlook, *, in_session: bool = False) -> str:
    if in_session:
        then = _("We're in a session right now: say {pause}, {skip} or {stop}.").format(**spoken())
    else:
        then = _("Reply {start} to stretch now, or see /settings.").format(
            start=b(say(WORD_START))
        )
    setup = _("You're already set up. Your reminders: {schedule}").format(schedule=schedule(o))
    return f"{setup}\n{then}"


def resubscribed(o: Outlook) -> str:
    return _("Welcome back! Reminders are on again: {schedule}").format(schedule=schedule(o))


def unsubscribed() -> str:
    return _(
        "Reminders are off. Your times, zone and history are kept — /start turns reminders "
        "back on."
    )


def already_unsubscribed() -> str:
    return _("Reminders are already off. /start turns them back on.")


def not_set_up() -> str:
    return _("We haven't met yet — send /start and I'll set you up.")


def group_not_set_up() -> str:
    return _("I'm not set up in this group yet: a group admin can send /start.")


def admins_only() -> str:
    return _("Only the group's admins can change its settings.")


# Errors and the command menu ----------------------------------------------------------------


def unknown_command(command: str) -> str:
    return _("Sorry, I don't know {command}. /help lists what I can do.").format(
        command=escape(quoted(command)[1:-1])
    )


def button_expired() -> str:
    return _("This button has expired.")


def not_text() -> str:
    return _(
        "I can only read text. Reply {start} to begin a routine, or /help for commands."
    ).format(start=b(say(WORD_START)))


def not_understood() -> str:
    return _(
        "I didn't catch that. Reply {start} to begin a routine, or /help for commands."
    ).format(start=b(say(WORD_START)))


def something_went_wrong() -> str:
    return _("Sorry, something went wrong on my side. Please try again in a moment.")


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


def slow_down() -> str:
    return _("That's a lot of messages at once — I'll skip some. Give me a second between them.")


def forget_confirm() -> str:
    return _(
        "This deletes everything I keep about this chat: your schedule, settings and session "
        "history. It can't be undone. Delete it all?"
    )


def button_forget() -> str:
    return _("Yes, delete everything")


def button_keep() -> str:
    return _("No, keep it")


def forgotten() -> str:
    return _("Done: I deleted everything about this chat. Send /start if you ever want me back.")


def forget_cancelled() -> str:
    return _("Nothing was deleted.")


def nothing_stored() -> str:
    return _("I don't keep anything about this chat.")


def settings_unreadable() -> str:
    return "⚠️ " + _(
        "Sorry — I couldn't read the settings I had saved for this chat, so I've set them "
        "aside. Send /start to begin afresh, or /forget to delete the unreadable copy too."
    )


def nothing_readable() -> str:
    return _(
        "I couldn't read what I had saved about this chat, so there's nothing I can export. "
        "/forget deletes the unreadable copy; /start begins afresh."
    )


#: The caption of each /export format's file.
_EXPORT_CAPTIONS = {
    "json": N_("Everything I keep about this chat."),
    "csv": N_("Your sessions as a spreadsheet, one row per session — for you or your physio."),
}


def export_caption(format_: str) -> str:
    return _(_EXPORT_CAPTIONS[format_])


def export_unknown_format(given: str, formats: Sequence[str]) -> str:
    choices = format_list(
        [f"/export {name}" for name in formats], style="or", locale=i18n.locale()
    )
    return _("I can't export as {format}. Try /export, or {choices}.").format(
        format=escape(quoted(given)), choices=choices
    )


def admin_report(
    subscribed: int, paused: int, blocked: int, stopped: int, failures: dict[str, int]
) -> str:
    lines = [
        b(_("Subscribers")),
        _("Getting reminders: {count}").format(count=subscribed),
        _("Paused today: {count}").format(count=paused),
        _("Blocked the bot: {count}").format(count=blocked),
        _("Stopped (/stop): {count}").format(count=stopped),
        "",
        b(_("Delivery failures since start-up")),
    ]
    lines += [f"{escape(kind)}: {count}" for kind, count in sorted(failures.items())] or [
        _("none")
    ]
    return "\n".join(lines)


def broadcast_usage() -> str:
    return _("Write the message after the command: /broadcast The bot restarts at 22:00.")


def broadcast_confirm(text: str, recipients: int) -> str:
    question = ngettext(
        "Send this to {count} chat?", "Send this to {count} chats?", recipients
    ).format(count=recipients)
    return f"{question}\n\n{broadcast(text)}"


def button_send() -> str:
    return _("Send it")


def button_cancel() -> str:
    return _("Cancel")


def broadcast_cancelled() -> str:
    return _("Not sent.")


def broadcast_done(sent: int, failed: int) -> str:
    return ngettext(
        "Sent to {count} chat; {failed} failed.", "Sent to {count} chats; {failed} failed.", sent
    ).format(count=sent, failed=failed)


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
    account.NotSetUp: lambda n: _text(group_not_set_up() if n.group else not_set_up()),
    account.AdminsOnly: lambda _note: _text(admins_only()),
    account.Welcome: _welcome,
    account.AlreadySetUp: lambda n: _text(already_subscribed(n.schedule, in_session=n.in_session)),
    account.Resubscribed: lambda n: _text(resubscribed(n.schedule)),
    account.StopSessionFirst: lambda _note: _text(stop_session_first()),
    account.Unsubscribed: lambda _note: _text(unsubscribed()),
    account.AlreadyUnsubscribed: lambda _note: _text(already_unsubscribed()),
    account.SettingsUnreadable: lambda _note: _text(settings_unreadable()),
    privacy.NothingStored: lambda _note: _text(nothing_stored()),
    privacy.NothingReadable: lambda _note: _text(nothing_readable()),
    privacy.ForgetQuestion: lambda _note: Rendered(
        forget_confirm(), _confirm(privacy.FORGET, button_forget(), button_keep())
    ),
    privacy.Forgotten: lambda _note: _text(forgotten()),
    privacy.ForgetCancelled: lambda _note: _text(forget_cancelled()),
    privacy.UnknownExportFormat: lambda n: _text(export_unknown_format(n.given, n.formats)),
    privacy.Exported: lambda n: _text(export_caption(n.format)),
    operators.AdminReport: lambda n: _text(
        admin_report(n.subscribed, n.paused, n.blocked, n.stopped, dict(n.failures))
    ),
    operators.BroadcastUsage: lambda _note: _text(broadcast_usage()),
    operators.BroadcastQuestion: lambda n: Rendered(
        broadcast_confirm(n.text, n.recipients),
        _confirm(operators.BROADCAST, button_send(), button_cancel()),
    ),
    operators.BroadcastCancelled: lambda _note: _text(broadcast_cancelled()),
    operators.Broadcast: lambda n: _text(broadcast(n.text)),
    operators.BroadcastDone: lambda n: _text(broadcast_done(n.sent, n.failed)),
}
