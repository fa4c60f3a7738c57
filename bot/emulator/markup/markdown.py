"""MarkdownV2 and legacy Markdown parse modes to plain text + entities, as tdlib parses them.

MarkdownV2 nests entities, has blockquotes and requires every reserved character outside an
entity to be escaped; legacy Markdown has no nesting and few special characters.
"""

from __future__ import annotations

from typing import Any

from .entities import WHITESPACE, Builder, Entity, EntityParseError, Open, utf8_offset

_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"
_MDV1_SPECIAL = "_*`["


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Plain text and entities (not yet trimmed); raises ``EntityParseError``."""
    return _MarkdownV2Parser(text).run()


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
        self.out = Builder()
        self.stack: list[Open] = []
        self.quote: Open | None = None

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
            self.quote = Open("expandable_blockquote", self.out.pos, index)
            return index + 3
        if text.startswith(">", index):
            if self.quote is None:
                self.quote = Open("blockquote", self.out.pos, index)
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
        self.stack.append(Open(kind, self.out.pos, utf8_offset(self.text, begin), extra=extra))
        return index

    def pre_header(self, index: int) -> tuple[int, str]:
        """Skip ```` ```language ```` and one newline; return the index of the code."""
        text = self.text
        end = index
        while end < len(text) and text[end] not in WHITESPACE and text[end] != "`":
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

    def end_link(self, opened: Open, index: int) -> int:
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
                    f"Can't find end of a URL at byte offset {utf8_offset(text, start)}"
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


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Telegram's original Markdown: no nesting, only ``*``, ``_``, `` ` ``, ```` ``` ```` and
    ``[text](url)``; every opened entity must be closed on the same terms."""
    out = Builder()
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
            while end < len(text) and text[end] not in WHITESPACE and text[end] != "`":
                end += 1
            if end != index and end < len(text) and text[end] != "`":
                language, index = text[index:end], end
            if index < len(text) and text[index] == "\n":
                index += 1
        opened = Open("", out.pos, utf8_offset(text, begin))
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
