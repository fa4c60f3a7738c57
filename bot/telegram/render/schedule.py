"""The schedule in words: days, times, the next reminder, and the replies to the commands that
change it (/time, /timezone, /days, /pause, /resume, /nudge); why typed input cannot be used.

Day names and dates are Babel's for the language being spoken; what people type (``/days
mon-fri``, ``/days every day``) stays English, as the core parses it, so the examples do too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape

from babel.dates import format_date, format_skeleton, get_day_names

from bot.core.outlook import Outlook
from bot.core.parsing import (
    ALL_DAYS,
    WEEKDAYS,
    WEEKEND,
    ParseError,
    Problem,
    format_time,
    quoted,
)
from bot.features import schedule_settings as notes
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.i18n import N_, _, ngettext
from bot.telegram.render.words import b, listed, times_list

#: One weekday, Monday first, as a sentence goes on: each language says it its own way
#: ("montags", "los lunes", "по понедельникам").
_ON_DAY = (
    N_("on Mondays"),
    N_("on Tuesdays"),
    N_("on Wednesdays"),
    N_("on Thursdays"),
    N_("on Fridays"),
    N_("on Saturdays"),
    N_("on Sundays"),
)


def day_name(day: int) -> str:
    """A weekday's short name (0 is Monday) in the language being spoken: "Tue", "Di."."""
    return str(get_day_names("abbreviated", locale=i18n.locale())[day])


def on_days(days: frozenset[int]) -> str:
    """Which days, as a sentence goes on: "every day", "on weekdays", "on Tue–Sat",
    "on Mon, Wed and Fri", "on Mondays"."""
    if days == ALL_DAYS:
        return _("every day")
    if days == WEEKDAYS:
        return _("on weekdays")
    if days == WEEKEND:
        return _("on weekends")
    if len(days) == 1:
        return _(_ON_DAY[min(days)])
    # One unbroken run of three or more (Sunday wraps to Monday): "Tue–Sat", "Fri–Mon".
    starts = [day for day in days if (day - 1) % 7 not in days]
    if len(days) >= 3 and len(starts) == 1:
        first = starts[0]
        return _("on {first}–{last}").format(
            first=day_name(first), last=day_name((first + len(days) - 1) % 7)
        )
    return _("on {days}").format(days=listed([day_name(day) for day in sorted(days)]))


def day(date: dt.date) -> str:
    """A date near enough to need no year: "Tue 1 Dec", "Di., 1. Dez."."""
    return str(format_skeleton("MMMEd", date, locale=i18n.locale()))


def when(local: dt.datetime, today: dt.date) -> str:
    """A reminder instant relative to the chat's local today: "today at 09:00"."""
    clock = format_time(local.time())
    if local.date() == today:
        return _("today at {time}").format(time=clock)
    if local.date() == today + dt.timedelta(days=1):
        return _("tomorrow at {time}").format(time=clock)
    return _("{date} at {time}").format(date=day(local.date()), time=clock)


def schedule(o: Outlook, *, first: bool = False) -> str:
    """The one description of a chat's reminders — days and times, zone, any pause or skip,
    and the next one. Every reply that describes the schedule is built on it."""
    days_times = _("{days} at {times}").format(days=on_days(o.days), times=times_list(o.times))
    text = _("{schedule} ({zone} time)").format(schedule=b(days_times), zone=escape(o.zone))
    if not o.on:
        return _("{schedule}. Reminders are off at the moment: /start turns them on.").format(
            schedule=text
        )
    if o.paused_until is not None:
        text = _("{schedule}, paused until {date} (they come back by themselves that day)").format(
            schedule=text, date=b(day(o.paused_until))
        )
    if o.next is None:
        return _("{schedule}.").format(schedule=text)
    upcoming = when(o.next, o.today)
    if o.skipped_today:
        return _("{schedule}. Today is skipped, so the next one is {when}.").format(
            schedule=text, when=upcoming
        )
    if first:
        return _("{schedule}; the first one is {when}.").format(schedule=text, when=upcoming)
    return _("{schedule}. Next: {when}.").format(schedule=text, when=upcoming)


def next_reminder(o: Outlook) -> str | None:
    """Just the next reminder, for short replies ("tomorrow at 09:00", "Thu 3 Dec at 09:00,
    after your pause"); None if reminders are off."""
    if not o.on or o.next is None:
        return None
    upcoming = when(o.next, o.today)
    if o.paused_until is not None:
        return _("{when}, after your pause").format(when=upcoming)
    return upcoming


# Schedule -----------------------------------------------------------------------------------


def times_set(o: Outlook) -> str:
    return _("Done ✅ Your reminders: {schedule}").format(schedule=schedule(o))


