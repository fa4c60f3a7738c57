"""A shared location and /timezone with a city's name, on the in-memory fakes."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.parsing import Problem
from bot.features.account import AdminsOnly, NotSetUp
from bot.features.place import (
    LocationInGroup,
    LocationOffered,
    NoZoneThere,
    Place,
    ZoneFromLocation,
)
from bot.features.schedule_settings import BadArgument, TimezoneNow, TimezoneSet
from tests.features.account_fakes import World, allow, deny


@dataclass
class FakePlaces:
    """Places by exact coordinates and names; records what it was asked."""

    points: dict[tuple[float, float], str] = field(
        default_factory=lambda: {(35.68, 139.69): "Asia/Tokyo"}
    )
    cities: dict[str, str] = field(default_factory=lambda: {"münchen": "Europe/Berlin"})
    asked: list[str] = field(default_factory=list)

    async def zone_at(self, latitude: float, longitude: float) -> str | None:
        return self.points.get((latitude, longitude))

    async def city_zone(self, name: str) -> str | None:
        self.asked.append(name)
        return self.cities.get(name.lower())


def _place(world: World, places: FakePlaces) -> Place:
    return Place(world.store, world.schedules, places)


async def test_a_location_sets_the_zone_and_reschedules() -> None:
    """A private chat's location sets the zone at that point, as /timezone would."""
    world = World()
    await world.subscribed()
    note = await _place(world, FakePlaces()).located(42, 35.68, 139.69, group=False)
    assert isinstance(note, ZoneFromLocation)
    assert note.schedule.zone == "Asia/Tokyo"
    chat = await world.store.chat(42)
    assert chat is not None
    assert chat.schedule.timezone == "Asia/Tokyo"


async def test_a_location_out_at_sea_or_in_a_group_changes_nothing() -> None:
    """No zone at the point, a group, or a chat never set up: nothing is written."""
    world = World()
    before = await world.subscribed()
    place = _place(world, FakePlaces())
    assert await place.located(42, 0.0, -140.0, group=False) == NoZoneThere()
    assert await place.located(42, 35.68, 139.69, group=True) == LocationInGroup()
    assert await place.located(7, 35.68, 139.69, group=False) == NotSetUp(False)
    assert await world.store.chat(42) == before


async def test_timezone_falls_back_to_the_gazetteer_only_for_unknown_names() -> None:
    """A zone or offset the parser knows never asks the gazetteer; an unknown name does, and
    its city's zone is set."""
    world = World()
    await world.subscribed()
    places = FakePlaces()
    place = _place(world, places)
    assert isinstance(
        await place.timezone(42, "Europe/Paris", group=False, allowed=allow), TimezoneSet
    )
    assert isinstance(await place.timezone(42, "UTC+99", group=False, allowed=allow), BadArgument)
    assert places.asked == []
    note = await place.timezone(42, "München", group=False, allowed=allow)
    assert isinstance(note, TimezoneSet)
    assert note.schedule.zone == "Europe/Berlin"


async def test_an_unknown_city_gets_the_parsers_reply() -> None:
    """A name neither the parser nor the gazetteer knows is the parser's unknown zone."""
    world = World()
    before = await world.subscribed()
    note = await _place(world, FakePlaces()).timezone(42, "Atlantis", group=False, allowed=allow)
    assert isinstance(note, BadArgument)
    assert note.error.problem is Problem.ZONE_UNKNOWN
    assert await world.store.chat(42) == before


async def test_timezone_alone_offers_a_location_in_private_chats_only() -> None:
    """/timezone alone shows the zone; in a private chat with the location button too."""
    world = World()
    await world.subscribed()
    await world.subscribed(-5)
    place = _place(world, FakePlaces())
    assert isinstance(await place.timezone(42, "", group=False, allowed=allow), LocationOffered)
    assert isinstance(await place.timezone(-5, "", group=True, allowed=deny), TimezoneNow)
    assert await place.timezone(-5, "München", group=True, allowed=deny) == AdminsOnly()
