"""/settings and /routine: the same changes as the commands, by tapping.

One message moves between screens as the user taps (the handler edits it in place); a tap
that changes something answers with a short toast. A tap that no longer makes sense (the chat
is gone, a routine that is not there) is None: "This button has expired".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from bot.core.chat import BreakPlan, Chat
from bot.core.outlook import Outlook
from bot.core.parsing import ALL_DAYS, WEEKDAYS
from bot.core.preview import Preview, preview
from bot.core.routines import RoutineBook
from bot.core.session import compile_script
from bot.core.uploads import available, chat_routine
from bot.features.account import AdminsOnly, NotSetUp, Permission, Sessions
from bot.features.schedule_settings import ScheduleSettings
from bot.ports import Note, Store

__all__ = [
    "DaysScreen",
    "HourScreen",
    "KeepOneDay",
    "LanguageScreen",
    "MinuteScreen",
    "PauseScreen",
    "PausedToast",
    "ResumedToast",
    "RoutineChoice",
    "RoutineSet",
    "RoutinesScreen",
    "SettingsMenu",
    "SettingsScreen",
    "Tap",
    "TimeToast",
    "UnknownRoutine",
]

#: The menus whose tap changes a setting: only a group's admins may.
CHANGES = frozenset({"at", "day", "use", "for", "resume", "sound", "lang"})


# Screens ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SettingsScreen(Note):
    """The main screen: the schedule, the zone, the routine, the follow-up and the sound."""

    schedule: Outlook
    nudge_minutes: int | None
    routine_title: str
    routine_seconds: float
    #: /sound: the cues that end a hold come with a notification.
    sound: bool = False
    #: /breaks and /workhours.
    breaks: BreakPlan = field(default_factory=BreakPlan)


@dataclass(frozen=True, slots=True)
class HourScreen(Note):
    #: The chat's times now: picking one replaces them all.
    times: tuple[dt.time, ...]


@dataclass(frozen=True, slots=True)
class MinuteScreen(Note):
    hour: int


@dataclass(frozen=True, slots=True)
class DaysScreen(Note):
    days: frozenset[int]


@dataclass(frozen=True, slots=True)
class RoutineChoice:
    id: str
    title: str
    seconds: float
    #: The routine the chat's reminders offer.
    current: bool


@dataclass(frozen=True, slots=True)
class RoutinesScreen(Note):
    routines: tuple[RoutineChoice, ...]


@dataclass(frozen=True, slots=True)
class PauseScreen(Note):
    pass


@dataclass(frozen=True, slots=True)
class LanguageScreen(Note):
    """The languages to pick from; ``language``: the chat's ("" if never set)."""

    language: str


@dataclass(frozen=True, slots=True)
class UnknownRoutine(Note):
    """``/routine <name>`` with a name the chat has no routine of."""

    name: str
    routines: tuple[RoutineChoice, ...]


@dataclass(frozen=True, slots=True)
class RoutineSet(Note):
    """``/routine NAME``: now the reminders' routine, and its preview."""

    title: str
    preview: Preview | None = None


# Toasts: a tap's short answer ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TimeToast(Note):
    at: dt.time


@dataclass(frozen=True, slots=True)
class PausedToast(Note):
    until: dt.date


@dataclass(frozen=True, slots=True)
class ResumedToast(Note):
    schedule: Outlook


@dataclass(frozen=True, slots=True)
class KeepOneDay(Note):
    """The last day was tapped off: nothing changed."""


@dataclass(frozen=True, slots=True)
class Tap:
    """What a tap shows: the screen, and its toast if any."""

    screen: Note
    toast: Note | None = None


# The feature ------------------------------------------------------------------------------


