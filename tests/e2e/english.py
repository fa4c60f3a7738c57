"""Find English in what the bot said to someone who does not speak it: every message, every
edit, every button and every answer to a button is scanned for the English catalogs' texts."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path

from babel.messages.pofile import read_po

from bot.emulator import BotAPIEmulator
from bot.telegram.render import i18n

_PLACEHOLDER_OR_TAG = re.compile(r"\{[^}]*\}|<[^>]+>")
_LETTERS = re.compile(r"[A-Za-z]")


@functools.cache
def english_fragments(language: str) -> frozenset[str]:
    """The pieces of English text between placeholders, at least two words and ten letters
    long, that ``language``'s catalogs translate to something else: any of them in a message
    is a sentence left in English."""
    fragments: set[str] = set()
    for domain in ("messages", "content"):
        path = Path(i18n.LOCALES) / language / "LC_MESSAGES" / f"{domain}.po"
        with path.open("rb") as file:
            catalog = read_po(file, locale=language)
        for message in catalog:
            if not message.id:
                continue
            sources = [message.id] if isinstance(message.id, str) else list(message.id)
            translated = (
                message.string
                if isinstance(message.string, str)
                else "\n".join(message.string or ())
            )
            for source in sources:
                for piece in _PLACEHOLDER_OR_TAG.split(source):
                    piece = piece.strip(" .,:;—–-()\n")
                    letters = len(_LETTERS.findall(piece))
                    if " " in piece and letters >= 10 and piece not in (translated or ""):
                        fragments.add(piece)
    return frozenset(fragments)


def said_to(emulator: BotAPIEmulator, chat_id: int) -> Iterator[str]:
    """Everything the chat was shown: texts as sent and after every edit, the buttons' labels,
    and the answers to its button presses."""
    for message in emulator.messages(chat_id):
        yield message.sent_text or message.text
        yield message.text
        for edit in message.edits:
            yield edit.text
            yield from _labels(edit.reply_markup)
        yield from _labels(message.reply_markup)
    for answer in emulator.callback_answers:
        if answer.text and answer.chat_id in (chat_id, None):
            yield answer.text


def _labels(markup: object) -> Iterator[str]:
    if not isinstance(markup, dict):
        return
    for row in markup.get("inline_keyboard", []) + markup.get("keyboard", []):
        for button in row:
            yield button["text"] if isinstance(button, dict) else str(button)


def english_in(emulator: BotAPIEmulator, chat_id: int, language: str) -> list[tuple[str, str]]:
    """Each (English fragment, text it was found in) of what the chat was shown."""
    fragments = english_fragments(language)
    return [
        (fragment, text)
        for text in said_to(emulator, chat_id)
        for fragment in fragments
        if fragment in text
    ]
