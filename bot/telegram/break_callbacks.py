"""The break prompt's button data: ``brk:<action>:<prompt number>``, decoded strictly (the
prompt's number tells a live prompt from an ended one)."""

from __future__ import annotations

import re

from bot.features.breaks import Action

__all__ = ["BREAK_PATTERN", "break_button", "parse_break"]

_RE = re.compile(r"brk:(go|done|later|no|meet):(0|[1-9][0-9]{0,15})")


def break_button(action: Action, number: int) -> str:
    if number < 0:
        raise ValueError(f"not a prompt number: {number}")
    return f"brk:{action.value}:{number}"


def parse_break(data: str) -> tuple[Action, int] | None:
    match = _RE.fullmatch(data) if data.isascii() else None
    return (Action(match[1]), int(match[2])) if match else None


def BREAK_PATTERN(data: object) -> bool:
    """A CallbackQueryHandler pattern accepting exactly what :func:`parse_break` decodes."""
    return isinstance(data, str) and parse_break(data) is not None
