"""The chat as a terminal transcript: each bot message with its local time and elapsed seconds.

Writes to any text stream, so it can be tested with ``io.StringIO``. ``Look`` says what the
terminal can do. Without ANSI (not a TTY, or ``NO_COLOR``) only plain text is written and an
edit is one marked line showing what changed (``✎ #12 ▓▓▓▓░░░░░░ 6 s``). With ANSI, an edit of
the last thing on screen rewrites it in place, which is how a live countdown should look.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from bot.emulator import BotMessage, MessageEdit
from bot.sandbox.text import paint, styles_of, wrap

__all__ = ["Look", "Timeline", "Transcript", "changed_from", "numbered"]

JSON = dict[str, Any]

_TAG_WIDTH = 5
#: Columns before the text: "08:59:57   +0.4s  #12   ".
_GUTTER = 8 + 1 + 7 + 2 + _TAG_WIDTH + 1
_DIM, _BOLD, _PLAIN = "\x1b[2m", "\x1b[1m", "\x1b[0m"
_SAVE_CURSOR, _RESTORE_CURSOR, _CLEAR_LINE, _NEXT_LINE = "\x1b7", "\x1b8", "\x1b[2K", "\x1b[1E"


@dataclass(frozen=True, slots=True)
class Look:
    """What the terminal can show."""

    #: Bold and italic text and in-place edits (a TTY, and NO_COLOR not set).
    ansi: bool = False
    #: Wrap text to this many columns (a TTY's width); None never wraps.
    width: int | None = None
    #: Rows on screen: a block taller than this cannot be rewritten in place.
    height: int = 24
    #: Print the user's lines, which a terminal would otherwise have echoed itself.
    echo: bool = True


@dataclass(frozen=True, slots=True)
class Timeline:
    """Turns ``time.monotonic()`` instants into the bot's local time and elapsed seconds."""

    started: float
    #: The bot's clock (possibly pretending, see ``--now``) at ``started``.
    wall: dt.datetime
    zone: dt.tzinfo

    def local(self, at: float) -> dt.datetime:
        return (self.wall + dt.timedelta(seconds=at - self.started)).astimezone(self.zone)

    def stamp(self, at: float) -> str:
        elapsed = f"+{max(0.0, at - self.started):.1f}s"
        return f"{self.local(at):%H:%M:%S} {elapsed:>7}"


@dataclass(frozen=True, slots=True)
class _Version:
    """A message as it was shown: its text and keyboard."""

    text: str
    markup: JSON | None


@dataclass(frozen=True, slots=True)
class _Block:
    """Rows still at the bottom of the screen, which the next edit of their message may
    rewrite. ``base`` is what an update block shows changes from (None: a whole message)."""

    message_id: int
    rows: int
    at: float
    tag: str
    base: _Version | None


def changed_from(before: str, after: str) -> int:
    """Where the lines of ``after`` start to differ from ``before`` (0 if nothing new)."""
    old, new = before.split("\n"), after.split("\n")
    common = 0
    while common < min(len(old), len(new)) and old[common] == new[common]:
        common += 1
    if common == len(new):
        return 0
    return sum(len(line) + 1 for line in new[:common])


def numbered(keyboard: JSON | None) -> list[str]:
    """``[1] ▶️ Start now  [2] Later``: a line per keyboard row, numbered across rows as
    ``/1``, ``/2`` … press them."""
    rows = keyboard.get("inline_keyboard", []) if keyboard else []
    lines: list[str] = []
    number = 0
    for row in rows:
        labels = []
        for button in row:
            number += 1
            link = f" ↗ {button['url']}" if "url" in button else ""
            labels.append(f"[{number}] {button['text']}{link}")
        lines.append("  ".join(labels))
    return lines


