"""The sandbox's own commands, which never reach the bot: pressing buttons, sending a file,
help and quitting. Everything else the user types is a message for the bot.

Pure: a line in, what it asks for out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TypeAlias

__all__ = ["HELP_LINES", "Help", "LocalCommand", "Press", "Quit", "SendFile", "parse_local"]

#: How to use the sandbox's commands: in the banner, and again on ``/sandbox``.
HELP_LINES = (
    "/1, /2 … press that button of the latest message with buttons; /3@12: button 3 of #12.",
    "/send my-routine.toml sends a file from this computer, as if attached in Telegram.",
    "/sandbox shows these lines again; /quit ends.",
)

_PRESS_RE = re.compile(r"^/(\d{1,3})(?:@#?(\d{1,9}))?$")
_SEND_RE = re.compile(r"^/send(?:\s+(?P<path>.*))?$", re.IGNORECASE | re.DOTALL)
_QUIT = frozenset({"/quit", "/exit"})
_HELP = "/sandbox"


@dataclass(frozen=True, slots=True)
class Press:
    """Press button ``button`` (from 1) of message ``message_id``, or of the latest message
    that shows buttons when ``message_id`` is None."""

    button: int
    message_id: int | None = None

    def __str__(self) -> str:
        return f"/{self.button}" + (f"@{self.message_id}" if self.message_id is not None else "")


@dataclass(frozen=True, slots=True)
class SendFile:
    """Send the file at ``path`` (as typed, quotes removed; empty when none was given)."""

    path: str


@dataclass(frozen=True, slots=True)
class Help:
    """Show the sandbox's commands again."""


@dataclass(frozen=True, slots=True)
class Quit:
    """End the chat."""


LocalCommand: TypeAlias = Press | SendFile | Help | Quit


def parse_local(text: str) -> LocalCommand | None:
    """The sandbox command ``text`` asks for, or None when it is a message for the bot."""
    lowered = text.lower()
    if lowered in _QUIT:
        return Quit()
    if lowered == _HELP:
        return Help()
    press = _PRESS_RE.match(text)
    if press:
        message_id = int(press[2]) if press[2] is not None else None
        return Press(int(press[1]), message_id)
    send = _SEND_RE.match(text)
    if send:
        return SendFile(_unquoted((send["path"] or "").strip()))
    return None


def _unquoted(path: str) -> str:
    """A path pasted with quotes around it (as terminals do for names with spaces)."""
    if len(path) >= 2 and path[0] == path[-1] and path[0] in "'\"":
        return path[1:-1]
    return path
