"""The account: /start and /stop, the guards every update passes, and /stats.

Methods take plain values (a chat id, the sender's name, whether the chat is a group) and
return notes, what to say as data; every change to a chat is a unit of work
(``store.change``). Two facts only Telegram knows come in from the handlers as callables:

* :data:`Permission` — whether the sender may change the chat's settings (in a group, a
  ``getChatMember`` call): asked only when a change is really requested, as before;
* :data:`Reply` — how to answer the command, for a question whose message the store remembers
  (/forget, /broadcast).

Reminders and guided sessions are other features; the account reaches them through the small
protocols :class:`Reminders` and :class:`Sessions` (wired in ``bot.app``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from typing import Protocol

from bot.core.chart import ChartData, chart_data
from bot.core.chat import Chat, Schedule
from bot.core.flood import Verdict
from bot.core.outlook import Outlook, outlook
from bot.core.progression import SideHold, current_holds
from bot.core.routines import Routine, RoutineBook
from bot.core.stats import DayMark, Progress, counts_as_done, day_marks, pain_weeks, progress
from bot.core.uploads import available, chat_routine
from bot.features.language_notes import LanguageNow, LanguageSet, LanguageUnknown
from bot.ports import Clock, FloodLedger, Note, Store

__all__ = [
    "Account",
    "AdminsOnly",
    "AlreadySetUp",
    "AlreadyUnsubscribed",
    "NotSetUp",
    "Permission",
    "Reminders",
    "Reply",
    "Resubscribed",
    "Sessions",
    "SettingsUnreadable",
    "Stats",
    "StopSessionFirst",
    "Unsubscribed",
    "Welcome",
]

#: Whether the sender may change the chat's settings (always, in a private chat).
Permission = Callable[[], Awaitable[bool]]
#: Send a note as the answer to the command; the id of the message it became, if any.
Reply = Callable[[Note], Awaitable[int | None]]


class Reminders(Protocol):
    """What the account needs from the reminders feature."""

    async def reschedule(self, chat: Chat) -> object:
        """Replace the chat's reminder timers by those of its saved schedule (none if off)."""
        ...

    async def cancel_pending(
        self, chat_id: int, *, snooze: bool = True, follow_up: bool = True
    ) -> None:
        """Cancel the timer of a snoozed reminder and/or of the follow-up."""
        ...

    async def close_reminder(self, chat_id: int) -> None:
        """The live reminder's buttons stop counting and come off its message."""
        ...

    async def mark_blocked(self, chat_id: int) -> None:
        """A send got "blocked": reminders off until the chat writes again."""
        ...

    async def unblocked(self, chat_id: int) -> Chat | None:
        """The chat had blocked the bot and writes again: reminders back on; None if it had
        not blocked it."""
        ...

    async def forget(self, chat_id: int) -> None:
        """Cancel every timer of a chat that is being forgotten."""
        ...


class Sessions(Protocol):
    """What the account needs from the guided sessions feature."""

    async def running(self, chat_id: int) -> object | None:
        """The chat's running session (anything but None), or None."""
        ...

    async def stop(self, chat_id: int) -> bool:
        """Stop the chat's session, saying so; False if none was running."""
        ...

    async def discard(self, chat_id: int) -> None:
        """End the chat's session without a word (the chat is being forgotten)."""
        ...

    def script_seconds(self, routine: Routine) -> float:
        """How long the routine takes at normal speed."""
        ...


# Notes ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NotSetUp(Note):
    """The chat never used /start."""

    group: bool = False


@dataclass(frozen=True, slots=True)
class AdminsOnly(Note):
    """A group member who is not an admin asked for a change."""


@dataclass(frozen=True, slots=True)
class Welcome(Note):
    name: str
    routine_title: str
    routine_seconds: float
    disclaimer: str
    schedule: Outlook
    group: bool


@dataclass(frozen=True, slots=True)
class AlreadySetUp(Note):
    schedule: Outlook
    in_session: bool


