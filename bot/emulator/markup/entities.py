"""What every parse mode shares: UTF-16 positions, entities being built, the error, trimming.

Entity offsets and lengths count UTF-16 code units, and error messages count UTF-8 bytes, as
tdlib's do; ``Builder`` keeps both straight while a parser walks the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

WHITESPACE = " \t\n\r\x0b\x0c"


class EntityParseError(ValueError):
    """The text does not parse in its parse_mode; the message is tdlib's reason."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets and lengths."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading/trailing whitespace as Telegram does, clipping entities to what is left."""
    left = len(text) - len(text.lstrip(WHITESPACE))
    stripped = text.strip(WHITESPACE)
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - left)
        end = min(total, entity["offset"] + entity["length"] - left)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return stripped, kept


def utf8_offset(text: str, index: int) -> int:
    """The UTF-8 byte offset of ``text[index]``, the unit of tdlib's error messages."""
    return len(text[:index].encode("utf-8"))


@dataclass
class Open:
    """An entity whose start has been seen and whose end has not."""

    kind: str
    offset: int
    byte_offset: int
    tag: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Builder:
    """Accumulates the plain text and tracks the UTF-16 position and finished entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def close(self, opened: Open, **extra: Any) -> None:
        length = self.pos - opened.offset
        if length > 0:
            entity = {"type": opened.kind, "offset": opened.offset, "length": length}
            entity.update({key: value for key, value in extra.items() if value is not None})
            self.entities.append(entity)

    def text_since(self, offset: int) -> str:
        """The plain text from UTF-16 ``offset`` to the current end."""
        return "".join(self.parts).encode("utf-16-le")[offset * 2 :].decode("utf-16-le")

    def result(self) -> tuple[str, list[Entity]]:
        return "".join(self.parts), self.entities
