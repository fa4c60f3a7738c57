"""Every sentence the bot says, in one place (HTML parse mode).

Kept apart from the handlers so wording can be reviewed (and one day translated) without reading
code. Anything that comes from users or content files is escaped here, nowhere else.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from html import escape

from bot.core.chat import Chat
from bot.core.outlook import Outlook, outlook
from bot.core.parsing import (
    ALL_DAYS,
    DAY_NAMES,
    WEEKDAYS,
    WEEKEND,
    ParseError,
    Problem,
    format_time,
    quoted,
)
from bot.core.safety import PERSISTENT_SESSIONS
from bot.core.session import Cue, CueKind
from bot.telegram.fitting import MAX_MESSAGE

# Session control words: a user types them during a guided session.
WORD_START = "start"
WORD_STOP = "stop"
WORD_PAUSE = "pause"
WORD_RESUME = "resume"
WORD_SKIP = "skip"
WORD_LATER = "later"

BUTTON_START = "▶️ Start now"
BUTTON_SKIP_TODAY = "🚫 Skip today"


def button_quick(length: str) -> str:
    return f"⚡ Quick {length}"


def button_snooze(minutes: int) -> str:
    return f"⏰ In {minutes} min" if minutes < 60 else f"⏰ In {minutes // 60} h"


def short_minutes(seconds: float) -> str:
    """A length for a button: "2 min"."""
    return f"{max(1, round(seconds / 60))} min"


DISCLAIMER_PREFIX = "⚕️ "


def b(text: str) -> str:
    return f"<b>{escape(text)}</b>"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def minutes(seconds: float) -> str:
    """A length for a human: "about 6 minutes", "under a minute"."""
    if seconds < 60:
        return "under a minute"
    return f"about {plural(round(seconds / 60), 'minute')}"


def elapsed(seconds: float) -> str:
    """A measured duration: "5 min 40 s", "45 s"."""
    whole = round(seconds)
    mins, secs = divmod(whole, 60)
    if not mins:
        return f"{secs} s"
    return f"{mins} min {secs} s" if secs else f"{mins} min"


def listed(items: Sequence[str]) -> str:
    """ "a", "a and b", "a, b and c"."""
    return " and ".join([", ".join(items[:-1]), items[-1]] if len(items) > 1 else items)


def times_list(times: Sequence[dt.time]) -> str:
    return listed([format_time(time) for time in times])


_DAY_WORDS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def on_days(days: frozenset[int]) -> str:
    """Which days, as a sentence goes on: "every day", "on weekdays", "on Tue–Sat",
    "on Mon, Wed and Fri", "on Mondays"."""
    if days == ALL_DAYS:
        return "every day"
    if days == WEEKDAYS:
        return "on weekdays"
    if days == WEEKEND:
        return "on weekends"
    if len(days) == 1:
        return f"on {_DAY_WORDS[min(days)]}s"
    # One unbroken run of three or more (Sunday wraps to Monday): "Tue–Sat", "Fri–Mon".
    starts = [day for day in days if (day - 1) % 7 not in days]
    if len(days) >= 3 and len(starts) == 1:
        first = starts[0]
        return f"on {DAY_NAMES[first]}–{DAY_NAMES[(first + len(days) - 1) % 7]}"
    return f"on {listed([DAY_NAMES[day] for day in sorted(days)])}"


def day(date: dt.date) -> str:
    return f"{date:%a %d %b}"


def when(local: dt.datetime, today: dt.date) -> str:
    """A reminder instant relative to the chat's local today: "today at 09:00"."""
    clock = format_time(local.time())
    if local.date() == today:
        return f"today at {clock}"
    if local.date() == today + dt.timedelta(days=1):
        return f"tomorrow at {clock}"
    return f"{day(local.date())} at {clock}"


def schedule(o: Outlook, *, first: bool = False) -> str:
    """The one description of a chat's reminders — days and times, zone, any pause or skip,
    and the next one. Every reply that describes the schedule is built on it."""
    text = f"{b(f'{on_days(o.days)} at {times_list(o.times)}')} ({escape(o.zone)} time)"
    if not o.on:
        return f"{text}. Reminders are off at the moment: /start turns them on."
    if o.paused_until is not None:
        text += f", paused until {b(day(o.paused_until))} (they come back by themselves that day)"
    if o.next is None:
        return f"{text}."
    upcoming = when(o.next, o.today)
    if o.skipped_today:
        return f"{text}. Today is skipped, so the next one is {upcoming}."
    return f"{text}; the first one is {upcoming}." if first else f"{text}. Next: {upcoming}."


