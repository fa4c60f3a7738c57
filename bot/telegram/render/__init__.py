"""Every user-facing string and keyboard, per feature, ready for translation.

Each module says one feature's notes (``bot.ports.Note``: what to say, as data) and exports
``RENDERERS``, note type → function; ``bot.app`` hands them all to the outbox. Anything that
comes from users or content is escaped here (messages are HTML), nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from telegram import InlineKeyboardMarkup

from bot.ports import Note

__all__ = ["Rendered", "Renderers"]


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as Telegram takes it: HTML text, and its buttons if any."""

    text: str
    buttons: InlineKeyboardMarkup | None = None


#: Note type → the function that says it.
Renderers = Mapping[type[Note], Callable[[Any], Rendered]]
