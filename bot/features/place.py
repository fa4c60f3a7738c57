"""Knowing a chat's place: a shared location sets its time zone, and /timezone takes a city's
name in any language or spelling ("München", "Москва", "sao paulo").

Both go through the :class:`~bot.ports.Places` port (offline lookups) and end in the schedule
feature's own change (:meth:`ScheduleSettings.set_timezone`), so the reminders move exactly as
after a typed zone. The coordinates of a shared location are used once and never stored: only
the zone they fall in is. A group shares no location (whose would it be?): it types a zone.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.outlook import Outlook
from bot.core.parsing import ParseError, Problem, parse_timezone
from bot.core.zones import has_no_dst_rules
from bot.features.account import NotSetUp, Permission
from bot.features.schedule_settings import ScheduleSettings, TimezoneNow
from bot.ports import Note, Places, Store

__all__ = ["LocationInGroup", "LocationOffered", "NoZoneThere", "Place", "ZoneFromLocation"]


@dataclass(frozen=True, slots=True)
class LocationOffered(Note):
    """/timezone alone in a private chat: the zone as it is, and a button to share a location."""

    now: TimezoneNow


@dataclass(frozen=True, slots=True)
class ZoneFromLocation(Note):
    """A shared location set the zone."""

    schedule: Outlook
    no_dst: bool


@dataclass(frozen=True, slots=True)
class NoZoneThere(Note):
    """A shared location in no zone (out at sea): nothing changed."""


@dataclass(frozen=True, slots=True)
class LocationInGroup(Note):
    """A location shared in a group is not taken: /timezone is."""


class Place:
    """Setting a chat's zone from where it is: a location, or a city's name."""

    def __init__(self, store: Store, schedules: ScheduleSettings, places: Places) -> None:
        self._store = store
        self._schedules = schedules
        self._places = places

    async def timezone(
        self, chat_id: int, argument: str, *, group: bool, allowed: Permission
    ) -> Note:
        """``/timezone`` as :meth:`ScheduleSettings.timezone` takes it, and a city's name in
        any language where no zone has that name; alone in a private chat, it offers the
        location button too."""
        argument = argument.strip()
        if argument:
            argument = await self._city_or_as_typed(argument)
        note = await self._schedules.timezone(chat_id, argument, group=group, allowed=allowed)
        if isinstance(note, TimezoneNow) and not group:
            return LocationOffered(note)
        return note

    async def _city_or_as_typed(self, argument: str) -> str:
        """The zone of the city ``argument`` names, where it is not a zone the parser knows;
        otherwise ``argument`` itself, for the parser's answer (a zone, or its reason)."""
        try:
            parse_timezone(argument)
        except ParseError as error:
            if error.problem is Problem.ZONE_UNKNOWN:
                return await self._places.city_zone(argument) or argument
        return argument

    async def located(
        self, chat_id: int, latitude: float, longitude: float, *, group: bool
    ) -> Note:
        """A shared location: the zone there becomes the chat's; the point is forgotten."""
        if group:
            return LocationInGroup()
        chat = await self._store.chat(chat_id)
        if chat is None:
            return NotSetUp(group=False)
        zone = await self._places.zone_at(latitude, longitude)
        if zone is None:
            return NoZoneThere()
        chat = await self._schedules.set_timezone(chat, zone)
        return ZoneFromLocation(self._schedules.outlook(chat), has_no_dst_rules(zone))
