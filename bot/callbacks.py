"""Inline-button callback data: a short prefix and validated arguments.

Telegram limits callback data to 64 bytes and sends back whatever a (possibly old, possibly
forged) button carried, so nothing is trusted until it parses here; anything that does not
parse is answered "This button has expired".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = [
    "BROADCAST_PATTERN",
    "FEEDBACK_PATTERN",
    "FORGET_PATTERN",
    "GO_PATTERN",
    "HURTS",
    "HURTS_PATTERN",
    "PAIN_PATTERN",
    "PAIN_VALUES",
    "PAUSE_CHOICES",
    "SETTINGS_PATTERN",
    "SKIP_TODAY",
    "SNOOZE_MINUTES",
    "SNOOZE_PATTERN",
    "Choice",
    "FeedbackVote",
    "PainAnswer",
    "confirm",
    "feedback",
    "go",
    "pain",
    "parse_confirm",
    "parse_feedback",
    "parse_pain",
    "parse_settings",
    "parse_snooze",
    "setting",
    "snooze",
]

#: The delays the reminder's snooze buttons offer, in minutes.
SNOOZE_MINUTES = (15, 60)
#: Pause lengths the settings keyboard offers, in days.
PAUSE_CHOICES = (1, 3, 7, 14)

# Patterns for the CallbackQueryHandlers; arguments are checked again when parsed.
GO_PATTERN = re.compile(r"^go(?::(?P<routine>[a-z][a-z0-9_-]{0,31}))?$")
SNOOZE_PATTERN = re.compile(r"^snz:(?P<minutes>\d{1,3})$|^skip$")
SETTINGS_PATTERN = re.compile(r"^set(?::[a-z]+(?::[a-z0-9_-]{1,32})?)?$")
SKIP_TODAY = "skip"


def go(routine_id: str | None = None) -> str:
    """Start a routine now (the default one when ``routine_id`` is None)."""
    return f"go:{routine_id}" if routine_id else "go"


def snooze(minutes: int) -> str:
    return f"snz:{minutes}"


def setting(menu: str = "", value: str = "") -> str:
    """A settings-keyboard button: ``set``, ``set:days``, ``set:day:0``…"""
    return ":".join(part for part in ("set", menu, value) if part)


@dataclass(frozen=True, slots=True)
class Choice:
    """A parsed settings button: which menu, and the value picked in it (if any)."""

    menu: str
    value: str = ""


_MENUS = {"", "time", "hour", "at", "days", "day", "routine", "use", "pause", "for", "resume"}


def parse_settings(data: str) -> Choice | None:
    """The settings button's menu and value, or None if the data is not one we make."""
    parts = data.split(":")
    if parts[0] != "set" or len(parts) > 3:
        return None
    menu = parts[1] if len(parts) > 1 else ""
    value = parts[2] if len(parts) > 2 else ""
    if menu not in _MENUS:
        return None
    valid: dict[str, Callable[[str], bool]] = {
        "hour": lambda v: v.isdigit() and int(v) < 24,
        "at": _valid_hhmm,
        "day": lambda v: v in {"0", "1", "2", "3", "4", "5", "6", "all", "weekdays"},
        "for": lambda v: v.isdigit() and int(v) in PAUSE_CHOICES,
        "use": lambda v: bool(re.fullmatch(r"[a-z][a-z0-9_-]{0,31}", v)),
    }
    check = valid.get(menu)
    if check is None:
        return Choice(menu) if not value else None
    return Choice(menu, value) if check(value) else None


def _valid_hhmm(value: str) -> bool:
    if not re.fullmatch(r"\d{4}", value):
        return False
    try:
        dt.time(int(value[:2]), int(value[2:]))
    except ValueError:
        return False
    return True


def parse_snooze(data: str) -> int | None:
    """Minutes for a snooze button; 0 for "skip today"; None if not a button we make."""
    if data == SKIP_TODAY:
        return 0
    match = SNOOZE_PATTERN.match(data)
    if not match or not match["minutes"]:
        return None
    minutes = int(match["minutes"])
    return minutes if minutes in SNOOZE_MINUTES else None


# Yes/no confirmations (/forget, /broadcast): ``fgt:yes``, ``bc:no``.
FORGET_PATTERN = re.compile(r"^fgt:(?:yes|no)$")
BROADCAST_PATTERN = re.compile(r"^bc:(?:yes|no)$")


def confirm(prefix: str, yes: bool) -> str:
    return f"{prefix}:{'yes' if yes else 'no'}"


def parse_confirm(prefix: str, data: str) -> bool | None:
    """True for yes, False for no, None if the data is not this prefix's button."""
    return {f"{prefix}:yes": True, f"{prefix}:no": False}.get(data)


# Coaching (issue 7) ---------------------------------------------------------------------------

#: The release message's feedback: ``fb:<e|j|h>:<hold key>:<seconds used>``. The seconds make a
#: second press of an old button (or a forged one) detectable: it no longer matches.
FEEDBACK_PATTERN = re.compile(
    r"^fb:(?P<vote>[ejh]):(?P<key>[a-z][a-z0-9_-]{0,31}:\d{1,2}:\d{1,2}:[01])"
    r":(?P<used>\d{1,3}(?:\.\d{1,2})?)$"
)
#: The "Stop — it hurts" button on hold messages.
HURTS = "hurt"
HURTS_PATTERN = re.compile(r"^hurt$")
#: The pain question's buttons: ``pain:<b|a>:<0-10 or x (skip)>:<session id>``.
PAIN_PATTERN = re.compile(r"^pain:(?P<when>[ba]):(?P<value>\d{1,2}|x):(?P<session>\d{1,16})$")
#: The values the pain keyboard offers (one row: Telegram shows at most 8 buttons in a row).
PAIN_VALUES = (0, 2, 4, 6, 8, 10)


def feedback(vote: str, key: str, used: float) -> str:
    return f"fb:{vote}:{key}:{used:g}"


@dataclass(frozen=True, slots=True)
class FeedbackVote:
    vote: str
    key: str
    used: float


def parse_feedback(data: str) -> FeedbackVote | None:
    match = FEEDBACK_PATTERN.match(data)
    if match is None:
        return None
    return FeedbackVote(match["vote"], match["key"], float(match["used"]))


def pain(when: str, value: int | None, session: int) -> str:
    return f"pain:{when}:{'x' if value is None else value}:{session}"


@dataclass(frozen=True, slots=True)
class PainAnswer:
    before: bool
    #: None: skipped.
    value: int | None
    session: int


def parse_pain(data: str) -> PainAnswer | None:
    """A pain button's answer, or None if it is not one we make (0–10 or skip)."""
    match = PAIN_PATTERN.match(data)
    if match is None:
        return None
    value = None if match["value"] == "x" else int(match["value"])
    if value is not None and value > 10:
        return None
    return PainAnswer(match["when"] == "b", value, int(match["session"]))
