"""Telegram's text formatting: HTML, MarkdownV2 and legacy Markdown to plain text + entities.

The parsers follow tdlib's (what the Bot API server runs): the same constructs, the same
error messages with UTF-8 byte offsets, entity offsets and lengths in UTF-16 code units,
and surrounding whitespace trimmed afterwards. One deliberate difference: in HTML, a bare
``&`` that does not start ``&lt;``/``&gt;``/``&amp;``/``&quot;`` or a numeric entity is an error
here, while tdlib passes it through. Telegram's documentation requires escaping it, and
untrusted text that was not escaped is exactly the bug the emulator should catch.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

Entity = dict[str, Any]

_WHITESPACE = " \t\n\r\x0b\x0c"
_ENTITY_RE = re.compile(r"&(?:#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,8})|([a-zA-Z]+));")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV1_SPECIAL = "_*`["


class EntityParseError(ValueError):
    """The text does not parse in its parse_mode; the message is tdlib's reason."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of entity offsets and lengths."""
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def parse(text: str, parse_mode: str | None) -> tuple[str, list[Entity]]:
    """Plain text and entities for ``text`` in ``parse_mode`` (None: plain text).

    Raises ``EntityParseError`` if the markup is invalid and ``ValueError`` for an unknown
    parse_mode (compare case-insensitively, as Telegram does).
    """
    mode = (parse_mode or "").lower()
    if not mode:
        return trim(text, [])
    if mode == "html":
        return trim(*_HtmlParser(text).run())
    if mode == "markdownv2":
        return trim(*_MarkdownV2Parser(text).run())
    if mode == "markdown":
        return trim(*_parse_markdown_v1(text))
    raise ValueError(f"unsupported parse_mode {parse_mode!r}")


