"""Laying a Telegram text out for a terminal: styles from entities, width, wrapping.

Pure functions. Wrapping returns slices of the original text (one per screen row), so entity
offsets still apply to each row and an edited message's height on screen is known exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

__all__ = ["BOLD", "ITALIC", "display_width", "paint", "styles_of", "wrap"]

BOLD, ITALIC, UNDERLINE, STRIKE = 1, 2, 4, 8
_STYLE_OF_ENTITY = {
    "bold": BOLD,
    "italic": ITALIC,
    "underline": UNDERLINE,
    "text_link": UNDERLINE,
    "strikethrough": STRIKE,
}
_SGR = {BOLD: "1", ITALIC: "3", UNDERLINE: "4", STRIKE: "9"}
_WORD_RE = re.compile(r"\S+")
_VARIATION_EMOJI = "\ufe0f"


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """Columns the text takes in a terminal (wide characters and emoji count two)."""
    width = 0
    for index, char in enumerate(text):
        wide_emoji = text[index + 1 : index + 2] == _VARIATION_EMOJI
        width += 2 if wide_emoji else _char_width(char)
    return width


def styles_of(text: str, entities: Iterable[Mapping[str, Any]]) -> list[int]:
    """Per character of ``text``, the styles (bit mask) its entities give it.

    Entity offsets count UTF-16 code units, as at Telegram; Python indexes code points.
    """
    index_of_unit: list[int] = []
    for index, char in enumerate(text):
        index_of_unit.extend([index] * (2 if ord(char) > 0xFFFF else 1))
    index_of_unit.append(len(text))
    styles = [0] * len(text)
    for entity in entities:
        style = _STYLE_OF_ENTITY.get(str(entity.get("type")), 0)
        first = int(entity["offset"])
        last = first + int(entity["length"])
        if not style or first >= len(index_of_unit):
            continue
        start = index_of_unit[first]
        end = index_of_unit[min(last, len(index_of_unit) - 1)]
        for index in range(start, end):
            styles[index] |= style
    return styles


def paint(text: str, styles: Sequence[int], start: int, end: int) -> str:
    """``text[start:end]`` with ANSI styles for each run of equally styled characters."""
    painted: list[str] = []
    run_start = start
    for index in range(start, end + 1):
        if index < end and styles[index] == styles[run_start]:
            continue
        run = text[run_start:index]
        style = styles[run_start] if run else 0
        if style:
            codes = ";".join(code for bit, code in _SGR.items() if style & bit)
            painted.append(f"\x1b[{codes}m{run}\x1b[0m")
        else:
            painted.append(run)
        run_start = index
    return "".join(painted)


def wrap(text: str, width: int | None) -> list[tuple[int, int]]:
    """``(start, end)`` slices of ``text``, one per row: a row per line, wrapped at spaces
    to ``width`` columns (``None``: never wrapped). Words longer than a row are cut."""
    rows: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        rows.extend(_wrap_line(text, start, end, width) if width else [(start, end)])
        start = end + 1
    return rows


def _wrap_line(text: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    rows: list[tuple[int, int]] = []
    row_start = row_end = start
    for word in _WORD_RE.finditer(text, start, end):
        if row_end > row_start and display_width(text[row_start : word.end()]) > width:
            rows.append((row_start, row_end))
            row_start = word.start()
        row_end = word.end()
        while display_width(text[row_start:row_end]) > width:
            cut = _cut(text, row_start, row_end, width)
            rows.append((row_start, cut))
            row_start = cut
    rows.append((row_start, row_end))
    return rows


def _cut(text: str, start: int, end: int, width: int) -> int:
    """The furthest index such that ``text[start:index]`` fits in ``width`` (at least one)."""
    index = start + 1
    while index < end and display_width(text[start : index + 1]) <= width:
        index += 1
    return index
