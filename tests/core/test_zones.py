"""Time zones as people write them, and the one conversion of a stored zone to a tzinfo."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.core.chat import Chat, Schedule
from bot.core.documents import chat_from_doc, chat_to_doc
from bot.core.parsing import ParseError, parse_timezone
from bot.core.zones import has_no_dst_rules, offset_name, zone_of
from bot.telegram.render import schedule as schedule_text
from tests.factories import plain


@contextlib.contextmanager
def says(pattern: str) -> Iterator[pytest.ExceptionInfo[ParseError]]:
    """Expect a ParseError whose reply to the user (as rendered) matches ``pattern``."""
    with pytest.raises(ParseError) as caught:
        yield caught
    assert re.search(pattern, plain(schedule_text.parse_error(caught.value))), caught.value


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("GMT+2", "UTC+02:00"),
        ("UTC+2", "UTC+02:00"),
        ("utc +2", "UTC+02:00"),
        ("+2", "UTC+02:00"),
        ("-3", "UTC-03:00"),
        ("−3", "UTC-03:00"),
        ("UTC+05:30", "UTC+05:30"),
        ("+0530", "UTC+05:30"),
        ("UTC+5:45", "UTC+05:45"),
        ("UTC-03:30", "UTC-03:30"),
        ("GMT-12", "UTC-12:00"),
        ("UTC+14", "UTC+14:00"),
        ("UTC+0", "UTC"),
        ("Etc/GMT+2", "UTC-02:00"),
        ("etc/gmt-14", "UTC+14:00"),
        ("EST", "EST"),
        ("CET", "CET"),
    ],
)
def test_offsets_mean_east_of_greenwich(text: str, stored: str) -> None:
    """An offset is east of Greenwich when positive, as people mean it; Etc/ names are read
    as IANA defines them and stored the same unambiguous way."""
    assert parse_timezone(text) == stored


@pytest.mark.parametrize("text", ["UTC+15", "UTC-13", "+5:20", "UTC+02:60"])
def test_offsets_no_place_uses_are_refused(text: str) -> None:
    """Offsets outside UTC-12…UTC+14, or not in whole, half or three-quarter hours, are refused."""
    with says("isn't an offset any place uses"):
        parse_timezone(text)


def test_a_stored_offset_is_a_fixed_tzinfo() -> None:
    """ "UTC+05:30" is five and a half hours east all year; an IANA name is its ZoneInfo."""
    zone = zone_of("UTC+05:30")
    for month in (1, 7):
        instant = dt.datetime(2026, month, 1, tzinfo=dt.UTC)
        assert instant.astimezone(zone).utcoffset() == dt.timedelta(hours=5, minutes=30)
    assert zone_of("UTC-03:30").utcoffset(None) == -dt.timedelta(hours=3, minutes=30)
    assert zone_of("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert str(zone_of("UTC+05:30")) == "UTC+05:30"


@pytest.mark.parametrize("name", ["Mars/Base", "UTC+99:00", "", "../etc/passwd"])
def test_unknown_stored_zones_are_a_value_error(name: str) -> None:
    """A damaged zone string is a ValueError, so the store sets the chat aside."""
    with pytest.raises(ValueError, match=r"zone|place"):
        zone_of(name)


def test_offset_names_round_trip() -> None:
    """Every offset name parses back to itself."""
    for minutes in (-720, -210, -180, 0, 60, 330, 345, 840):
        assert parse_timezone(offset_name(minutes)) == offset_name(minutes)


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("UTC+02:00", True),
        ("UTC-03:30", True),
        ("EST", True),
        ("MST", True),
        ("HST", True),
        ("UTC", False),
        ("CET", False),
        ("EET", False),
        ("Europe/Berlin", False),
        ("Asia/Kolkata", False),
    ],
)
def test_zones_without_dst_rules_are_flagged(name: str, flagged: bool) -> None:
    """Bare offsets and fixed abbreviations get the "send a city" note; zones with rules, UTC and
    real cities do not."""
    assert has_no_dst_rules(name) is flagged


def test_a_subscriber_with_an_offset_zone_is_read_back() -> None:
    """A chat file with a fixed offset zone loads, and its zone is that offset."""
    subscriber = Chat(1, schedule=Schedule(timezone="UTC+05:30", times=(dt.time(9, 0),)))
    loaded = chat_from_doc(chat_to_doc(subscriber))
    assert loaded.schedule.zone.utcoffset(None) == dt.timedelta(hours=5, minutes=30)


@pytest.mark.parametrize(("value", "zone"), [("UTC+05:30", "UTC+05:30"), ("GMT+2", "UTC+02:00")])
def test_default_timezone_accepts_offsets(value: str, zone: str) -> None:
    """DEFAULT_TIMEZONE reads offsets the way /timezone does."""
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": "1:abc", "DEFAULT_TIMEZONE": value})
    assert settings.default_timezone == zone