class SettingsMenu:
    """The settings keyboard's screens and changes, and /routine."""

    def __init__(
        self,
        store: Store,
        routines: RoutineBook,
        schedules: ScheduleSettings,
        sessions: Sessions,
    ) -> None:
        self._store = store
        self._routines = routines
        self._schedules = schedules
        self._sessions = sessions

    async def show(self, chat_id: int, *, group: bool) -> SettingsScreen | NotSetUp:
        """/settings."""
        chat = await self._store.chat(chat_id)
        return self._main(chat) if chat is not None else NotSetUp(group)

    async def routine(self, chat_id: int, name: str, *, group: bool, allowed: Permission) -> Note:
        """/routine lists the routines; ``/routine quick`` picks one directly."""
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp(group)
        if not name:
            return self._routines_screen(chat)
        routines = available(self._routines, chat)
        if name not in routines:
            return UnknownRoutine(name, self._routines_screen(chat).routines)
        if not await allowed():
            return AdminsOnly()
        chat = await self._use_routine(chat, name)
        script = compile_script(routines[name], chat.coaching.holds)
        return RoutineSet(routines[name].title, preview(script))

    async def tap(
        self, chat_id: int, menu: str, value: str, *, allowed: Permission
    ) -> Tap | AdminsOnly | None:
        """A settings button (``menu`` and ``value`` as the callback codec decoded them):
        move between screens, or change one setting and show it."""
        chat = await self._store.chat(chat_id)
        if chat is None:
            return None
        if menu in CHANGES and not await allowed():
            return AdminsOnly()
        schedules = self._schedules
        if menu == "time":
            return Tap(HourScreen(chat.schedule.times))
        if menu == "hour":
            return Tap(MinuteScreen(int(value)))
        if menu == "days":
            return Tap(DaysScreen(chat.schedule.days))
        if menu == "routine":
            return Tap(self._routines_screen(chat))
        if menu == "pause":
            return Tap(PauseScreen())
        if menu == "language":
            return Tap(LanguageScreen(chat.language or ""))
        if menu == "lang":
            # ``value`` is a shipped language: the callback codec accepts nothing else.
            changed = await self._store.change(
                chat.chat_id, lambda current: replace(current, language=value)
            )
            return Tap(self._main(changed or chat))
        if menu == "at":
            at = dt.time(int(value[:2]), int(value[2:]))
            return Tap(self._main(await schedules.set_times(chat, (at,))), TimeToast(at))
        if menu == "day":
            days = _toggled(chat.schedule.days, value)
            if not days:
                return Tap(DaysScreen(chat.schedule.days), KeepOneDay())
            return Tap(DaysScreen((await schedules.set_days(chat, days)).schedule.days))
        if menu == "use":
            if value not in available(self._routines, chat):
                return None
            return Tap(self._main(await self._use_routine(chat, value)))
        if menu == "for":
            until = schedules.today(chat) + dt.timedelta(days=int(value))
            return Tap(self._main(await schedules.set_pause(chat, until)), PausedToast(until))
        if menu == "sound":
            return Tap(self._main(await self._set_sound(chat, value == "on")))
        if menu == "resume":
            chat = await schedules.set_resume(chat)
            return Tap(self._main(chat), ResumedToast(schedules.outlook(chat)))
        return Tap(self._main(chat))

    def _main(self, chat: Chat) -> SettingsScreen:
        routine = chat_routine(self._routines, chat)
        return SettingsScreen(
            self._schedules.outlook(chat),
            chat.schedule.nudge_minutes,
            routine.title,
            self._sessions.script_seconds(routine),
            chat.coaching.sound,
            chat.breaks,
        )

    def _routines_screen(self, chat: Chat) -> RoutinesScreen:
        """Every routine the chat can use, its own included."""
        current = chat_routine(self._routines, chat).id
        return RoutinesScreen(
            tuple(
                RoutineChoice(r.id, r.title, self._sessions.script_seconds(r), r.id == current)
                for r in available(self._routines, chat).values()
            )
        )

    async def _use_routine(self, chat: Chat, routine_id: str) -> Chat:
        changed = await self._store.change(
            chat.chat_id,
            lambda current: replace(
                current, coaching=replace(current.coaching, routine_id=routine_id)
            ),
        )
        return changed or chat

    async def _set_sound(self, chat: Chat, on: bool) -> Chat:
        changed = await self._store.change(
            chat.chat_id,
            lambda current: replace(current, coaching=replace(current.coaching, sound=on)),
        )
        return changed or chat


def _toggled(days: frozenset[int], value: str) -> frozenset[int]:
    if value == "all":
        return ALL_DAYS
    if value == "weekdays":
        return WEEKDAYS
    return days ^ {int(value)}
