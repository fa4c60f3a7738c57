"""The sandbox's command-line options, parsed and checked before anything starts.

Each problem is an ``argparse`` error (one line and exit status 2), like the bot's own settings.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

from bot.core.parsing import ParseError, parse_timezone

__all__ = ["LOG_LEVELS", "SandboxOptions", "add_arguments", "options_from", "pretend_now"]

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


@dataclass(frozen=True, slots=True)
class SandboxOptions:
    """What ``stretchbot sandbox`` was asked for; ``None`` means "as the settings say"."""

    speed: float = 1.0
    now: dt.time | None = None
    timezone: str | None = None
    data_dir: Path | None = None
    log_level: str = "WARNING"
    name: str = "Alex"
    #: The language of "your" Telegram app (its language_code), which the bot answers in.
    language: str = "en"
    #: Where files the bot sends are saved (relative to the working directory).
    files_dir: Path = Path("sandbox-files")


def _speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text!r}")
    return value


def _clock_time(text: str) -> dt.time:
    match = _CLOCK_RE.match(text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"use HH:MM or HH:MM:SS (24-hour), not {text!r}")
    hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise argparse.ArgumentTypeError(f"no such time of day: {text!r}") from None


def _timezone(text: str) -> str:
    try:
        return parse_timezone(text)
    except ParseError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``sandbox`` sub-command's options."""
    parser.add_argument(
        "--speed",
        type=_speed,
        default=1.0,
        metavar="N",
        help="run every hold and pause N times faster (sets TIME_SCALE to 1/N); default 1",
    )
    parser.add_argument(
        "--now",
        type=_clock_time,
        metavar="HH:MM[:SS]",
        help="pretend it is this local time today, e.g. 08:59:50 to see the 09:00 reminder",
    )
    parser.add_argument(
        "--timezone",
        type=_timezone,
        metavar="ZONE",
        help="the sandbox's zone (an IANA name); default DEFAULT_TIMEZONE",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="PATH",
        help="keep the database in PATH; default: a throw-away folder",
    )
    parser.add_argument(
        "--log-level",
        type=str.upper,
        choices=LOG_LEVELS,
        default="WARNING",
        help="bot log lines on stderr; default WARNING, so they don't interleave with the chat",
    )
    parser.add_argument("--name", default="Alex", help="your first name in the chat")
    parser.add_argument(
        "--language",
        default="en",
        metavar="CODE",
        help="your Telegram app's language, which the bot speaks: en, de, es or ru; default en",
    )
    parser.add_argument(
        "--files",
        type=Path,
        default=Path("sandbox-files"),
        metavar="DIR",
        help="save the files the bot sends (e.g. /export) in DIR; default: sandbox-files",
    )


def options_from(args: argparse.Namespace) -> SandboxOptions:
    return SandboxOptions(
        speed=args.speed,
        now=args.now,
        timezone=args.timezone,
        data_dir=args.data_dir,
        log_level=args.log_level,
        name=args.name,
        language=args.language,
        files_dir=args.files,
    )


def pretend_now(local: dt.time, zone: dt.tzinfo, today: dt.date) -> dt.datetime:
    """``--now``: that wall-clock time on ``today`` in ``zone``, as an aware datetime."""
    return dt.datetime.combine(today, local, tzinfo=zone)