def trim(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip leading/trailing whitespace as Telegram does, clipping entities to what is left."""
    left = len(text) - len(text.lstrip(_WHITESPACE))
    stripped = text.strip(_WHITESPACE)
    total = utf16_len(stripped)
    kept = []
    for entity in entities:
        start = max(0, entity["offset"] - left)
        end = min(total, entity["offset"] + entity["length"] - left)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    kept.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return stripped, kept


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


@dataclass
class _Open:
    """An entity whose start has been seen and whose end has not."""

    kind: str
    offset: int
    byte_offset: int
    tag: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class _Builder:
    """Accumulates the plain text and tracks the UTF-16 position and finished entities."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.entities: list[Entity] = []

    def add(self, text: str) -> None:
        self.parts.append(text)
        self.pos += utf16_len(text)

    def close(self, opened: _Open, **extra: Any) -> None:
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


# -- HTML ------------------------------------------------------------------------------------

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
        self.out = _Builder()
        self.stack: list[_Open] = []

    def error(self, message: str, index: int | None = None) -> EntityParseError:
        if index is not None:
            message += f" at byte offset {_byte_offset(self.text, index)}"
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
        while index < len(text) and text[index] not in _WHITESPACE and text[index] != ">":
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
            while index < len(text) and text[index] in _WHITESPACE:
                index += 1
            if index == len(text):
                raise self.error("Unclosed start tag", begin)
            if text[index] == ">":
                return attributes, index + 1
            name_start = index
            while index < len(text) and text[index] not in _WHITESPACE + "=>":
                index += 1
            name = text[name_start:index].lower()
            if not name:
                raise self.error(f'Empty attribute name in the tag "{tag}"', begin)
            while index < len(text) and text[index] in _WHITESPACE:
                index += 1
            if index == len(text) or text[index] != "=":
                attributes[name] = ""
                continue
            index += 1
            while index < len(text) and text[index] in _WHITESPACE:
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
                while index < len(text) and text[index] not in _WHITESPACE + ">":
                    index += 1
                value = text[value_start:index]
            attributes[name] = _decode_attribute(value)

    def open_tag(self, tag: str, attributes: dict[str, str], begin: int) -> _Open:
        kind = _HTML_TAGS[tag]
        opened = _Open(kind, self.out.pos, _byte_offset(self.text, begin), tag)
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
        tag = self.text[begin + 2 : end].strip(_WHITESPACE).lower()
        if not self.stack:
            raise self.error("Unexpected end tag", begin)
        opened = self.stack.pop()
        if tag != opened.tag:
            raise self.error(
                f"Unmatched end tag at byte offset {_byte_offset(self.text, begin)}, "
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


# -- MarkdownV2 ------------------------------------------------------------------------------

_MDV2_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


class _MarkdownV2Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.out = _Builder()
        self.stack: list[_Open] = []
        self.quote: _Open | None = None

    def at(self, index: int) -> str:
        return self.text[index] if index < len(self.text) else ""

    def in_code(self) -> bool:
        return bool(self.stack) and self.stack[-1].kind in ("code", "pre")

    def run(self) -> tuple[str, list[Entity]]:
        text = self.text
        index = 0
        while index < len(text):
            if (index == 0 or text[index - 1] == "\n") and not self.in_code():
                index = self.line_start(index)
                if index >= len(text):
                    break
            char = text[index]
            if char == "\\" and 0 < ord(self.at(index + 1) or "\0") <= 126:
                self.out.add(text[index + 1])
                index += 2
                continue
            if (
                self.quote is not None
                and self.quote.kind == "expandable_blockquote"
                and text.startswith("||", index)
                and self.at(index + 2) in ("", "\n")
            ):
                self.close_quote()
                index += 2
                continue
            reserved = "`" if self.in_code() else _MDV2_RESERVED
            if char not in reserved:
                self.out.add(char)
                index += 1
                continue
            if self.is_end(char, index):
                index = self.end_entity(index)
            else:
                index = self.start_entity(char, index)
        if self.stack:
            opened = self.stack[-1]
            name = _MDV2_NAMES[opened.kind]
            if opened.kind == "pre" and opened.extra.get("language"):
                name = "PreCode"
            raise EntityParseError(
                f"Can't find end of {name} entity at byte offset {opened.byte_offset}"
            )
        self.close_quote()
        return self.out.result()

    def line_start(self, index: int) -> int:
        """Open, continue or close a blockquote (``>`` lines, ``**>`` for expandable)."""
        text = self.text
        if text.startswith("**>", index) and self.quote is None:
            self.quote = _Open("expandable_blockquote", self.out.pos, index)
            return index + 3
        if text.startswith(">", index):
            if self.quote is None:
                self.quote = _Open("blockquote", self.out.pos, index)
            return index + 1
        if self.quote is not None:
            self.close_quote(before_newline=True)
        return index

    def close_quote(self, *, before_newline: bool = False) -> None:
        if self.quote is None:
            return
        if before_newline:  # the quote ends before the newline that ended its last line
            self.out.pos -= 1
            self.out.close(self.quote)
            self.out.pos += 1
        else:
            self.out.close(self.quote)
        self.quote = None

    def is_end(self, char: str, index: int) -> bool:
        if not self.stack:
            return False
        kind = self.stack[-1].kind
        following = self.at(index + 1)
        return {
            "bold": char == "*",
            "italic": char == "_" and following != "_",
            "underline": char == "_" and following == "_",
            "strikethrough": char == "~",
            "spoiler": char == "|" and following == "|",
            "code": char == "`",
            "pre": self.text.startswith("```", index),
            "text_link": char == "]",
            "custom_emoji": char == "]",
        }[kind]

    def reserved_error(self, char: str) -> EntityParseError:
        return EntityParseError(
            f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
        )

    def start_entity(self, char: str, index: int) -> int:
        begin = index
        extra: dict[str, Any] = {}
        following = self.at(index + 1)
        if char == "_" and following == "_":
            kind, index = "underline", index + 2
        elif char == "|" and following == "|":
            kind, index = "spoiler", index + 2
        elif char == "!" and following == "[":
            kind, index = "custom_emoji", index + 2
        elif char == "`" and self.text.startswith("```", index):
            kind = "pre"
            index, language = self.pre_header(index + 3)
            if language:
                extra["language"] = language
        elif char in "_*~[`":
            kind = {"_": "italic", "*": "bold", "~": "strikethrough", "[": "text_link"}.get(
                char, "code"
            )
            index += 1
        else:
            raise self.reserved_error(char)
        byte_offset = _byte_offset(self.text, begin)
        self.stack.append(_Open(kind, self.out.pos, byte_offset, extra=extra))
        return index

    def pre_header(self, index: int) -> tuple[int, str]:
        """Skip ```` ```language ```` and one newline; return the index of the code."""
        text = self.text
        end = index
        while end < len(text) and text[end] not in _WHITESPACE and text[end] != "`":
            end += 1
        language = ""
        if end != index and end < len(text) and text[end] != "`":
            language, index = text[index:end], end
        if text.startswith(("\r\n", "\n\r"), index):
            index += 2
        elif self.at(index) in ("\n", "\r"):
            index += 1
        return index, language

    def end_entity(self, index: int) -> int:
        opened = self.stack.pop()
        if opened.kind in ("underline", "spoiler"):
            index += 1
        elif opened.kind == "pre":
            index += 2
        elif opened.kind in ("text_link", "custom_emoji"):
            return self.end_link(opened, index)
        self.out.close(opened, **opened.extra)
        return index + 1

    def end_link(self, opened: _Open, index: int) -> int:
        """``[text](url)`` or ``![emoji](tg://emoji?id=...)`` after the closing ``]``."""
        text = self.text
        url: str | None = None
        if self.at(index + 1) == "(":
            start = index + 1
            index += 2
            chars = []
            while index < len(text) and text[index] != ")":
                if text[index] == "\\" and 0 < ord(self.at(index + 1) or "\0") <= 126:
                    index += 1
                chars.append(text[index])
                index += 1
            if index == len(text):
                raise EntityParseError(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, start)}"
                )
            url = "".join(chars)
        if opened.kind == "text_link":
            link = url if url is not None else self.out.text_since(opened.offset)
            if link:
                self.out.close(opened, url=link)
            return index + 1
        if url is not None and url.startswith("tg://emoji?id="):
            self.out.close(opened, custom_emoji_id=url.removeprefix("tg://emoji?id="))
        elif url is not None and url.startswith("tg://time?"):
            query = dict(part.partition("=")[::2] for part in url[10:].split("&"))
            if not query.get("unix", "").isdigit():
                raise EntityParseError("Date-time entity must have a numeric unix time")
            opened.kind = "date_time"
            self.out.close(
                opened, unix_time=int(query["unix"]), date_time_format=query.get("format")
            )
        else:
            raise EntityParseError("Custom emoji entity must contain a tg://emoji URL")
        return index + 1


