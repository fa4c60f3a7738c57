"""Fitting an HTML text into Telegram messages: 4 096 characters each, after entity parsing.

Telegram refuses a longer text ("Message is too long"), so a reply built from stored or user
data (a physio's 60 exercises in /stats, a list of upload errors) must be cut to size before it
is sent, or the user gets nothing at all. Pure: no Telegram imports.

Lengths are counted as Telegram counts them: tags take no room, an entity (``&amp;``) is one
character, every other character (code point) is one. Leading and trailing whitespace, which
Telegram trims, is counted too, so the count never falls short.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["MAX_MESSAGE", "fit", "visible_length"]

#: Telegram's limit for a message's text once the HTML is parsed.
MAX_MESSAGE = 4096
#: What a cut text ends with.
ELLIPSIS = "…"

_TOKEN = re.compile(r"<[^<>]*>|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z]+);")
_TAG_NAME = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)")


@dataclass(frozen=True, slots=True)
class _Token:
    markup: str
    #: Characters it shows: 0 for a tag, 1 for an entity or a character.
    width: int
    #: For a tag: its name, and whether it closes.
    tag: str = ""
    closing: bool = False


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    for match in _TOKEN.finditer(text):
        tokens.extend(_Token(char, 1) for char in text[position : match.start()])
        markup = match.group(0)
        if markup.startswith("<"):
            name = _TAG_NAME.match(markup)
            if name is None:  # not a tag Telegram knows ("<>", "< 3"): shown as written
                tokens.extend(_Token(char, 1) for char in markup)
            else:
                tokens.append(_Token(markup, 0, name[2].lower(), bool(name[1])))
        else:
            tokens.append(_Token(markup, 1))
        position = match.end()
    tokens.extend(_Token(char, 1) for char in text[position:])
    return tokens


def visible_length(text: str) -> int:
    """How many characters Telegram counts for this HTML text (before trimming)."""
    return sum(token.width for token in _tokens(text))


def _plain(tokens: list[_Token]) -> str:
    return "".join(token.markup for token in tokens if token.width and not token.tag)


def _lines(tokens: list[_Token]) -> list[list[_Token]]:
    """The text's lines, split only at newlines outside every tag (a ``<pre>`` block or a
    multi-line ``<b>`` stays whole)."""
    lines: list[list[_Token]] = [[]]
    depth = 0
    for token in tokens:
        if token.tag:
            depth = max(0, depth - 1) if token.closing else depth + 1
        if token.markup == "\n" and depth == 0:
            lines.append([])
        else:
            lines[-1].append(token)
    return lines


def _cut(tokens: list[_Token], limit: int) -> str:
    """The tokens, cut to at most ``limit`` characters ending in "…"; tags left open at the
    cut are closed, and no tag or entity is split."""
    kept: list[str] = []
    open_tags: list[str] = []
    room = limit - len(ELLIPSIS)
    for token in tokens:
        if token.width > room:
            break
        room -= token.width
        kept.append(token.markup)
        if token.tag and token.closing:
            if token.tag in open_tags:
                del open_tags[len(open_tags) - 1 - open_tags[::-1].index(token.tag) :]
        elif token.tag:
            open_tags.append(token.tag)
    kept.append(ELLIPSIS)
    kept.extend(f"</{tag}>" for tag in reversed(open_tags))
    return "".join(kept)


def fit(text: str, limit: int = MAX_MESSAGE, *, parts: int | None = None) -> list[str]:
    """``text`` as one or more messages of at most ``limit`` characters each.

    A text that fits is returned as it is. A longer one is split at line boundaries outside
    open tags, as few messages as the lines allow; a single line longer than a message is cut
    (ending "…", its open tags closed) as a last resort. With ``parts``, at most that many
    messages: the last ends "…" when something was left out (``parts=1`` for an edit).
    Messages with nothing visible are dropped, since Telegram refuses them.
    """
    if parts is not None and parts < 1:
        raise ValueError("parts must be at least 1")
    tokens = _tokens(text)
    if sum(token.width for token in tokens) <= limit:
        return [text] if _plain(tokens).strip() else []
    messages: list[str] = []
    current: list[str] = []
    used = 0

    def flush() -> None:
        nonlocal current, used
        if current:
            messages.append("\n".join(current))
        current, used = [], 0

    for line in _lines(tokens):
        width = sum(token.width for token in line)
        blank = not _plain(line).strip()
        if blank and not current:
            continue  # a message does not start with empty lines
        if width > limit:
            flush()
            messages.append(_cut(line, limit))
        elif current and used + 1 + width > limit:
            flush()
            if not blank:
                current, used = ["".join(token.markup for token in line)], width
        else:
            used += width + (1 if current else 0)
            current.append("".join(token.markup for token in line))
    flush()
    messages = [message for message in messages if _plain(_tokens(message)).strip()]
    if parts is not None and len(messages) > parts:
        messages = messages[:parts]
        last = messages[-1]
        if visible_length(last) + 1 + len(ELLIPSIS) <= limit:
            messages[-1] = f"{last}\n{ELLIPSIS}"
        else:
            messages[-1] = _cut(_tokens(last), limit)
    return messages
