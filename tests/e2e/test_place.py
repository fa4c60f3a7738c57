"""Place: a shared location sets the time zone (and is kept nowhere); /timezone takes a city's
name in other languages and spellings."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

import pytest

from bot.emulator import ButtonNotFound
from tests.e2e.conftest import Bot, BotFactory
from tests.e2e.test_groups import team

_NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("UTC"))


def _zone(bot: Bot) -> str:
    chat = bot.storage.chat(bot.user.id)
    assert chat is not None
    return chat.schedule.timezone


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone", "local"),
    [
        (52.5200, 13.4050, "Europe/Berlin", "10:00"),
        (35.6762, 139.6503, "Asia/Tokyo", "18:00"),
        (-23.5505, -46.6333, "America/Sao_Paulo", "06:00"),
    ],
    ids=["Berlin", "Tokyo", "São Paulo"],
)
async def test_shared_location_sets_the_zone(
    start_bot: BotFactory, latitude: float, longitude: float, zone: str, local: str
) -> None:
    """A location shared in a private chat sets the zone there; the reply names the zone and
    its local time and takes the reply keyboard away."""
    async with start_bot(now=_NOW) as bot:
        await bot.subscribe("07:30", zone="UTC")
        bot.emulator.send_location(bot.user, latitude, longitude)
        reply = await bot.expect("Time zone set")
        assert f"Time zone set to {zone} — it's {local} there now" in reply.text
        assert reply.reply_markup == {"remove_keyboard": True}
        assert _zone(bot) == zone


async def test_location_button_is_offered_and_used(subscribed: Bot) -> None:
    """/timezone alone offers a request_location button; tapping it sets the zone and the
    keyboard goes away."""
    with pytest.raises(ButtonNotFound):
        subscribed.emulator.tap_location_button(subscribed.user, 35.68, 139.69)
    await subscribed.ask("/timezone", "Share my location")
    keyboard = subscribed.emulator.reply_keyboard(subscribed.user)
    assert keyboard is not None
    assert [b.get("request_location") for row in keyboard for b in row] == [True]
    subscribed.emulator.tap_location_button(subscribed.user, 35.68, 139.69)
    await subscribed.expect("Time zone set to Asia/Tokyo")
    assert subscribed.emulator.reply_keyboard(subscribed.user) is None
    assert _zone(subscribed) == "Asia/Tokyo"


async def test_location_is_stored_nowhere(
    subscribed: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    """Only the zone of a shared location is kept: its coordinates are in no store file and
    in no log line of the bot's."""
    latitude, longitude = 52.516275, 13.377704  # the Brandenburg Gate, digits no zone has
    with caplog.at_level(logging.DEBUG, logger="bot"), caplog.at_level(logging.INFO):
        subscribed.emulator.send_location(subscribed.user, latitude, longitude)
        await subscribed.expect("Time zone set to Europe/Berlin")
        await subscribed.settled()
    stored = "".join(
        path.read_text(encoding="utf-8", errors="replace")
        for path in subscribed.settings.data_dir.rglob("*")
        if path.is_file()
    )
    assert "Europe/Berlin" in stored
    for digits in ("516275", "377704", "52.51", "13.37"):
        assert digits not in stored
        assert digits not in caplog.text


async def test_location_in_the_ocean_names_timezone(subscribed: Bot) -> None:
    """A location with no zone (the middle of the Pacific) changes nothing and points to
    /timezone."""
    before = subscribed.db_snapshot()
    subscribed.emulator.send_location(subscribed.user, 0.0, -140.0)
    reply = await subscribed.expect("no time zone")
    assert "/timezone" in reply.text
    assert subscribed.db_snapshot() == before


async def test_group_location_is_refused(start_bot: BotFactory) -> None:
    """A location shared in a group is not taken: the reply says to use /timezone."""
    async with start_bot() as bot:
        emulator, admin = bot.emulator, bot.user
        group, _ = team(emulator, admin)
        emulator.send_text(group, "/start", from_user=admin)
        await emulator.wait_for_message(group, "Hi Back office!")
        before = bot.db_snapshot()
        emulator.send_location(group, 35.68, 139.69, from_user=admin)
        reply = await emulator.wait_for_message(group, "I don't take locations")
        assert "/timezone" in reply.text
        assert bot.db_snapshot() == before


async def test_live_location_is_taken_once(subscribed: Bot) -> None:
    """A live location sets the zone from its first position; its moves (edited messages)
    are not asked for, so they change nothing and get no reply."""
    sent = subscribed.emulator.send_location(subscribed.user, 52.52, 13.40, live_period=900)
    await subscribed.expect("Time zone set to Europe/Berlin")
    subscribed.emulator.move_live_location(sent, 35.68, 139.69)
    await subscribed.ask("/help", "Commands")
    assert subscribed.emulator.dropped_updates
    assert _zone(subscribed) == "Europe/Berlin"


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("München", "Europe/Berlin"),
        ("москва", "Europe/Moscow"),
        ("sao paulo", "America/Sao_Paulo"),
        ("Köln", "Europe/Berlin"),
        ("New York", "America/New_York"),
    ],
)
async def test_timezone_takes_city_names_in_any_language(
    subscribed: Bot, typed: str, zone: str
) -> None:
    """/timezone with a city's name in another language or spelling sets that city's zone."""
    await subscribed.ask("/timezone UTC", "Time zone set to UTC")
    await subscribed.ask(f"/timezone {typed}", f"Time zone set to {zone}", timeout=15)
    assert _zone(subscribed) == zone


async def test_unknown_city_suggests_a_location(subscribed: Bot) -> None:
    """A name no city or zone has gets today's reply, which now suggests sharing a location."""
    before = subscribed.db_snapshot()
    reply = await subscribed.ask(
        "/timezone Nowhereville", "I don't know the time zone", timeout=15
    )
    assert "share your location" in reply.text
    assert subscribed.db_snapshot() == before


async def test_settings_zone_button_offers_the_location_button(subscribed: Bot) -> None:
    """The settings menu's zone button answers with the zone and the location button, which
    sets the zone when tapped."""
    menu = await subscribed.ask("/settings", "Settings")
    subscribed.emulator.press_button(subscribed.user, menu, text="🌍 Time zone")
    await subscribed.expect("Share my location")
    subscribed.emulator.tap_location_button(subscribed.user, -23.55, -46.63)
    await subscribed.expect("Time zone set to America/Sao_Paulo")
    assert _zone(subscribed) == "America/Sao_Paulo"