class Transcript:
    """Prints the chat as it happens."""

    def __init__(self, out: TextIO, look: Look, timeline: Timeline) -> None:
        self._out = out
        self._look = look
        self._timeline = timeline
        self._last: _Block | None = None
        self._shown: dict[int, _Version] = {}

    # -- what happens in the chat ------------------------------------------------------------

    def notice(self, text: str) -> None:
        """Lines that must not be missed, before the banner."""
        self._write([*(self._style(_BOLD, line) for line in text.splitlines()), ""])

    def banner(self, title: str, lines: Sequence[str]) -> None:
        self._write([self._style(_BOLD, title), *(self._style(_DIM, line) for line in lines), ""])

    def said(self, text: str, at: float) -> None:
        """The user's line, when the terminal did not echo it (stdin is not a TTY)."""
        self.input_seen()
        if self._look.echo:
            self._write(self._rows(self._timeline.stamp(at), "you", text))

    def input_seen(self) -> None:
        """The user pressed Enter: their line is now the last thing on screen."""
        self._last = None

    def message(self, message: BotMessage, files: Sequence[str] = ()) -> None:
        """A new message; ``files`` are lines about the files it carries, shown above its text
        (a document's caption), as Telegram shows them."""
        version = _Version(message.text, message.reply_markup)
        self._shown[message.message_id] = version
        tag = f"#{message.message_id}"
        rows = self._rows(
            self._timeline.stamp(message.sent_at),
            tag,
            message.text,
            message.entities,
            numbered(message.reply_markup),
            above=files,
        )
        self._write(rows)
        self._last = _Block(message.message_id, len(rows), message.sent_at, tag, None)

    def edited(self, message: BotMessage, edit: MessageEdit) -> None:
        """Rewritten in place if it is still the last thing on screen; otherwise one marked
        line with what changed, which the next edit of that message rewrites in turn."""
        before = self._shown.get(message.message_id, _Version("", None))
        self._shown[message.message_id] = _Version(edit.text, edit.reply_markup)
        last = self._last
        if self._look.ansi and last is not None and last.message_id == message.message_id:
            rows = self._update_rows(last.at, last.tag, last.base, edit)
            if max(len(rows), last.rows) < self._look.height:
                self._rewrite(rows, last.rows)
                self._last = _Block(
                    last.message_id, max(last.rows, len(rows)), last.at, last.tag, last.base
                )
                return
        tag = f"✎ #{message.message_id}"
        rows = self._update_rows(edit.at, tag, before, edit)
        self._write(rows)
        self._last = _Block(message.message_id, len(rows), edit.at, tag, before)

    def deleted(self, message_id: int, at: float) -> None:
        self._write(self._rows(self._timeline.stamp(at), f"✗ #{message_id}", "(deleted)"))
        self._last = None

    def toast(self, text: str, at: float) -> None:
        """A button's answer, which Telegram shows over the chat for a moment."""
        self._write(self._rows(self._timeline.stamp(at), "toast", text))
        self._last = None

    def note(self, text: str, at: float | None = None) -> None:
        """The sandbox itself speaking (not the bot), marked ``»``."""
        stamp = self._timeline.stamp(time.monotonic() if at is None else at)
        self._write(self._rows(stamp, "»", text))
        self._last = None

    def bye(self, text: str) -> None:
        self._write(["", self._style(_DIM, text)])
        self._last = None

    # -- layout ------------------------------------------------------------------------------

    def _update_rows(
        self, at: float, tag: str, base: _Version | None, edit: MessageEdit
    ) -> list[str]:
        """A whole message (no base), or what changed since ``base``."""
        stamp = self._timeline.stamp(at)
        buttons = numbered(edit.reply_markup)
        if base is None:
            return self._rows(stamp, tag, edit.text, edit.entities, buttons)
        if edit.reply_markup == base.markup:
            buttons = []
        elif base.markup and not buttons:
            buttons = ["(no buttons now)"]
        # Only the keyboard changed: show just that.
        start = None if edit.text == base.text and buttons else changed_from(base.text, edit.text)
        return self._rows(stamp, tag, edit.text, edit.entities, buttons, start)

    def _rows(
        self,
        stamp: str,
        tag: str,
        text: str,
        entities: list[JSON] | None = None,
        buttons: Sequence[str] = (),
        start: int | None = 0,
        above: Sequence[str] = (),
    ) -> list[str]:
        """Screen rows: stamp and tag, then the lines ``above``, ``text[start:]`` (wrapped,
        styled; None: no text), then the buttons."""
        width = self._look.width - _GUTTER - 1 if self._look.width else None
        lines: list[str] = []
        for row in above:
            lines.extend(row[first:end] for first, end in wrap(row, width))
        if start is not None and not (above and not text):
            styles = styles_of(text, entities or []) if self._look.ansi else [0] * len(text)
            lines.extend(
                paint(text, styles, start + first, start + end)
                for first, end in wrap(text[start:], width)
            )
        for row in buttons:
            lines.extend(row[first:end] for first, end in wrap(row, width))
        lines = lines or [""]
        head = self._style(_DIM, f"{stamp}  {tag}".ljust(_GUTTER - 1)) + " "
        return [
            (head + lines[0]).rstrip(),
            *((" " * _GUTTER + line).rstrip() for line in lines[1:]),
        ]

    def _style(self, code: str, text: str) -> str:
        return f"{code}{text}{_PLAIN}" if self._look.ansi and text else text

    def _rewrite(self, rows: list[str], height: int) -> None:
        """Replace the ``height`` rows just above the cursor with ``rows``.

        No taller: the cursor goes back where it was, so a line the user is half-way through
        typing stays as it is. Taller: the block grows down over the cursor's line.
        """
        up = f"\x1b[{height}A\r"
        if len(rows) > height:
            self._out.write(up + "".join(f"{_CLEAR_LINE}{row}\n" for row in rows))
        else:
            padded = [*rows, *([""] * (height - len(rows)))]
            body = _NEXT_LINE.join(_CLEAR_LINE + row for row in padded)
            self._out.write(_SAVE_CURSOR + up + body + _RESTORE_CURSOR)
        self._out.flush()

    def _write(self, rows: list[str]) -> None:
        self._out.write("".join(f"{row}\n" for row in rows))
        self._out.flush()