def next_reminder(o: Outlook) -> str | None:
    """Just the next reminder, for short replies ("tomorrow at 09:00", "Thu 03 Dec at 09:00,
    after your pause"); None if reminders are off."""
    if not o.on or o.next is None:
        return None
    upcoming = when(o.next, o.today)
    return f"{upcoming}, after your pause" if o.paused_until is not None else upcoming


def next_when(subscriber: Chat, now: dt.datetime) -> str | None:
    """:func:`next_reminder` for a stored chat (the completion message's "See you …")."""
    return next_reminder(outlook(subscriber, now))


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


# Schedule -----------------------------------------------------------------------------------


def times_set(o: Outlook) -> str:
    return f"Done ✅ Your reminders: {schedule(o)}"


def timezone_set(o: Outlook, *, no_dst: bool) -> str:
    text = (
        f"Time zone set to {b(o.zone)} — it's {format_time(o.local_now.time())} there now. "
        f"Reminders keep their local times: {schedule(o)}"
    )
    return f"{text}\n{_no_dst(o.zone)}" if no_dst else text


def _no_dst(zone: str) -> str:
    return (
        f"Note: {escape(zone)} never changes for daylight saving. If your clocks change in "
        "summer, send your city instead, e.g. /timezone Berlin or /timezone New York."
    )


_CHANGE_TIME = "To change it: /time 07:30 — or several a day: /time 07:30 13:00 17:45."
_CHANGE_DAYS = "To change the days: /days mon-fri, /days mon wed fri or /days every day."


# A settings command sent without its argument: the current value and how to change it.


def time_now(o: Outlook) -> str:
    return f"Your reminders: {schedule(o)}\n{_CHANGE_TIME}"


def timezone_now(o: Outlook, *, no_dst: bool) -> str:
    text = (
        f"Your time zone: {b(o.zone)} (it's {format_time(o.local_now.time())} there now).\n"
        "To change it, send your city or zone: /timezone Berlin, /timezone America/New_York."
    )
    return f"{text}\n{_no_dst(o.zone)}" if no_dst else text


def days_now(o: Outlook) -> str:
    return f"Your reminders: {schedule(o)}\n{_CHANGE_DAYS}"


def pause_now(o: Outlook) -> str:
    if o.paused_until is None:
        return (
            "Reminders aren't paused. /pause 7 pauses them for 7 days, "
            "/pause 2026-12-27 until that date."
        )
    return (
        f"⏸ Your reminders: {schedule(o)}\n"
        "/resume ends the pause now; /pause 7 or /pause 2026-12-27 sets a new end."
    )


def nudge_now(minutes: int | None) -> str:
    now = (
        f"If a reminder goes unanswered, I follow up once, {_after(minutes)}."
        if minutes
        else "Follow-ups are off: only the reminder itself."
    )
    return f"{now}\nTo change it: /nudge 30, /nudge 2h, /nudge off, or /nudge on (an hour)."


def pain_now(on: bool) -> str:
    if on:
        return "I ask how your back is, 0–10, before and after each session. /pain off stops that."
    return "I don't ask about pain. /pain on asks how your back is before and after sessions."


NOT_PAUSED_REMINDERS = "Reminders aren't paused. /pause 7 pauses them for a week."


def days_set(o: Outlook) -> str:
    return f"Done ✅ Your reminders: {schedule(o)}"


def paused(o: Outlook) -> str:
    return f"⏸ Done. Your reminders: {schedule(o)}\n/resume ends the pause early."


def resumed_reminders(o: Outlook) -> str:
    return f"▶️ Reminders are back on: {schedule(o)}"


# The settings keyboard's short answers to a tap.


def resumed_note(o: Outlook) -> str:
    return f"Next: {next_reminder(o) or '—'}"


def paused_note(until: dt.date) -> str:
    return f"Paused until {day(until)}"


def time_note(at: dt.time) -> str:
    return f"Daily reminder at {format_time(at)}"


def nudge_set(minutes: int | None) -> str:
    if minutes is None:
        return "OK — no follow-ups. Only the reminder itself."
    return (
        f"OK — if a reminder goes unanswered, I'll follow up once, {_after(minutes)}. "
        "/nudge off turns that off."
    )


#: A routine as lists show it: (id, title, whether it is the chat's routine).
RoutineName = tuple[str, str, bool]


