"""Telegram's text formatting: HTML, MarkdownV2 and legacy Markdown to plain text + entities.

The parsers follow tdlib's (what the Bot API server runs): the same constructs, the same
error messages with UTF-8 byte offsets, entity offsets and lengths in UTF-16 code units,
and surrounding whitespace trimmed afterwards. ``parse`` picks the parser for a parse_mode:
``html`` for HTML (which also tells where the emulator is stricter than tdlib), ``markdown``
for MarkdownV2 and legacy Markdown; ``entities`` holds what they share.
"""

from __future__ import annotations

from .entities import Entity, EntityParseError, trim, utf16_len
from .html import parse_html
from .markdown import parse_markdown, parse_markdown_v2

__all__ = ["Entity", "EntityParseError", "parse", "trim", "utf16_len"]


def parse(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Plain text and entities for ``text`` in ``parse_mode`` (None: plain text).

    Raises ``EntityParseError`` if the markup is invalid and ``ValueError`` for an unknown
    parse_mode (compare case-insensitively, as Telegram does).
    """
    mode = (parse_mode or "").lower()
    if not mode:
        return trim(text, [])
    if mode == "html":
        return trim(*parse_html(text))
    if mode == "markdownv2":
        return trim(*parse_markdown_v2(text))
    if mode == "markdown":
        return trim(*parse_markdown(text))
    raise ValueError(f"unsupported parse_mode {parse_mode!r}")