def timezone_set(o: Outlook, *, no_dst: bool) -> str:
    text = _(
        "Time zone set to {zone} — it's {time} there now. "
        "Reminders keep their local times: {schedule}"
    ).format(zone=b(o.zone), time=format_time(o.local_now.time()), schedule=schedule(o))
    return f"{text}\n{_no_dst(o.zone)}" if no_dst else text


def _no_dst(zone: str) -> str:
    return _(
        "Note: {zone} never changes for daylight saving. If your clocks change in "
        "summer, send your city instead, e.g. /timezone Berlin or /timezone New York."
    ).format(zone=escape(zone))


def _change_time() -> str:
    return _("To change it: /time 07:30 — or several a day: /time 07:30 13:00 17:45.")


def _change_days() -> str:
    return _("To change the days: /days mon-fri, /days mon wed fri or /days every day.")


# A settings command sent without its argument: the current value and how to change it.


def time_now(o: Outlook) -> str:
    return _your_reminders(o) + "\n" + _change_time()


def _your_reminders(o: Outlook) -> str:
    return _("Your reminders: {schedule}").format(schedule=schedule(o))


def timezone_now(o: Outlook, *, no_dst: bool) -> str:
    text = _(
        "Your time zone: {zone} (it's {time} there now).\n"
        "To change it, send your city or zone: /timezone Berlin, /timezone America/New_York."
    ).format(zone=b(o.zone), time=format_time(o.local_now.time()))
    return f"{text}\n{_no_dst(o.zone)}" if no_dst else text


def days_now(o: Outlook) -> str:
    return _your_reminders(o) + "\n" + _change_days()


def pause_now(o: Outlook) -> str:
    if o.paused_until is None:
        return _(
            "Reminders aren't paused. /pause 7 pauses them for 7 days, "
            "/pause 2026-12-27 until that date."
        )
    return (
        "⏸ "
        + _your_reminders(o)
        + "\n"
        + _("/resume ends the pause now; /pause 7 or /pause 2026-12-27 sets a new end.")
    )


def nudge_now(minutes: int | None) -> str:
    if minutes:
        now = _("If a reminder goes unanswered, I follow up once, {after}.").format(
            after=after_minutes(minutes)
        )
    else:
        now = _("Follow-ups are off: only the reminder itself.")
    return (
        now + "\n" + _("To change it: /nudge 30, /nudge 2h, /nudge off, or /nudge on (an hour).")
    )


def pain_now(on: bool) -> str:
    if on:
        return _(
            "I ask how your back is, 0–10, before and after each session. /pain off stops that."
        )
    return _("I don't ask about pain. /pain on asks how your back is before and after sessions.")


def not_paused_reminders() -> str:
    return _("Reminders aren't paused. /pause 7 pauses them for a week.")


def days_set(o: Outlook) -> str:
    return _("Done ✅ Your reminders: {schedule}").format(schedule=schedule(o))


def paused(o: Outlook) -> str:
    return "⏸ " + _("Done. Your reminders: {schedule}\n/resume ends the pause early.").format(
        schedule=schedule(o)
    )


def resumed_reminders(o: Outlook) -> str:
    return "▶️ " + _("Reminders are back on: {schedule}").format(schedule=schedule(o))


def nudge_set(minutes: int | None) -> str:
    if minutes is None:
        return _("OK — no follow-ups. Only the reminder itself.")
    return _(
        "OK — if a reminder goes unanswered, I'll follow up once, {after}. "
        "/nudge off turns that off."
    ).format(after=after_minutes(minutes))


#: A routine as lists show it: (id, title, whether it is the chat's routine).
RoutineName = tuple[str, str, bool]


def _go(routine_id: str, current: bool) -> str:
    """How to start a routine now: the chat's own needs no name."""
    return "/go" if current else f"/go {escape(routine_id)}"


def unknown_routine(name: str, known: Sequence[RoutineName], *, command: str = "go") -> str:
    """An unknown name after ``/go``, ``start`` or ``/routine``: the routines by title, each
    with the command that takes it."""
    lines = [
        _("I don't have a routine called {name}. These are mine:").format(
            name=escape(quoted(name))
        )
    ]
    for routine_id, title, current in known:
        how = _go(routine_id, current) if command == "go" else f"/routine {escape(routine_id)}"
        lines.append(f"• {b(i18n.translate_content(title))} — {how}")
    return "\n".join(lines)


