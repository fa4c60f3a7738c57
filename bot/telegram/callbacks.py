"""Inline-button callback data: one codec for every kind of button.

Telegram limits callback data to 64 bytes and sends back whatever a (possibly old, possibly
forged) button carried, so nothing is trusted until it decodes here. Each kind of button has an
encoder and a decoder that are exact inverses: ``parse_x(x(value)) == value`` for every value
the encoder accepts (it raises ValueError for any other), and ``x(parse_x(data)) == data`` for
all data that decodes. Data is ASCII, at most 64 bytes, and every number has one spelling
(ASCII digits, no leading zeros: ``re``'s ``\\d`` and ``str.isdigit`` also accept "٣"), so one
meaning is never two keys in storage. Anything else decodes to None and is answered "This
button has expired". The handlers' patterns are the decoders themselves, so no second grammar
can disagree with them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.core.progression import milliseconds
from bot.telegram.render import i18n

__all__ = [
    "BROADCAST_PATTERN",
    "FEEDBACK_PATTERN",
    "FORGET_PATTERN",
    "GATE_PATTERN",
    "GO_PATTERN",
    "HURTS",
    "HURTS_PATTERN",
    "MAX_BYTES",
    "PAIN_PATTERN",
    "PAIN_ROWS",
    "PAIN_VALUES",
    "PAUSE_CHOICES",
    "SETTINGS_PATTERN",
    "SKIP_TODAY",
    "SNOOZE_MINUTES",
    "SNOOZE_PATTERN",
    "VOTES",
    "Choice",
    "FeedbackVote",
    "Gate",
    "PainAnswer",
    "Snooze",
    "confirm",
    "feedback",
    "gate",
    "go",
    "milliseconds",
    "pain",
    "parse_confirm",
    "parse_feedback",
    "parse_gate",
    "parse_go",
    "parse_hurts",
    "parse_pain",
    "parse_settings",
    "parse_snooze",
    "setting",
    "snooze",
]

_T = TypeVar("_T")

#: Telegram's limit for callback data.
MAX_BYTES = 64
#: The delays the reminder's snooze buttons offer, in minutes.
SNOOZE_MINUTES = (15, 60)
#: Pause lengths the settings keyboard offers, in days.
PAUSE_CHOICES = (1, 3, 7, 14)
SKIP_TODAY = "skip"

_ID = r"[a-z][a-z0-9_-]{0,31}"
_ID_RE = re.compile(_ID)


def _number(digits: int) -> str:
    """A natural number of at most ``digits`` ASCII digits, in its one spelling."""
    return rf"(?:0|[1-9][0-9]{{0,{digits - 1}}})"


def _natural(value: object, highest: int) -> bool:
    """Whether ``value`` is an int (not a bool, not a float) from 0 to ``highest``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= highest


def _checked(data: str) -> str:
    """Encoders end here: what they make is always data Telegram takes."""
    if not data.isascii() or len(data) > MAX_BYTES:
        raise ValueError(f"not valid callback data: {data!r}")
    return data


def _usable(data: str) -> bool:
    """Decoders start here: nothing else is data an encoder makes."""
    return data.isascii() and len(data) <= MAX_BYTES


def _matching(decode: Callable[[str], _T | None]) -> Callable[[object], bool]:
    """A CallbackQueryHandler pattern accepting exactly the data ``decode`` decodes."""

    def pattern(data: object) -> bool:
        return isinstance(data, str) and decode(data) is not None

    return pattern


# Start a routine: ``go`` (the chat's routine) or ``go:<routine id>`` ---------------------------


def go(routine_id: str | None = None) -> str:
    """Start a routine now (the chat's own choice when ``routine_id`` is None or "")."""
    if not routine_id:
        return "go"
    if not _ID_RE.fullmatch(routine_id):
        raise ValueError(f"not a routine id: {routine_id!r}")
    return _checked(f"go:{routine_id}")


def parse_go(data: str) -> str | None:
    """The routine id of a start button ("" for the chat's own choice), or None."""
    if data == "go":
        return ""
    prefix, _, routine_id = data.partition(":")
    if prefix != "go" or not _usable(data) or not _ID_RE.fullmatch(routine_id):
        return None
    return routine_id


GO_PATTERN = _matching(parse_go)


# The reminder's snooze and skip buttons: ``snz:<minutes>:<reminder>``, ``skip:<reminder>`` -----
#
# ``reminder`` names the reminder the buttons belong to (the instant it was due, in seconds):
# the chat records it before the message is sent, so a press counts even while Telegram is
# still answering the send, and a press on an older reminder's buttons does not.

#: The largest reminder number: the seconds of an instant well past this century.
_REMINDER_MAX = 10**11 - 1


@dataclass(frozen=True, slots=True)
class Snooze:
    """A parsed snooze button: minutes (0: skip today) and which reminder it is on."""

    minutes: int
    reminder: int