# -- legacy Markdown -------------------------------------------------------------------------


def _parse_markdown_v1(text: str) -> tuple[str, list[Entity]]:
    """Telegram's original Markdown: no nesting, only ``*``, ``_``, `` ` ``, ```` ``` ```` and
    ``[text](url)``; every opened entity must be closed on the same terms."""
    out = _Builder()
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _MDV1_SPECIAL:
            out.add(text[index + 1])
            index += 2
            continue
        if char not in _MDV1_SPECIAL:
            out.add(char)
            index += 1
            continue
        begin = index
        end_char = "]" if char == "[" else char
        is_pre = char == "`" and text.startswith("```", index)
        index += 3 if is_pre else 1
        language = ""
        if is_pre:
            end = index
            while end < len(text) and text[end] not in _WHITESPACE and text[end] != "`":
                end += 1
            if end != index and end < len(text) and text[end] != "`":
                language, index = text[index:end], end
            if index < len(text) and text[index] == "\n":
                index += 1
        opened = _Open("", out.pos, _byte_offset(text, begin))
        while index < len(text) and (
            text[index] != end_char or (is_pre and not text.startswith("```", index))
        ):
            out.add(text[index])
            index += 1
        if index == len(text):
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {opened.byte_offset}"
            )
        if is_pre:
            opened.kind = "pre"
            out.close(opened, language=language or None)
            index += 3
            continue
        index += 1
        if char == "[":
            url = ""
            if index < len(text) and text[index] == "(":
                close = text.find(")", index)
                close = len(text) if close == -1 else close
                url, index = text[index + 1 : close], close + 1
            if url:
                opened.kind = "text_link"
                out.close(opened, url=url)
            continue
        opened.kind = {"*": "bold", "_": "italic", "`": "code"}[char]
        out.close(opened)
    return out.result()