def _go(routine_id: str, current: bool) -> str:
    """How to start a routine now: the chat's own needs no name."""
    return "/go" if current else f"/go {escape(routine_id)}"


def unknown_routine(name: str, known: Sequence[RoutineName], *, command: str = "go") -> str:
    """An unknown name after ``/go``, ``start`` or ``/routine``: the routines by title, each
    with the command that takes it."""
    lines = [f"I don't have a routine called {escape(quoted(name))}. These are mine:"]
    for routine_id, title, current in known:
        how = _go(routine_id, current) if command == "go" else f"/routine {escape(routine_id)}"
        lines.append(f"• {b(title)} — {how}")
    return "\n".join(lines)


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


def routine_set(title: str) -> str:
    return f"Done ✅ Your reminders now offer {b(title)}."


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
        f"Follow-up if a reminder goes unanswered: {_after(follow) if follow else 'off'}",
        "",
        "Change them with the buttons, or /time, /timezone, /days, /pause, /nudge, /routine.",
    ]
    return "\n".join(lines)


def _after(minutes: int) -> str:
    if minutes % 60 == 0:
        return f"{plural(minutes // 60, 'hour')} later"
    return f"{minutes} minutes later"


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


# Guided session -----------------------------------------------------------------------------


def intro(routine_title: str, exercises: int, length: str) -> str:
    return (
        f"🧘 {b(routine_title)}\n"
        f"{plural(exercises, 'exercise')}, {length}. Go at your own pace and never into pain.\n"
        f"You can say {b(WORD_PAUSE)}, {b(WORD_SKIP)} or {b(WORD_STOP)} at any time."
    )


def exercise_title(number: int, total: int, title: str, target: str, other_side: bool) -> str:
    if other_side:
        return f"↔️ {b(title)} — other side"
    return f"{number}/{total} · {b(title)}\n<i>For {escape(target)}.</i>"


def step(text: str) -> str:
    return escape(text)


def hold(seconds: float) -> str:
    return f"⏱ Hold for {_seconds(seconds)}"


def follow_up(text: str, seconds: float) -> str:
    return f"{escape(text)} — {_seconds(seconds, more=True)}"


RELEASE = "Release."
RELEASE_SWITCH = "Release — now switch sides."


def cue(cue: Cue) -> str:
    """A session cue as the message that says it."""
    if cue.kind is CueKind.INTRO:
        return intro(cue.words, cue.total, minutes(cue.length))
    if cue.kind is CueKind.TITLE:
        return exercise_title(cue.number, cue.total, cue.words, cue.target, cue.other_side)
    if cue.kind is CueKind.STEP:
        return step(cue.words)
    if cue.kind is CueKind.HOLD:
        return hold(cue.wait)
    if cue.kind is CueKind.FOLLOW_UP:
        return follow_up(cue.words, cue.wait)
    return RELEASE_SWITCH if cue.switch else RELEASE


def _seconds(seconds: float, *, more: bool = False) -> str:
    count = f"{seconds:g}"
    return f"{count} {'more ' if more else ''}second{'s' if count != '1' else ''}"


def completed(routine_title: str, took: str, streak: int, next_when: str | None) -> str:
    text = f"✅ Well done — {b(routine_title)} complete in {took}."
    if streak == 1:
        text += "\n🔥 Day 1 — come back tomorrow to start a streak."
    elif streak > 1:
        text += f"\n🔥 {plural(streak, 'day')} in a row!"
    if next_when:
        text += f"\nSee you {next_when}."
    return text


def partial(routine_title: str, next_when: str | None) -> str:
    """The end of a session that skipped most of its holds (bot.core.session's rule): no praise
    for a whole routine, no streak day, and no blame either."""
    text = (
        f"⏭ That's the end of {b(routine_title)} — with most of it skipped, it counts as a "
        f"partial session, not a streak day. Reply {b(WORD_START)} whenever you'd like to do "
        "it in full."
    )
    if next_when:
        text += f"\nSee you {next_when}."
    return text


SESSION_STOPPED = f"Session stopped. Reply {b(WORD_START)} whenever you want to go again."
PAUSED = f"⏸ Paused. Say {b(WORD_RESUME)} when you're ready, or {b(WORD_STOP)} to end here."


def resumed(hold_left: float | None) -> str:
    """A hold resumed: the seconds left, rounded up as its countdown shows them."""
    if hold_left:
        return f"▶️ Resuming — hold for the remaining {_seconds(math.ceil(hold_left - 1e-6))}."
    return "▶️ Resuming."


