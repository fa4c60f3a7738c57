"""Micro-breaks during work hours (opt-in): /breaks and /workhours, the break timer, its prompt
and buttons, and "in a meeting".

One timer per chat, ``break:{chat}``, at the next instant :func:`bot.core.breaks.next_break`
allows. When it fires the rule is asked again with what is true now (a pause, a mute, a session
just done), so a timer set before a change never sends a break the change forbids: it moves on
instead. A prompt is claimed in the store before its send (``BreakPlan.last_at``: the same rule
as a reminder's claim), so no interval gets two prompts, across a restart or instances; on
PostgreSQL the timer is a row any instance claims. Prompts ride the bulk lane, under the shared
send budget. An unanswered prompt is not repeated; its buttons stop counting when the next one
is sent. The interval, "in 10 min" and the meeting mute are relative delays: TIME_SCALE applies
to them; the work-hours window is wall-clock.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from bot.core.breaks import next_break, parse_breaks, parse_work_hours
from bot.core.chat import BreakPlan, Chat, SessionStatus
from bot.core.routines import RoutineBook
from bot.features.account import Permission
from bot.features.reminder_delivery import Sessions
from bot.ports import Blocked, Clock, Lane, Note, Outbox, Store, Timer, Timers, Unreachable

__all__ = [
    "BREAK",
    "LATER_MINUTES",
    "MEETING_MINUTES",
    "Action",
    "BreakExpired",
    "BreakPrompt",
    "BreakPut",
    "BreakTaken",
    "Breaks",
    "BreaksNow",
    "Meeting",
    "break_name",
]

_LOGGER = logging.getLogger(__name__)

BREAK = "break"
#: "In 10 min" and "In a meeting", in minutes (times TIME_SCALE).
LATER_MINUTES = 10
MEETING_MINUTES = 60
#: The sessions whose end keeps breaks away for a while (bot.core.breaks.QUIET).
_RECENT_SESSIONS = 3


def break_name(chat_id: int) -> str:
    return f"{BREAK}:{chat_id}"


class Action(StrEnum):
    """A break prompt's buttons."""

    START = "go"
    DONE = "done"
    LATER = "later"
    NOT_NOW = "no"
    MEETING = "meet"


# Notes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BreaksNow(Note):
    """/breaks, /workhours (shown or changed), and the breaks line of /settings."""

    plan: BreakPlan
    #: When the next break comes, in the chat's zone; None: none is coming.
    next_at: dt.datetime | None
    #: What changed: "breaks", "hours", or "" when only shown.
    changed: str = ""
    #: The chat's local date now, so the next break can be "today" or "tomorrow".
    today: dt.date | None = None


@dataclass(frozen=True, slots=True)
class BreakPrompt(Note):
    """Time for a short break: the micro-routine, or Done, later, not now, a meeting."""

    #: Its instant in milliseconds (scaled intervals can be under a second), on its buttons.
    number: int
    routine_title: str
    seconds: float
    #: Minutes until the next one, as the user set them (unscaled).
    minutes: int


@dataclass(frozen=True, slots=True)
class BreakTaken(Note):
    """Done: the break counted."""

    taken: int


@dataclass(frozen=True, slots=True)
class BreakPut(Note):
    """The prompt was answered with "in 10 min" or "not now"."""

    action: Action


@dataclass(frozen=True, slots=True)
class Meeting(Note):
    """In a meeting: no breaks until ``until`` (the chat's zone)."""

    until: dt.datetime
    breaks_on: bool


@dataclass(frozen=True, slots=True)
class BreakExpired(Note):
    """A button of a prompt that has ended (answered, or a newer one came)."""


# The feature ------------------------------------------------------------------------------

#: Runs a settings command: shows the setting without an argument, checks rights, parses
#: (ParseError → a friendly reply), applies (``ScheduleSettings.command``).
SettingsCommand = Callable[..., Awaitable[Note]]