def parse_error(error: ParseError) -> str:
    """Why what someone typed cannot be used, quoting it shortened (and escaped: HTML)."""
    facts, problem = error.facts, error.problem
    typed = escape(quoted(str(facts.get("text", ""))))
    if problem is Problem.ZONE_UNKNOWN:
        return _zone_unknown(typed, str(facts.get("suggestion") or ""))
    if problem is Problem.TIMES_TOO_MANY:
        count, limit = int(str(facts["count"])), int(str(facts["limit"]))
        return ngettext(
            "That's {count} time; at most {limit} reminders a day.",
            "That's {count} times; at most {limit} reminders a day.",
            count,
        ).format(count=count, limit=limit)
    if problem is Problem.PAUSE_OUT_OF_RANGE:
        return _(
            "Pause for 1 to {limit} days: /pause 7, or until a date: /pause 2026-12-27."
        ).format(limit=facts.get("limit"))
    if problem is Problem.PAUSE_NOT_FUTURE:
        date = format_date(_date(facts["date"]), "medium", locale=i18n.locale())
        return _("{date} isn't in the future. Try /pause 7.").format(date=date)
    if problem is Problem.PAUSE_TOO_LONG:
        return _("Pause for at most a year (until {date}).").format(
            date=_date(facts["date"]).isoformat()
        )
    if problem is Problem.BREAKS_OUT_OF_RANGE:
        low, high = int(str(facts["low"])), int(str(facts["high"]))
        return _(
            "Breaks can come every {low} to {high} minutes: /breaks 45. Nothing changed."
        ).format(low=low, high=high)
    if problem is Problem.NUDGE_OUT_OF_RANGE:
        low, high = int(str(facts["low"])), int(str(facts["high"]))
        return _("The follow-up can come {low} minutes to {high} hours later.").format(
            low=low, high=high // 60
        )
    return _(_SAID[problem]).format(typed=typed)


#: The problems said the same whatever was typed but the quote (``{typed}``).
_SAID = {
    Problem.TIME_UNKNOWN: N_("{typed} isn't a time I understand. Try 07:30, 13:00 or 7:30pm."),
    Problem.TIME_AMPM_HOUR: N_("{typed}: with am/pm the hour goes from 1 to 12."),
    Problem.TIME_OUT_OF_RANGE: N_("{typed} isn't a time of day: hours go 0–23 and minutes 0–59."),
    Problem.TIMES_NONE: N_(
        "Which time? For example: /time 07:30 — or several: /time 07:30 13:00 17:45."
    ),
    Problem.ZONE_NONE: N_("Which time zone? For example: /timezone Europe/Berlin"),
    Problem.ZONE_OFFSET_IMPOSSIBLE: N_(
        "{typed} isn't an offset any place uses: they go from UTC-12 to UTC+14, in whole "
        "or half hours. Or send your city, e.g. /timezone Berlin."
    ),
    Problem.DAY_UNKNOWN: N_(
        "{typed} isn't a day I know. Try /days mon-fri, /days mon wed fri or /days every day."
    ),
    Problem.DAYS_NONE: N_(
        "Which days? For example /days mon-fri, /days mon wed fri or /days every day."
    ),
    Problem.PAUSE_UNREADABLE: N_(
        "Tell me for how many days, or until which date: /pause 7 or /pause 2026-12-27."
    ),
    Problem.NUDGE_UNREADABLE: N_(
        "Try /nudge off, /nudge on, or a delay such as /nudge 30 or /nudge 2h."
    ),
    Problem.BREAKS_UNREADABLE: N_(
        "Tell me every how many minutes: /breaks 45, or /breaks off. Nothing changed."
    ),
    Problem.HOURS_UNREADABLE: N_(
        "{typed} isn't a window of work hours. Try /workhours 09:00-17:30. Nothing changed."
    ),
    Problem.HOURS_REVERSED: N_(
        "Work hours {typed} end before they start: try /workhours 09:00-17:30 "
        "(one window within a day). Nothing changed."
    ),
}


def _zone_unknown(typed: str, suggestion: str) -> str:
    """An unknown zone, with the nearest one it may have meant."""
    text = _("I don't know the time zone {typed}.").format(typed=typed)
    if suggestion:
        text += " " + _("Did you mean {zone}?").format(zone=escape(suggestion))
    return (
        text
        + " "
        + _(
            "Send a city (in any language: /timezone München) or a zone like Europe/Berlin"
            " — or, in our private chat, share your location (📎 → Location)."
        )
    )


def _date(value: object) -> dt.date:
    if not isinstance(value, dt.date):
        raise TypeError(f"not a date: {value!r}")
    return value


def after_minutes(minutes: int) -> str:
    """How long a follow-up waits, as a sentence goes on: "an hour later" is "1 hour later"."""
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("{count} hour later", "{count} hours later", hours).format(count=hours)
    return ngettext("{count} minute later", "{count} minutes later", minutes).format(count=minutes)


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
    notes.NotPaused: lambda _note: _text(not_paused_reminders()),
    notes.Resumed: lambda n: _text(resumed_reminders(n.schedule)),
    notes.NudgeNow: lambda n: _text(nudge_now(n.minutes)),
    notes.NudgeSet: lambda n: _text(nudge_set(n.minutes)),
    notes.PainNow: lambda n: _text(pain_now(n.on)),
    notes.BadArgument: lambda n: _text(parse_error(n.error)),
}