ALREADY_PAUSED = f"Already paused — say {b(WORD_RESUME)} to carry on or {b(WORD_STOP)} to end."
NOT_PAUSED = "We're not paused — carrying on."
ALREADY_RUNNING = (
    f"We're already in a session — say {b(WORD_PAUSE)}, {b(WORD_SKIP)} or {b(WORD_STOP)}."
)
SESSION_HINT = (
    f"During a session you can say {b(WORD_PAUSE)}, {b(WORD_RESUME)}, {b(WORD_SKIP)} "
    f"(next exercise) or {b(WORD_STOP)}."
)


def no_session(word: str) -> str:
    """A session word with no session running; "stop" and "pause" probably mean reminders."""
    text = "There's no session running."
    if word == WORD_STOP:
        return f"{text} To turn reminders off, send /stop."
    if word == WORD_PAUSE:
        return f"{text} To pause reminders, send /pause 7 (days)."
    return f"{text} Reply {b(WORD_START)} to begin one."


PAUSE_EXPIRED = (
    f"I've closed the paused session after a while without a word. "
    f"Reply {b(WORD_START)} to begin again."
)
INTERRUPTED = (
    f"Sorry — I restarted and your session was cut short. Reply {b(WORD_START)} to begin again."
)
STOP_SESSION_FIRST = (
    "Session stopped. Your reminders are still on — send /stop again to turn them off."
)


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
    "Send a <b>.toml</b> routine file (e.g. from your physio) to use it as your own.\n"
    "/stop — turn reminders off (your data is kept)\n"
    "/export — everything I keep about you, as a file; /export csv — your sessions as a "
    "spreadsheet, for a physio; /forget — delete it all\n"
    "/help — this message\n\n"
    "<b>On a reminder</b> reply <b>start</b>, <b>start quick</b> or <b>later</b> "
    "(in 15 minutes), or use its buttons.\n"
    "<b>During a session</b> say <b>pause</b>, <b>resume</b>, <b>skip</b> (next exercise) "
    "or <b>stop</b> — or <b>it hurts</b> to stop at once.\n\n"
    "<b>In a group</b> an admin sends /start; then anyone can reply <b>start</b> to a "
    "reminder and the whole group follows along. Only admins change settings."
)

#: The command menu Telegram shows (setMyCommands).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("go", "Start a routine now"),
    ("settings", "Your schedule, with buttons to change it"),
    ("stats", "Your streak and the last four weeks"),
    ("time", "Set reminder times, e.g. /time 07:30"),
    ("timezone", "Set your time zone, e.g. /timezone Europe/Berlin"),
    ("days", "Which days, e.g. /days mon-fri"),
    ("pause", "Pause reminders, e.g. /pause 7"),
    ("resume", "End a pause"),
    ("nudge", "Follow-up after an unanswered reminder, or off"),
    ("routine", "Pick your routine"),
    ("pain", "Pain question before and after sessions: on or off"),
    ("stop", "Turn reminders off"),
    ("start", "Set up or turn reminders back on"),
    ("help", "Everything I can do"),
    ("export", "Your data as a file (JSON, or /export csv)"),
    ("forget", "Delete everything about you"),
)


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


_EXAMPLE_TIMES = "07:30, 13:00 or 7:30pm"
_SEVERAL = "07:30 13:00 17:45"
_DAYS_EXAMPLE = "/days mon-fri, /days mon wed fri or /days every day"