@dataclass(frozen=True, slots=True)
class Resubscribed(Note):
    """Reminders are on again (/start after /stop, or writing again after a block)."""

    schedule: Outlook


@dataclass(frozen=True, slots=True)
class StopSessionFirst(Note):
    """/stop during a session stopped the session; reminders stay on."""


@dataclass(frozen=True, slots=True)
class Unsubscribed(Note):
    pass


@dataclass(frozen=True, slots=True)
class AlreadyUnsubscribed(Note):
    pass


@dataclass(frozen=True, slots=True)
class SettingsUnreadable(Note):
    """The chat's saved settings could not be read and were set aside (said once)."""


@dataclass(frozen=True, slots=True)
class Stats(Note):
    """/stats: counts and streaks, the recent weeks, holds per side and the pain trend."""

    progress: Progress
    weeks: tuple[tuple[dt.date, tuple[DayMark, ...]], ...]
    #: Sessions that did not complete (stopped, partial, interrupted).
    unfinished: int
    #: Per routine title, each adapting exercise's time per side.
    holds: Mapping[str, list[tuple[str, list[SideHold]]]]
    #: Per week with answers: its Monday, the average pain before and after.
    pain: tuple[tuple[dt.date, float | None, float | None], ...]
    #: What the chart shows; None before the first completed session (text only then).
    chart: ChartData | None = None
    #: Micro-breaks taken (Done, or the micro-routine completed), counted apart from the
    #: routines; None for a chat that never had breaks.
    breaks: int | None = None


# The feature ------------------------------------------------------------------------------


