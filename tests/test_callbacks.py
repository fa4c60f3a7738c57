"""Callback data: what the bot's buttons carry parses back; anything else is refused."""

from __future__ import annotations

import pytest

from bot import callbacks
from bot.callbacks import (
    GO_PATTERN,
    Choice,
    go,
    parse_settings,
    parse_snooze,
    setting,
    snooze,
)


def test_buttons_round_trip() -> None:
    """Every kind of button the bot makes parses back to what it meant."""
    assert parse_settings(setting()) == Choice("")
    assert parse_settings(setting("days")) == Choice("days")
    assert parse_settings(setting("day", "3")) == Choice("day", "3")
    assert parse_settings(setting("at", "0730")) == Choice("at", "0730")
    assert parse_settings(setting("use", "quick")) == Choice("use", "quick")
    assert parse_settings(setting("for", "7")) == Choice("for", "7")
    assert parse_snooze(snooze(15)) == 15
    assert parse_snooze("skip") == 0
    match = GO_PATTERN.match(go("quick"))
    assert match is not None
    assert match["routine"] == "quick"


@pytest.mark.parametrize(
    "data",
    [
        "set:at:2561",
        "set:at:07:30",
        "set:hour:24",
        "set:day:7",
        "set:for:5",
        "set:use:../x",
        "set:nope",
        "set:days:extra",
        "set:time:7",
        "set:a:b:c",
        "settings",
    ],
)
def test_forged_settings_data_is_refused(data: str) -> None:
    """Settings data the bot never makes does not parse."""
    assert parse_settings(data) is None


@pytest.mark.parametrize("data", ["snz:5", "snz:", "snz:15:1", "snooze:15", "skipped"])
def test_forged_snooze_data_is_refused(data: str) -> None:
    """Only the offered snooze delays, and "skip", parse."""
    assert parse_snooze(data) is None


def test_all_button_data_fits_telegrams_limit() -> None:
    """Callback data is at most 64 bytes."""
    longest = setting("use", "a" * 32)
    assert len(longest.encode()) <= 64


def test_coaching_buttons_round_trip() -> None:
    """Feedback and pain buttons parse back to what they were made from."""
    data = callbacks.feedback("e", "quick:0:0:1", 20.0)
    assert data == "fb:e:quick:0:0:1:20"
    assert callbacks.parse_feedback(data) == callbacks.FeedbackVote("e", "quick:0:0:1", 20.0)
    assert callbacks.parse_pain(callbacks.pain("b", 6, 1795599429000)) == callbacks.PainAnswer(
        True, 6, 1795599429000
    )
    assert callbacks.parse_pain(callbacks.pain("a", None, 1)) == callbacks.PainAnswer(
        False, None, 1
    )


@pytest.mark.parametrize(
    "data",
    ["fb:x:quick:0:0:1:20", "fb:e:quick:0:0:2:20", "fb:e:Quick:0:0:1:20", "fb:e:quick:0:0:1"],
)
def test_forged_feedback_data_is_refused(data: str) -> None:
    """Feedback data that is not one we make does not parse."""
    assert callbacks.parse_feedback(data) is None


@pytest.mark.parametrize("data", ["pain:b:11:1", "pain:c:3:1", "pain:b:3:", "pain:b:-1:1"])
def test_forged_pain_data_is_refused(data: str) -> None:
    """Pain data outside 0–10, or malformed, does not parse."""
    assert callbacks.parse_pain(data) is None


def test_coaching_button_data_fits_telegrams_limit() -> None:
    """The longest feedback and pain data stay within 64 bytes."""
    longest = callbacks.feedback("h", f"{'r' * 32}:99:99:1", 299.75)
    assert len(longest.encode()) <= 64
    assert len(callbacks.pain("a", 10, 10**16 - 1).encode()) <= 64