def parse_error(error: ParseError) -> str:
    """Why what someone typed cannot be used, quoting it shortened (and escaped: HTML)."""
    facts, problem = error.facts, error.problem
    typed = escape(quoted(str(facts.get("text", ""))))
    suggestion = str(facts.get("suggestion") or "")
    hint = f" Did you mean {escape(suggestion)}?" if suggestion else ""
    said = {
        Problem.TIME_UNKNOWN: f"{typed} isn't a time I understand. Try {_EXAMPLE_TIMES}.",
        Problem.TIME_AMPM_HOUR: f"{typed}: with am/pm the hour goes from 1 to 12.",
        Problem.TIME_OUT_OF_RANGE: (
            f"{typed} isn't a time of day: hours go 0–23 and minutes 0–59."
        ),
        Problem.TIMES_NONE: (
            f"Which time? For example: /time 07:30 — or several: /time {_SEVERAL}."
        ),
        Problem.TIMES_TOO_MANY: (
            f"That's {facts.get('count')} times; at most {facts.get('limit')} reminders a day."
        ),
        Problem.ZONE_NONE: "Which time zone? For example: /timezone Europe/Berlin",
        Problem.ZONE_OFFSET_IMPOSSIBLE: (
            f"{typed} isn't an offset any place uses: they go from UTC-12 to UTC+14, in whole "
            "or half hours. Or send your city, e.g. /timezone Berlin."
        ),
        Problem.ZONE_UNKNOWN: (
            f"I don't know the time zone {typed}.{hint}"
            + " Use a name like Europe/Berlin or America/New_York (the zone of the nearest big "
            "city)."
        ),
        Problem.DAY_UNKNOWN: f"{typed} isn't a day I know. Try {_DAYS_EXAMPLE}.",
        Problem.DAYS_NONE: f"Which days? For example {_DAYS_EXAMPLE}.",
        Problem.PAUSE_OUT_OF_RANGE: (
            f"Pause for 1 to {facts.get('limit')} days: /pause 7, or until a date: "
            "/pause 2026-12-27."
        ),
        Problem.PAUSE_UNREADABLE: (
            "Tell me for how many days, or until which date: /pause 7 or /pause 2026-12-27."
        ),
        Problem.NUDGE_UNREADABLE: (
            "Try /nudge off, /nudge on, or a delay such as /nudge 30 or /nudge 2h."
        ),
    }
    if problem is Problem.PAUSE_NOT_FUTURE:
        return f"{_date(facts['date']):%d %b %Y} isn't in the future. Try /pause 7."
    if problem is Problem.PAUSE_TOO_LONG:
        return f"Pause for at most a year (until {_date(facts['date']).isoformat()})."
    if problem is Problem.NUDGE_OUT_OF_RANGE:
        low, high = int(str(facts["low"])), int(str(facts["high"]))
        return f"The follow-up can come {low} minutes to {high // 60} hours later."
    return said[problem]


def _date(value: object) -> dt.date:
    if not isinstance(value, dt.date):
        raise TypeError(f"not a date: {value!r}")
    return value


# Coaching: progression, pain check, "it hurts", own routines, CSV report (issue 7) -----------

WORD_HURTS = "it hurts"
#: Said during a session, each stops it at once as "it hurts" does.
HURT_WORDS = (WORD_HURTS, "hurts", "it hurts a lot", "ouch", "ow")
BUTTON_EASY = "😌 Too easy"
BUTTON_RIGHT = "👌 Just right"
BUTTON_HARD = "😣 Too hard"
BUTTON_HURTS = "🛑 Stop — it hurts"
BUTTON_PAIN_SKIP = "Skip"
PAIN_BEFORE = "How is your back right now, 0–10? (0 = no pain; tap one, or just carry on)"
PAIN_AFTER = "And now — how is your back, 0–10?"
HURT_STOP = (
    "🛑 Stopped. Don't push through pain: ease out of the position slowly and rest. "
    "I won't make that exercise longer next time. If the pain persists or comes back, "
    "please see a medical practitioner."
)
SAFETY_NOTE = (
    "Don't push through pain. If the pain persists or is severe, please see a medical "
    "practitioner."
)
#: "it hurts" with no session running, or an old hold's "Stop — it hurts" button.
HURT_NOTE = f"🛑 Stop and ease out of any position slowly, then rest. {SAFETY_NOTE}"
BUTTON_CONTINUE_GENTLY = "🐢 Continue gently"
BUTTON_STOP_TODAY = "🛑 Stop for today"
PAIN_GENTLY = (
    "🟡 Go gently today: ease into each stretch, stay short of pain, and stop if it hurts."
)
PAIN_PERSISTENT = (
    f"Your back has been sore before your last {PERSISTENT_SESSIONS} sessions. Please see a "
    "medical practitioner (your GP or a physiotherapist) before carrying on with these "
    "exercises."
)
STOPPED_FOR_TODAY = (
    f"🛑 Stopped for today. Rest and move gently. {SAFETY_NOTE} "
    f"Reply {b(WORD_START)} whenever you feel ready."
)


def pain_high(score: int, persistent: bool, *, paused: bool) -> str:
    """A high score before a session: paused (with the question of its buttons), or, if the
    session has already ended, the safety note alone."""
    too_much = f"{score} out of 10 is a lot of pain to stretch with. {SAFETY_NOTE}"
    if paused:
        lines = [f"⏸ I've paused the routine: {too_much}", "Continue gently, or stop for today?"]
    else:
        lines = [f"🔴 {too_much}"]
    if persistent:
        lines.append(PAIN_PERSISTENT)
    return "\n".join(lines)


