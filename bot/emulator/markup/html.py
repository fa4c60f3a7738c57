"""HTML parse mode: Telegram's tags and entities to plain text + entities, as tdlib parses it.

One deliberate difference: a bare ``&`` that does not start ``&lt;``/``&gt;``/``&amp;``/``&quot;``
or a numeric entity is an error here, while tdlib passes it through. Telegram's documentation
requires escaping it, and untrusted text that was not escaped is exactly the bug the emulator
should catch.
"""

from __future__ import annotations

import re

from .entities import WHITESPACE, Builder, Entity, EntityParseError, Open, utf8_offset

_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Plain text and entities (not yet trimmed); raises ``EntityParseError``."""
    return _HtmlParser(text).run()


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}


def _decode_entity(text: str, index: int) -> tuple[str, int] | None:
    """The character an HTML entity at ``index`` stands for and the index after it."""
    match = _ENTITY_RE.match(text, index)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        return (char, match.end()) if char else None
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _decode_attribute(value: str) -> str:
    """Attribute values are decoded leniently: an unknown ``&`` stays as it is."""
    out = []
    index = 0
    while index < len(value):
        decoded = _decode_entity(value, index) if value[index] == "&" else None
        if decoded is None:
            out.append(value[index])
            index += 1
        else:
            out.append(decoded[0])
            index = decoded[1]
    return "".join(out)


class _HtmlParser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = Builder()
        self.stack: list[Open] = []

    def error(self, message: str, index: int | None = None) -> EntityParseError:
        if index is not None:
            message += f" at byte offset {utf8_offset(self.text, index)}"
        return EntityParseError(message)

    def run(self) -> tuple[str, list[Entity]]:
        text = self.text
        index = 0
        while index < len(text):
            char = text[index]
            if char == "&":
                decoded = _decode_entity(text, index)
                if decoded is None:
                    raise self.error('Character "&" must be escaped as "&amp;"', index)
                self.out.add(decoded[0])
                index = decoded[1]
            elif char == "<":
                if text.startswith("</", index):
                    index = self.end_tag(index)
                else:
                    index = self.start_tag(index)
            else:
                self.out.add(char)
                index += 1
        if self.stack:
            raise self.error(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].tag}"'
            )
        return self.out.result()

    def start_tag(self, begin: int) -> int:
        text = self.text
        index = begin + 1
        while index < len(text) and text[index] not in WHITESPACE and text[index] != ">":
            index += 1
        if index == len(text):
            raise self.error("Unclosed start tag", begin)
        tag = text[begin + 1 : index].lower()
        if tag not in _HTML_TAGS:
            raise self.error(f'Unsupported start tag "{tag}"', begin)
        attributes, index = self.attributes(tag, begin, index)
        self.stack.append(self.open_tag(tag, attributes, begin))
        return index

    def attributes(self, tag: str, begin: int, index: int) -> tuple[dict[str, str], int]:
        text = self.text
        attributes: dict[str, str] = {}
        while True:
            while index < len(text) and text[index] in WHITESPACE:
                index += 1
            if index == len(text):
                raise self.error("Unclosed start tag", begin)
            if text[index] == ">":
                return attributes, index + 1
            name_start = index
            while index < len(text) and text[index] not in WHITESPACE + "=>":
                index += 1
            name = text[name_start:index].lower()
            if not name:
                raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
            while index < len(text) and text[index] in WHITESPACE:
                index += 1
            if index == len(text) or text[index] != "=":
                attributes[name] = ""
                continue
            index += 1
            while index < len(text) and text[index] in WHITESPACE:
                index += 1
            if index == len(text):
                raise self.error("Unclosed start tag", begin)
            if text[index] in "\"'":
                end = text.find(text[index], index + 1)
                if end == -1:
                    raise self.error("Unclosed start tag", begin)
                value, index = text[index + 1 : end], end + 1
            else:
                value_start = index
                while index < len(text) and text[index] not in WHITESPACE + ">":
                    index += 1
                value = text[value_start:index]
            attributes[name] = _decode_attribute(value)

    def open_tag(self, tag: str, attributes: dict[str, str], begin: int) -> Open:
        kind = _HTML_TAGS[tag]
        opened = Open(kind, self.out.pos, utf8_offset(self.text, begin), tag)
        if tag == "a":
            opened.extra["url"] = attributes.get("href", "")
        elif tag == "span" and attributes.get("class") != "tg-spoiler":
            raise self.error('Tag "span" must have class "tg-spoiler"', begin)
        elif tag == "code":
            language = attributes.get("class", "")
            if language.startswith("language-"):
                opened.extra["language"] = language.removeprefix("language-")
        elif tag == "blockquote" and "expandable" in attributes:
            opened.kind = "expandable_blockquote"
        elif tag == "tg-emoji":
            emoji_id = attributes.get("emoji-id", "")
            if not emoji_id.isdigit():
                raise self.error('Tag "tg-emoji" must have a numeric "emoji-id"', begin)
            opened.extra["custom_emoji_id"] = emoji_id
        elif tag == "tg-time":
            unix = attributes.get("unix", "")
            if not unix.isdigit():
                raise self.error('Tag "tg-time" must have a numeric "unix" attribute', begin)
            opened.extra["unix_time"] = int(unix)
            opened.extra["date_time_format"] = attributes.get("format") or None
        return opened

    def end_tag(self, begin: int) -> int:
        end = self.text.find(">", begin)
        if end == -1:
            raise self.error("Unclosed end tag", begin)
        tag = self.text[begin + 2 : end].strip(WHITESPACE).lower()
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        opened = self.stack.pop()
        if tag != opened.tag:
            raise self.error(
                f"Unmatched end tag at byte offset {utf8_offset(self.text, begin)}, "
                f'expected "</{opened.tag}>", found "</{tag}>"'
            )
        parent = self.stack[-1] if self.stack else None
        if opened.tag == "code" and parent is not None and parent.tag == "pre":
            # <pre><code class="language-x"> is one pre entity with a language.
            if "language" in opened.extra:
                parent.extra["language"] = opened.extra["language"]
        elif opened.kind == "text_link" and not opened.extra["url"]:
            pass  # <a> without href: plain text, as at Telegram
        else:
            self.out.close(opened, **opened.extra)
        return end + 1