class Breaks:
    """Micro-breaks: the settings, the timer, the prompt and its answers."""

    def __init__(
        self,
        store: Store,
        timers: Timers,
        outbox: Outbox,
        clock: Clock,
        routines: RoutineBook,
        sessions: Sessions,
        command: SettingsCommand,
        time_scale: float,
        grace: dt.timedelta,
    ) -> None:
        self._store = store
        self._timers = timers
        self._outbox = outbox
        self._clock = clock
        self._routines = routines
        self._sessions = sessions
        self._command = command
        self._time_scale = time_scale
        self._grace = grace
        timers.on(BREAK, self.on_break)

    def scaled(self, minutes: int) -> dt.timedelta:
        """A relative delay: TIME_SCALE applies (the work-hours window stays wall-clock)."""
        return dt.timedelta(minutes=minutes) * self._time_scale

    # Settings ---------------------------------------------------------------------------

    async def breaks(
        self, chat_id: int, argument: str, *, group: bool, allowed: Permission
    ) -> Note:
        """``/breaks 45`` (20–180 minutes), ``/breaks off``; alone: how breaks are set."""

        async def apply(chat: Chat, minutes: int | None) -> Note:
            saved = await self._change(chat, lambda plan: replace(plan, minutes=minutes))
            return await self._now(saved, "breaks")

        return await self._command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=self.now_note,
            parse=lambda text, _: parse_breaks(text),
            apply=apply,
        )

    async def work_hours(
        self, chat_id: int, argument: str, *, group: bool, allowed: Permission
    ) -> Note:
        """``/workhours 09:00-17:30``; alone: how breaks are set."""

        async def apply(chat: Chat, window: tuple[dt.time, dt.time]) -> Note:
            start, end = window
            saved = await self._change(chat, lambda plan: replace(plan, start=start, end=end))
            return await self._now(saved, "hours")

        return await self._command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=self.now_note,
            parse=lambda text, _: parse_work_hours(text),
            apply=apply,
        )

    def now_note(self, chat: Chat, changed: str = "") -> BreaksNow:
        """The breaks as set, with when the next one would come (settings, /breaks)."""
        when = self._next(chat, self._basis(chat.breaks))
        local = when.astimezone(chat.schedule.zone) if when is not None else None
        today = chat.schedule.local_date(self._clock.now())
        return BreaksNow(chat.breaks, local, changed, today)

    async def _now(self, chat: Chat, changed: str) -> BreaksNow:
        return self.now_note(chat, changed)

    async def _change(self, chat: Chat, change: Callable[[BreakPlan], BreakPlan]) -> Chat:
        saved = await self._store.change(
            chat.chat_id, lambda current: replace(current, breaks=change(current.breaks))
        )
        await self.reschedule(saved or chat)
        return saved or chat

    # The timer --------------------------------------------------------------------------

    def _interval(self, plan: BreakPlan) -> dt.timedelta:
        return self.scaled(plan.minutes or 0)

    def _basis(self, plan: BreakPlan) -> dt.datetime:
        """What the next interval counts from: the last prompt, unless that is more than an
        interval ago (after downtime, or breaks just turned on): now."""
        now = self._clock.now()
        last = plan.last_at
        return last if last is not None and last + self._interval(plan) > now else now

    def _next(
        self, chat: Chat, after: dt.datetime, ended: tuple[dt.datetime, ...] = ()
    ) -> dt.datetime | None:
        interval = self._interval(chat.breaks)
        return next_break(chat.schedule, chat.breaks, after, interval, sessions_ended=ended)

    async def reschedule(self, chat: Chat) -> None:
        """Set or cancel the chat's break timer from its saved settings (after /breaks,
        /workhours, a meeting, any schedule change, and at start-up)."""
        when = self._next(chat, self._basis(chat.breaks)) if chat.breaks.minutes else None
        await self._set(chat.chat_id, when)

    async def follow(self, chat: Chat) -> None:
        """The chat's schedule changed (or the bot started): its breaks follow, if it has any
        (a chat without them has no timer to touch)."""
        if chat.breaks.minutes is not None:
            await self.reschedule(chat)

    async def _ended(self, chat_id: int) -> tuple[dt.datetime, ...]:
        records = (await self._store.history(chat_id))[-_RECENT_SESSIONS:]
        return tuple(r.ended_at for r in records if r.status is not SessionStatus.INTERRUPTED)

    async def on_break(self, timer: Timer) -> None:
        """A break came due: if the rule still allows it now, claim it and prompt once; the
        next one is set first, so nothing below can end the chain."""
        chat = await self._store.chat(timer.chat_id)
        if chat is None or chat.breaks.minutes is None:
            return
        due, now = timer.due, self._clock.now()
        if now - due > self._grace:  # found late (every instance was down): start afresh
            await self.reschedule(chat)
            return
        ended = await self._ended(chat.chat_id)
        allowed = self._next(chat, due - self._interval(chat.breaks), ended)
        if allowed is None or allowed > due:  # a pause, a mute, a session just done…
            await self._set(chat.chat_id, allowed)
            return
        await self._set(chat.chat_id, self._next(chat, due, ended))
        if await self._sessions.running(chat.chat_id):
            return  # never during a session: this interval's break is skipped
        async with self._outbox.bulk_slot():
            await self._prompt(chat, due)

    async def _set(self, chat_id: int, when: dt.datetime | None) -> None:
        if when is None:
            await self._timers.cancel(break_name(chat_id))
        else:
            await self._timers.set(Timer(break_name(chat_id), BREAK, chat_id, when))

    async def _prompt(self, chat: Chat, due: dt.datetime) -> None:
        """Claim the break at ``due`` (once), close the previous prompt, send this one."""
        number, previous = round(due.timestamp() * 1000), chat.breaks.message_id
        claimed = False

        def claim(current: Chat) -> Chat:
            nonlocal claimed, previous
            last = current.breaks.last_at
            claimed = last is None or last < due
            if not claimed:
                return current
            previous = current.breaks.message_id
            plan = replace(current.breaks, last_at=due, number=number, message_id=None)
            return replace(current, breaks=plan)

        await self._store.change(chat.chat_id, claim)
        if not claimed:
            _LOGGER.info("The break at %s for chat %s was already sent", due, chat.chat_id)
            return
        if previous is not None:
            await self._drop(chat.chat_id, previous)
        micro = self._routines.micro
        seconds = self._sessions.script_seconds(micro) if micro else 0.0
        note = BreakPrompt(number, micro.title if micro else "", seconds, chat.breaks.minutes or 0)
        try:
            message_id = await self._outbox.send(chat.chat_id, note, lane=Lane.BULK, sound=True)
        except Blocked:
            # No prompt every interval into a 403: breaks resume when the chat writes again
            # (the reminders' welcome back reschedules, and breaks follow).
            await self._timers.cancel(break_name(chat.chat_id))
            return
        except Unreachable as error:
            # Not retried: a break late is no break; the next comes at the next interval.
            _LOGGER.info("Break prompt for chat %s not sent: %s", chat.chat_id, error)
            return

        def record(current: Chat) -> Chat:
            if current.breaks.number != number:
                return current
            return replace(current, breaks=replace(current.breaks, message_id=message_id))

        await self._store.change(chat.chat_id, record)

    async def _drop(self, chat_id: int, message_id: int) -> None:
        try:
            await self._outbox.drop_buttons(chat_id, message_id)
        except (Blocked, Unreachable) as error:
            _LOGGER.info("Could not close the break prompt in chat %s: %s", chat_id, error)

    # Answers ----------------------------------------------------------------------------

    async def press(self, chat_id: int, action: Action, number: int, message_id: int) -> Note:
        """A prompt's button: it counts once, and only while its prompt is the live one; its
        buttons come off either way. START's caller then runs the micro-routine."""
        answered = False
        now = self._clock.now()

        def answer(current: Chat) -> Chat:
            nonlocal answered
            answered = current.breaks.number == number
            if not answered:
                return current
            plan = replace(current.breaks, number=None, message_id=None)
            if action is Action.DONE:
                plan = replace(plan, taken=plan.taken + 1)
            if action is Action.MEETING:
                plan = replace(plan, muted_until=now + self.scaled(MEETING_MINUTES))
            return replace(current, breaks=plan)

        saved = await self._store.change(chat_id, answer)
        await self._drop(chat_id, message_id)
        if not answered or saved is None:
            return BreakExpired()
        if action is Action.DONE:
            return BreakTaken(saved.breaks.taken)
        if action is Action.MEETING:
            return await self._muted(saved)
        if action is Action.LATER:
            later = now + self.scaled(LATER_MINUTES)
            await self._timers.set(Timer(break_name(chat_id), BREAK, chat_id, later))
        return BreakPut(action)

    async def meeting(self, chat_id: int) -> Note | None:
        """The word "meeting": no breaks for an hour (the live prompt closes); None if the chat
        has no settings."""
        until = self._clock.now() + self.scaled(MEETING_MINUTES)
        live: int | None = None

        def mute(current: Chat) -> Chat:
            nonlocal live
            live = current.breaks.message_id
            plan = replace(current.breaks, muted_until=until, number=None, message_id=None)
            return replace(current, breaks=plan)

        saved = await self._store.change(chat_id, mute)
        if saved is None:
            return None
        if live is not None:
            await self._drop(chat_id, live)
        return await self._muted(saved)

    async def _muted(self, chat: Chat) -> Meeting:
        await self.reschedule(chat)
        until = chat.breaks.muted_until or self._clock.now()
        return Meeting(until.astimezone(chat.schedule.zone), chat.breaks.minutes is not None)
