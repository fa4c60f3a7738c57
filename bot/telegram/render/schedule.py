"""The schedule in words: days, times, the next reminder, and the replies to the commands that
change it (/time, /timezone, /days, /pause, /resume, /nudge); why typed input cannot be used."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from bot.core.outlook import Outlook
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
from bot.features import schedule_settings as notes
from bot.telegram.render import Rendered, Renderers
from bot.telegram.render.words import b, listed, plural, times_list

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
        f"If a reminder goes unanswered, I follow up once, {after_minutes(minutes)}."
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


def nudge_set(minutes: int | None) -> str:
    if minutes is None:
        return "OK — no follow-ups. Only the reminder itself."
    return (
        f"OK — if a reminder goes unanswered, I'll follow up once, {after_minutes(minutes)}. "
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
            + " Send a city (in any language: /timezone München) or a zone like Europe/Berlin"
            " — or, in our private chat, share your location (📎 → Location)."
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
        Problem.BREAKS_UNREADABLE: (
            "Tell me every how many minutes: /breaks 45, or /breaks off. Nothing changed."
        ),
        Problem.HOURS_UNREADABLE: (
            f"{typed} isn't a window of work hours. Try /workhours 09:00-17:30. Nothing changed."
        ),
        Problem.HOURS_REVERSED: (
            f"Work hours {typed} end before they start: try /workhours 09:00-17:30 "
            "(one window within a day). Nothing changed."
        ),
    }
    if problem is Problem.PAUSE_NOT_FUTURE:
        return f"{_date(facts['date']):%d %b %Y} isn't in the future. Try /pause 7."
    if problem is Problem.PAUSE_TOO_LONG:
        return f"Pause for at most a year (until {_date(facts['date']).isoformat()})."
    if problem is Problem.BREAKS_OUT_OF_RANGE:
        low, high = int(str(facts["low"])), int(str(facts["high"]))
        return f"Breaks can come every {low} to {high} minutes: /breaks 45. Nothing changed."
    if problem is Problem.NUDGE_OUT_OF_RANGE:
        low, high = int(str(facts["low"])), int(str(facts["high"]))
        return f"The follow-up can come {low} minutes to {high // 60} hours later."
    return said[problem]


def _date(value: object) -> dt.date:
    if not isinstance(value, dt.date):
        raise TypeError(f"not a date: {value!r}")
    return value


def after_minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        return f"{plural(minutes // 60, 'hour')} later"
    return f"{minutes} minutes later"


def _text(text: str) -> Rendered:
    return Rendered(text)


RENDERERS: Renderers = {
    notes.TimeNow: lambda n: _text(time_now(n.schedule)),
    notes.TimesSet: lambda n: _text(times_set(n.schedule)),
    notes.TimezoneNow: lambda n: _text(timezone_now(n.schedule, no_dst=n.no_dst)),
    notes.TimezoneSet: lambda n: _text(timezone_set(n.schedule, no_dst=n.no_dst)),
    notes.DaysNow: lambda n: _text(days_now(n.schedule)),
    notes.DaysSet: lambda n: _text(days_set(n.schedule)),
    notes.PauseNow: lambda n: _text(pause_now(n.schedule)),
    notes.Paused: lambda n: _text(paused(n.schedule)),
    notes.NotPaused: lambda _: _text(NOT_PAUSED_REMINDERS),
    notes.Resumed: lambda n: _text(resumed_reminders(n.schedule)),
    notes.NudgeNow: lambda n: _text(nudge_now(n.minutes)),
    notes.NudgeSet: lambda n: _text(nudge_set(n.minutes)),
    notes.PainNow: lambda n: _text(pain_now(n.on)),
    notes.BadArgument: lambda n: _text(parse_error(n.error)),
}
