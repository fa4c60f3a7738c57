"""Changing when reminders come: /time, /timezone, /days, /pause, /resume and /nudge.

Each command parses its argument (``bot.core.parsing``), changes one thing as a unit of work,
reschedules and says what it did; a bad argument gets the parser's reason and changes nothing;
without an argument the command shows the setting as it is. The settings keyboard
(:mod:`bot.features.settings_menu`) makes the same changes through the ``set_*`` methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TypeVar

from bot.core.chat import Chat, DateRange
from bot.core.outlook import Outlook, outlook
from bot.core.parsing import (
    ParseError,
    format_time,
    parse_days,
    parse_nudge,
    parse_pause,
    parse_times,
    parse_timezone,
)
from bot.core.zones import has_no_dst_rules
from bot.features.account import AdminsOnly, NotSetUp, Permission, Reminders
from bot.ports import Clock, Note, Store

__all__ = [
    "BadArgument",
    "DaysNow",
    "DaysSet",
    "NotPaused",
    "NudgeNow",
    "NudgeSet",
    "PainNow",
    "PauseNow",
    "Paused",
    "Resumed",
    "ScheduleSettings",
    "TimeNow",
    "TimesSet",
    "TimezoneNow",
    "TimezoneSet",
]

_T = TypeVar("_T")

#: A slot dropped and set again within this long still remembers it was sent: beyond the
#: longest grace window, the catch-up after a restart no longer looks at it.
_KEEP_SENT = dt.timedelta(days=2)


# Notes: a command without its argument shows the setting (…Now), with one it changes it. ----


@dataclass(frozen=True, slots=True)
class TimeNow(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class TimesSet(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class TimezoneNow(Note):
    schedule: Outlook
    #: The zone never changes for daylight saving (an offset, "UTC"): worth a word.
    no_dst: bool


@dataclass(frozen=True, slots=True)
class TimezoneSet(Note):
    schedule: Outlook
    no_dst: bool


@dataclass(frozen=True, slots=True)
class DaysNow(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class DaysSet(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class PauseNow(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class Paused(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class NotPaused(Note):
    """/resume with no pause running."""


@dataclass(frozen=True, slots=True)
class Resumed(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class NudgeNow(Note):
    #: Minutes to the follow-up; None: follow-ups are off.
    minutes: int | None


@dataclass(frozen=True, slots=True)
class NudgeSet(Note):
    minutes: int | None


@dataclass(frozen=True, slots=True)
class PainNow(Note):
    """/pain alone: whether the pain question is asked."""

    on: bool


@dataclass(frozen=True, slots=True)
class BadArgument(Note):
    """What was typed cannot be used; nothing changed."""

    error: ParseError


# The feature ------------------------------------------------------------------------------


class ScheduleSettings:
    """The schedule commands, and the changes they (and the settings keyboard) make."""

    def __init__(self, store: Store, clock: Clock, reminders: Reminders) -> None:
        self._store = store
        self._clock = clock
        self._reminders = reminders

    def outlook(self, chat: Chat) -> Outlook:
        """The chat's schedule from now on, for a reply that describes it."""
        return outlook(chat, self._clock.now())

    def today(self, chat: Chat) -> dt.date:
        """The chat's local date now."""
        return chat.schedule.local_date(self._clock.now())

    # Commands -------------------------------------------------------------------------------

    async def time(self, chat_id: int, argument: str, *, group: bool, allowed: Permission) -> Note:
        """``/time 07:30`` or ``/time 07:30 13:00 17:45``: the daily reminder times."""

        async def apply(chat: Chat, times: tuple[dt.time, ...]) -> Note:
            return TimesSet(self.outlook(await self.set_times(chat, times)))

        return await self.command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=lambda chat: TimeNow(self.outlook(chat)),
            parse=lambda text, _: parse_times(text),
            apply=apply,
        )

    async def timezone(
        self, chat_id: int, argument: str, *, group: bool, allowed: Permission
    ) -> Note:
        """``/timezone Europe/Berlin``: reminder times stay the same wall-clock times."""

        def current(chat: Chat) -> Note:
            return TimezoneNow(self.outlook(chat), has_no_dst_rules(chat.schedule.timezone))

        async def apply(chat: Chat, zone: str) -> Note:
            chat = await self.set_timezone(chat, zone)
            return TimezoneSet(self.outlook(chat), has_no_dst_rules(zone))

        return await self.command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=current,
            parse=lambda text, _: parse_timezone(text),
            apply=apply,
        )

    async def days(self, chat_id: int, argument: str, *, group: bool, allowed: Permission) -> Note:
        """``/days mon-fri``, ``/days mon wed fri``, ``/days every day``."""

        async def apply(chat: Chat, days: frozenset[int]) -> Note:
            return DaysSet(self.outlook(await self.set_days(chat, days)))

        return await self.command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=lambda chat: DaysNow(self.outlook(chat)),
            parse=lambda text, _: parse_days(text),
            apply=apply,
        )

    async def pause(
        self, chat_id: int, argument: str, *, group: bool, allowed: Permission
    ) -> Note:
        """``/pause 7`` (days) or ``/pause 2026-12-27``: no reminders until then."""

        async def apply(chat: Chat, until: dt.date) -> Note:
            return Paused(self.outlook(await self.set_pause(chat, until)))

        return await self.command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=lambda chat: PauseNow(self.outlook(chat)),
            parse=lambda text, chat: parse_pause(text, self.today(chat)),
            apply=apply,
        )

    async def resume(self, chat_id: int, *, group: bool, allowed: Permission) -> Note:
        """``/resume``: end a pause early."""
        if not await allowed():
            return AdminsOnly()
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp(group)
        if chat.schedule.paused_until(self.today(chat)) is None:
            return NotPaused()
        return Resumed(self.outlook(await self.set_resume(chat)))

    async def nudge(
        self, chat_id: int, argument: str, *, group: bool, allowed: Permission
    ) -> Note:
        """``/nudge off``, ``/nudge on``, ``/nudge 30``: the one follow-up after a reminder."""

        async def apply(chat: Chat, minutes: int | None) -> Note:
            if minutes is None:  # a pending follow-up is dropped too
                await self._reminders.cancel_pending(chat.chat_id, snooze=False)

            def change(current: Chat) -> Chat:
                nudge_due = current.delivery.nudge_due if minutes is not None else None
                return replace(
                    current,
                    schedule=replace(current.schedule, nudge_minutes=minutes),
                    delivery=replace(current.delivery, nudge_due=nudge_due),
                )

            await self._store.change(chat.chat_id, change)
            return NudgeSet(minutes)

        return await self.command(
            chat_id,
            argument,
            group=group,
            allowed=allowed,
            current=lambda chat: NudgeNow(chat.schedule.nudge_minutes),
            parse=lambda text, _: parse_nudge(text),
            apply=apply,
        )

    async def pain(self, chat_id: int, *, group: bool) -> Note:
        """``/pain`` alone: whether the pain question is on (``/pain on|off`` is coaching's)."""
        chat = await self._store.chat(chat_id)
        return PainNow(chat.coaching.pain_check) if chat else NotSetUp(group)

    async def command(
        self,
        chat_id: int,
        argument: str,
        *,
        group: bool,
        allowed: Permission,
        current: Callable[[Chat], Note],
        parse: Callable[[str, Chat], _T],
        apply: Callable[[Chat, _T], Awaitable[Note]],
    ) -> Note:
        """A settings command: without an argument, the setting as it is (anyone may look);
        with one, who may change it, whether the chat exists, whether the argument parses —
        in that order — and then the change."""
        if not argument:
            shown = await self._store.chat(chat_id)
            return current(shown) if shown is not None else NotSetUp(group)
        if not await allowed():
            return AdminsOnly()
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp(group)
        try:
            value = parse(argument, chat)
        except ParseError as error:
            return BadArgument(error)
        return await apply(chat, value)

    # Changes (the commands and the settings keyboard) ---------------------------------------

    async def _change_and_reschedule(self, chat: Chat, change: Callable[[Chat], Chat]) -> Chat:
        """Apply one schedule change as a unit of work, then rebuild the chat's reminders from
        what was saved."""
        saved = await self._store.change(chat.chat_id, change)
        if saved is None:
            return chat
        await self._reminders.reschedule(saved)
        return saved

    async def set_times(self, chat: Chat, times: tuple[dt.time, ...]) -> Chat:
        slots = {format_time(time) for time in times}
        # A slot dropped and set again must remember it was sent today, or the catch-up after a
        # restart would send it twice.
        recent = self._clock.now() - _KEEP_SENT

        def change(current: Chat) -> Chat:
            kept = {
                slot: at
                for slot, at in current.delivery.last_sent.items()
                if slot in slots or at > recent
            }
            return replace(
                current,
                schedule=replace(current.schedule, times=times),
                delivery=replace(current.delivery, last_sent=kept),
            )

        return await self._change_and_reschedule(chat, change)

    async def set_timezone(self, chat: Chat, zone: str) -> Chat:
        return await self._change_and_reschedule(
            chat,
            lambda current: replace(current, schedule=replace(current.schedule, timezone=zone)),
        )

    async def set_days(self, chat: Chat, days: frozenset[int]) -> Chat:
        return await self._change_and_reschedule(
            chat,
            lambda current: replace(current, schedule=replace(current.schedule, days=days)),
        )

    async def set_pause(self, chat: Chat, until: dt.date) -> Chat:
        """Pause from today up to (not including) ``until``; snooze and follow-up are dropped."""
        now = self._clock.now()

        def change(current: Chat) -> Chat:
            today = current.schedule.local_date(now)
            pauses = (*_cut(current.schedule.pauses, today), (today, until))
            return replace(
                current,
                schedule=replace(current.schedule, pauses=pauses),
                delivery=replace(current.delivery, snoozed_until=None, nudge_due=None),
            )

        await self._reminders.cancel_pending(chat.chat_id)
        return await self._change_and_reschedule(chat, change)

    async def set_resume(self, chat: Chat) -> Chat:
        """End any pause now: today counts as paused only up to now, so today's later
        reminders come."""
        now = self._clock.now()

        def change(current: Chat) -> Chat:
            today = current.schedule.local_date(now)
            pauses = tuple(_cut(current.schedule.pauses, today))
            return replace(current, schedule=replace(current.schedule, pauses=pauses))

        return await self._change_and_reschedule(chat, change)


def _cut(pauses: tuple[DateRange, ...], today: dt.date) -> list[DateRange]:
    """Past pauses as they were, and any pause still running cut short at ``today`` (empty
    ones dropped): the history is kept for streaks."""
    kept = []
    for start, end in pauses:
        end = min(end, today)
        if start < end:
            kept.append((start, end))
    return kept