def gate_answered(question: str, go_on: bool) -> str:
    return f"{question}\n— {'continuing gently' if go_on else 'stopped for today'}"


def pain_rose(before: int, after: int) -> str:
    return (
        f"Your back feels worse than before the session ({before} → {after}). Rest today, and "
        f"go gentler next time. {SAFETY_NOTE}"
    )


PAIN_STILL_HIGH = f"Sorry your back is sore. Rest today. {SAFETY_NOTE}"
PAIN_ON = "I'll ask how your back is before and after each session. /pain off stops that."
PAIN_OFF = "I won't ask about pain any more. /pain on brings the question back."
PAIN_USAGE = "Use /pain on or /pain off."


def pain_answered(question: str, value: int | None) -> str:
    return f"{question} — {value}" if value is not None else f"{question} — skipped"


def feedback_noted(
    label: str, before: float, after: float, *, hurt: bool = False, limit: str = ""
) -> str:
    """The answer to a feedback button, shown on the release message; ``limit`` is "most"
    or "least" when the vote asked to go past the stretch's bounds."""
    if hurt:
        return f"Noted — it hurt, so {escape(label)} stays at {_seconds(after)} next time."
    if limit:
        return f"Noted — {escape(label)}: {after:g} s is the {limit} this stretch goes to."
    if after > before:
        return f"Noted — {escape(label)}: {_seconds(after)} next time."
    if after < before:
        return f"Noted — {escape(label)}: down to {_seconds(after)} next time."
    return f"Noted — {escape(label)} stays at {_seconds(after)}."


def holds_summary(
    routines: Mapping[str, Sequence[tuple[str, Sequence[tuple[str, float, bool]]]]],
) -> str:
    """/stats: per routine, each adapting exercise's time per side (side, seconds, whether it
    had feedback), and which side is tighter — only when both sides had feedback: a side with
    none is unknown, not tighter. Routine titles are shown when there are several."""
    shown = {routine: rows for routine, rows in routines.items() if rows}
    lines = ["<b>Your holds</b>"]
    for routine, rows in shown.items():
        if len(shown) > 1:
            lines.append(f"<i>{escape(routine)}</i>")
        for title, sides in rows:
            per_side = " · ".join(
                f"{side} {seconds:g} s" if side else f"{seconds:g} s" for side, seconds, _ in sides
            )
            line = f"{escape(title)}: {per_side}"
            known = len(sides) == 2 and all(adapted for _, _, adapted in sides)
            if known and sides[0][1] != sides[1][1]:
                (side_a, a, _), (side_b, other, _) = sides
                tighter = side_a if a < other else side_b
                low, high = min(a, other), max(a, other)
                line += f" — your {tighter} side is tighter ({low:g} s vs {high:g} s)"
            lines.append(line)
    return "\n".join(lines)


def pain_trend(weeks: Sequence[tuple[dt.date, float | None, float | None]]) -> str:
    """/stats: the weekly average pain before → after sessions."""
    lines = ["<b>Back pain</b> (0–10, weekly average, before → after)"]
    for monday, before, after in weeks:
        shown = [f"{value:.1f}" if value is not None else "–" for value in (before, after)]
        lines.append(f"w/c {monday:%d %b}: {shown[0]} → {shown[1]}")
    return "\n".join(lines)


UPLOAD_NOT_TOML = (
    "Send your routine as a .toml file — the format is in the README, with an example."
)
UPLOAD_FAILED = "Sorry, I couldn't download that file. Please send it again in a moment."


def upload_rejected(problems: Sequence[str]) -> str:
    """Every problem with an upload, as many as one message holds, then "… and N more"."""
    head = "I couldn't use that routine — nothing was saved:"
    room = MAX_MESSAGE - len(head) - len(f"\n… and {len(problems)} more")
    lines = []
    for problem in problems:
        line = f"• {problem}"
        room -= 1 + len(line)
        if room < 0:
            break
        lines.append(escape(line))
    if len(lines) < len(problems):
        lines.append(f"… and {len(problems) - len(lines)} more")
    return "\n".join([head, *lines])


def upload_accepted(title: str, routine_id: str) -> str:
    return (
        f"✅ Saved {b(title)} as your own routine. Only you can see it. "
        f"Start it with /go {escape(routine_id)}, or pick it in /routine."
    )