class Account:
    """Subscribing and stopping, the flood guard and the welcome back, and /stats."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        routines: RoutineBook,
        reminders: Reminders,
        sessions: Sessions,
        *,
        default_zone: str,
        default_time: dt.time,
        flood: FloodLedger,
        failures: Counter[str],
    ) -> None:
        self._store = store
        self._clock = clock
        self._routines = routines
        self._reminders = reminders
        self._sessions = sessions
        self._default = Schedule(timezone=default_zone, times=(default_time,))
        self._flood = flood
        #: Shared with /admin's report (``Services.failures``).
        self._failures = failures

    async def start(
        self,
        chat_id: int,
        *,
        name: str,
        group: bool,
        allowed: Permission,
        language: str | None = None,
    ) -> Note:
        """Subscribe with the default schedule, or turn reminders back on; harmless when
        repeated. ``name`` is the person's first name, or the group's title; ``language``
        the one a new chat is spoken to in (its starter's Telegram language)."""
        now = self._clock.now()
        chat = await self._store.chat(chat_id)
        if chat is not None and chat.schedule.subscribed:
            running = await self._sessions.running(chat_id) is not None
            return AlreadySetUp(outlook(chat, now), running)
        if not await allowed():
            return AdminsOnly()
        first_time = chat is None
        if chat is None:
            new = Chat(
                chat_id=chat_id,
                name=name,
                created_at=now,
                schedule=self._default,
                language=language,
            )
            chat = await self._store.create(new)
        else:
            chat = await self._store.change(chat_id, _subscribed) or chat
        await self._reminders.reschedule(chat)
        if not first_time:
            return Resubscribed(outlook(chat, now))
        routine = self._routines.default
        return Welcome(
            chat.name,
            routine.title,
            self._sessions.script_seconds(routine),
            routine.disclaimer,
            outlook(chat, now),
            group,
        )

    async def language(
        self, chat_id: int, choice: str | None, *, typed: str, group: bool, allowed: Permission
    ) -> Note:
        """/language: show the chat's language (nothing typed), or change it to ``choice``, a
        shipped language the adapter recognised in ``typed`` (None: not one of them)."""
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp(group)
        if not typed:
            return LanguageNow(chat.language or "")
        if choice is None:
            return LanguageUnknown(typed)
        if not await allowed():
            return AdminsOnly()
        await self._store.change(chat_id, lambda now: replace(now, language=choice))
        return LanguageSet(choice)

    async def stop(self, chat_id: int, *, allowed: Permission) -> Note:
        """Turn reminders off, keeping the data; during a session, end the session first."""
        if await self._sessions.stop(chat_id):
            return StopSessionFirst()
        if not await allowed():
            return AdminsOnly()
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp()  # the private wording, in groups too (as it always was)
        if not chat.schedule.subscribed:
            return AlreadyUnsubscribed()
        await self._reminders.cancel_pending(chat_id)
        chat = await self._store.change(chat_id, _unsubscribed) or _unsubscribed(chat)
        await self._reminders.reschedule(chat)  # off: no reminders
        await self._reminders.cancel_pending(chat_id, follow_up=False)  # one snoozed meanwhile
        await self._reminders.close_reminder(chat_id)
        return Unsubscribed()

    # The guards -----------------------------------------------------------------------------

    async def admit(self, user_id: int) -> Verdict:
        """Whether a user's update goes on: past a short burst, updates are dropped (counted
        for /admin), so spamming cannot make the bot send faster than Telegram allows."""
        verdict = await self._flood.check(user_id)
        if verdict is not Verdict.ALLOW:
            self._failures["flood dropped"] += 1
        return verdict

    async def arrived(self, chat_id: int) -> list[Note]:
        """What a chat hears first when it writes: that its reminders are back if it had
        blocked the bot, and, once, that its saved settings could not be read."""
        notes: list[Note] = []
        back = await self._reminders.unblocked(chat_id)
        if back is not None:
            notes.append(Resubscribed(outlook(back, self._clock.now())))
        if await self._store.take_unreadable_notice(chat_id):
            notes.append(SettingsUnreadable())
        return notes

    # /stats ---------------------------------------------------------------------------------

    async def stats(self, chat_id: int, *, group: bool) -> Stats | NotSetUp:
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp(group)
        history = await self._store.history(chat_id)
        micro = self._routines.micro
        # A micro-routine is a break, not a routine: counted apart, not in streaks.
        records = [r for r in history if micro is None or r.routine_id != micro.id]
        done = (r for r in history if micro is not None and r.routine_id == micro.id)
        breaks = chat.breaks.taken + sum(counts_as_done(r) for r in done)
        used = breaks or chat.breaks.minutes is not None or chat.breaks.last_at is not None
        schedule = chat.schedule
        today = schedule.local_date(self._clock.now())
        since = chat.created_at.astimezone(schedule.zone).date() if chat.created_at else None
        weeks = day_marks(
            records, today=today, reminder_days=schedule.days, paused=schedule.pauses, since=since
        )
        summary = progress(
            records, today=today, reminder_days=schedule.days, paused=schedule.pauses
        )
        # Coaching: the holds per side the user has done (held, or moved by feedback).
        held: dict[str, set[str]] = {}
        for record in records:
            held.setdefault(record.routine_id, set()).update(record.holds)
        adapted = {key.partition(":")[0] for key in chat.coaching.holds}
        shown = [chat_routine(self._routines, chat)]
        shown += [
            r for r in available(self._routines, chat).values() if r.id in adapted | set(held)
        ]
        holds = {
            r.title: current_holds(r, chat.coaching.holds, held.get(r.id, ()))
            for r in dict.fromkeys(shown)
        }
        return Stats(
            summary,
            tuple(weeks),
            sum(not counts_as_done(record) for record in records),
            holds,
            tuple(pain_weeks(records, today=today)),
            chart_data(
                records,
                today=today,
                reminder_days=schedule.days,
                paused=schedule.pauses,
                since=since,
            ),
            breaks if used else None,
        )


def _subscribed(chat: Chat) -> Chat:
    return replace(chat, schedule=replace(chat.schedule, subscribed=True))


def _unsubscribed(chat: Chat) -> Chat:
    """Reminders off; a snoozed reminder and a pending follow-up are dropped with them."""
    return replace(
        chat,
        schedule=replace(chat.schedule, subscribed=False),
        delivery=replace(chat.delivery, snoozed_until=None, nudge_due=None),
    )