def snooze(minutes: int, reminder: int) -> str:
    """A snooze button for one of SNOOZE_MINUTES (0 is "skip today") on reminder ``reminder``."""
    if not _natural(minutes, max(SNOOZE_MINUTES)) or (minutes and minutes not in SNOOZE_MINUTES):
        raise ValueError(f"not a snooze the reminder offers: {minutes!r}")
    if not _natural(reminder, _REMINDER_MAX):
        raise ValueError(f"not a reminder number: {reminder!r}")
    if minutes == 0:
        return _checked(f"{SKIP_TODAY}:{reminder}")
    return _checked(f"snz:{minutes}:{reminder}")


_SNOOZE_RE = re.compile(
    rf"(?:snz:(?P<minutes>{_number(3)})|{SKIP_TODAY}):(?P<reminder>{_number(11)})"
)


def parse_snooze(data: str) -> Snooze | None:
    """The snooze (or skip) and its reminder; None if not a button we make."""
    match = _SNOOZE_RE.fullmatch(data) if _usable(data) else None
    if match is None:
        return None
    minutes = int(match["minutes"] or 0)
    if match["minutes"] is not None and minutes not in SNOOZE_MINUTES:
        return None
    return Snooze(minutes, int(match["reminder"]))


SNOOZE_PATTERN = _matching(parse_snooze)


# The settings keyboard: ``set``, ``set:<menu>``, ``set:<menu>:<value>`` ------------------------


@dataclass(frozen=True, slots=True)
class Choice:
    """A parsed settings button: which menu, and the value picked in it (if any)."""

    menu: str
    value: str = ""


def _valid_hhmm(value: str) -> bool:
    if not re.fullmatch(r"[0-9]{4}", value):
        return False
    try:
        dt.time(int(value[:2]), int(value[2:]))
    except ValueError:
        return False
    return True


#: Menus that are just shown, and those that take a value (with what the value may be).
_MENUS = frozenset({"", "time", "days", "routine", "pause", "resume", "zone", "language"})
_VALUES: dict[str, Callable[[str], bool]] = {
    "hour": lambda v: v in {f"{hour:02d}" for hour in range(24)},
    "at": _valid_hhmm,
    "day": lambda v: v in {*map(str, range(7)), "all", "weekdays"},
    "for": lambda v: v in {str(days) for days in PAUSE_CHOICES},
    "use": lambda v: _ID_RE.fullmatch(v) is not None,
    "sound": lambda v: v in {"on", "off"},
    "lang": lambda v: v in i18n.LANGUAGES,
}


def _valid_choice(menu: str, value: str) -> bool:
    if menu in _MENUS:
        return not value
    check = _VALUES.get(menu)
    return check is not None and check(value)


def setting(menu: str = "", value: str = "") -> str:
    """A settings-keyboard button: ``set``, ``set:days``, ``set:day:0``, ``set:hour:07``…"""
    if not _valid_choice(menu, value):
        raise ValueError(f"not a settings button: {menu!r} {value!r}")
    return _checked(":".join(part for part in ("set", menu, value) if part))


def parse_settings(data: str) -> Choice | None:
    """The settings button's menu and value, or None if the data is not one we make."""
    parts = data.split(":")
    if parts[0] != "set" or len(parts) > 3 or not _usable(data):
        return None
    menu = parts[1] if len(parts) > 1 else ""
    value = parts[2] if len(parts) > 2 else ""
    if not _valid_choice(menu, value) or setting(menu, value) != data:
        return None  # e.g. "set:" or "set::": not how the encoder spells it
    return Choice(menu, value)


SETTINGS_PATTERN = _matching(parse_settings)


# Yes/no confirmations (/forget, /broadcast): ``fgt:yes``, ``bc:no`` ----------------------------


def confirm(prefix: str, yes: bool) -> str:
    return f"{prefix}:{'yes' if yes else 'no'}"


def parse_confirm(prefix: str, data: str) -> bool | None:
    """True for yes, False for no, None if the data is not this prefix's button."""
    return {f"{prefix}:yes": True, f"{prefix}:no": False}.get(data)


FORGET_PATTERN = _matching(lambda data: parse_confirm("fgt", data))
BROADCAST_PATTERN = _matching(lambda data: parse_confirm("bc", data))


# Coaching (issue 7) ---------------------------------------------------------------------------

