"""Every user-facing string and keyboard, per feature, ready for translation.

Each module says one feature's notes (``bot.ports.Note``: what to say, as data) and exports
``RENDERERS``, note type → function; ``bot.app`` hands them all to the outbox. Anything that
comes from users or content is escaped here (messages are HTML), nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.ports import Note

__all__ = ["Photo", "Rendered", "Renderers"]

#: A picture to send with a message: a file (an exercise's illustration: uploaded once, then
#: re-sent by the file_id Telegram gave it) or bytes made for this message (a chart: uploaded).
Photo = Path | bytes


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as Telegram takes it: HTML text, and its buttons if any; with a ``photo``,
    a photo whose caption is the text (or, if the text is too long for a caption, followed by
    the text). A ``keyboard`` (the reply keyboard under the input field, or its removal)
    is for a reply to the user's own message only: the outbox never sends one."""

    text: str
    buttons: InlineKeyboardMarkup | None = None
    photo: Photo | None = None
    keyboard: ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None


#: Note type → the function that says it.
Renderers = Mapping[type[Note], Callable[[Any], Rendered]]