#: The release message's feedback votes (bot.core.progression.Feedback's values).
VOTES = ("e", "j", "h")
_HOLD_KEY = rf"{_ID}:{_number(3)}:{_number(3)}:[01]"
#: A session id in base 36 (lowercase, no leading zeros): 13 decimal digits would not fit
#: beside a 32-character routine id. Nine digits reach the year 5000.
_SESSION36 = r"(?:0|[1-9a-z][0-9a-z]{0,8})"
_SESSION36_MAX = 36**9 - 1
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
#: ``fb:<e|j|h>:<hold key>:<milliseconds used>:<session>``. The time the button was shown
#: with makes a second press of an old button (or a forged one) detectable: it no longer
#: matches. It is in whole milliseconds, so any hold the loader accepts (12.345 s) is carried
#: exactly. The session makes it expire once the next session starts.
_FEEDBACK_RE = re.compile(rf"fb:([ejh]):({_HOLD_KEY}):({_number(6)}):({_SESSION36})")


def _base36(number: int) -> str:
    digits = ""
    while True:
        number, digit = divmod(number, 36)
        digits = _DIGITS36[digit] + digits
        if not number:
            return digits


@dataclass(frozen=True, slots=True)
class FeedbackVote:
    vote: str
    #: The step's per-side key, ``routine:exercise:step:side`` (bot.core.progression.hold_key).
    key: str
    #: The time in position the button was shown with, in milliseconds.
    used_ms: int
    #: The session the button belongs to (bot.core.session.session_id).
    session: int


def feedback(vote: str, key: str, used_ms: int, session: int) -> str:
    """A feedback button for the side ``key`` shown with ``used_ms`` (see milliseconds())
    in session ``session``."""
    if (
        vote not in VOTES
        or not re.fullmatch(_HOLD_KEY, key)
        or not _natural(used_ms, 999_999)
        or not _natural(session, _SESSION36_MAX)
    ):
        raise ValueError(f"not a feedback button: {vote!r} {key!r} {used_ms!r} {session!r}")
    return _checked(f"fb:{vote}:{key}:{used_ms}:{_base36(session)}")


def parse_feedback(data: str) -> FeedbackVote | None:
    match = _FEEDBACK_RE.fullmatch(data) if _usable(data) else None
    if match is None:
        return None
    return FeedbackVote(match[1], match[2], int(match[3]), int(match[4], 36))


FEEDBACK_PATTERN = _matching(parse_feedback)

#: The "Stop — it hurts" button on hold messages.
HURTS = "hurt"


def parse_hurts(data: str) -> bool | None:
    """True for the "it hurts" button, None for anything else."""
    return True if data == HURTS else None


HURTS_PATTERN = _matching(parse_hurts)

#: The values the pain keyboard offers: every one from 0 to 10, in two rows (Telegram shows
#: at most 8 buttons in a row); Skip ends the second.
PAIN_ROWS = (tuple(range(6)), tuple(range(6, 11)))
PAIN_VALUES = tuple(value for row in PAIN_ROWS for value in row)
#: The pain question's buttons: ``pain:<b|a>:<0-10 or x (skip)>:<session id>``.
_PAIN_RE = re.compile(rf"pain:([ba]):(x|{_number(2)}):({_number(16)})")


@dataclass(frozen=True, slots=True)
class PainAnswer:
    before: bool
    #: None: skipped.
    value: int | None
    session: int


def pain(when: str, value: int | None, session: int) -> str:
    """A pain button: before ("b") or after ("a") session ``session``, 0–10 or None (skip)."""
    if when not in ("b", "a") or not _natural(session, 10**16 - 1):
        raise ValueError(f"not a pain button: {when!r} {value!r} {session!r}")
    if value is not None and not _natural(value, 10):
        raise ValueError(f"not a pain button: {when!r} {value!r} {session!r}")
    return _checked(f"pain:{when}:{'x' if value is None else value}:{session}")


def parse_pain(data: str) -> PainAnswer | None:
    """A pain button's answer, or None if it is not one we make (0–10 or skip)."""
    match = _PAIN_RE.fullmatch(data) if _usable(data) else None
    if match is None:
        return None
    value = None if match[2] == "x" else int(match[2])
    if value is not None and value > 10:
        return None
    return PainAnswer(match[1] == "b", value, int(match[3]))


PAIN_PATTERN = _matching(parse_pain)


# After a high pain answer: ``gate:<c|s>:<session id>`` (continue gently, or stop for today) --

_GATE_RE = re.compile(rf"gate:([cs]):({_number(16)})")


@dataclass(frozen=True, slots=True)
class Gate:
    """A parsed answer to "continue gently, or stop for today?"."""

    go_on: bool
    session: int


def gate(go_on: bool, session: int) -> str:
    if not isinstance(go_on, bool) or not _natural(session, 10**16 - 1):
        raise ValueError(f"not a pain gate button: {go_on!r} {session!r}")
    return _checked(f"gate:{'c' if go_on else 's'}:{session}")


def parse_gate(data: str) -> Gate | None:
    match = _GATE_RE.fullmatch(data) if _usable(data) else None
    return None if match is None else Gate(match[1] == "c", int(match[2]))


GATE_PATTERN = _matching(parse_gate)
