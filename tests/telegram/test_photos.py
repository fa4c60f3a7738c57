"""The outbox's photos against the emulator: a picture uploaded once and then re-sent by its
file_id, a stale file_id uploaded again, a caption too long for a photo, and chart bytes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.ext import Defaults, ExtBot

from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.ports import Lane, Note
from bot.telegram.delivery import PriorityRateLimiter
from bot.telegram.outbox import TelegramOutbox
from bot.telegram.photos import picture_key
from bot.telegram.render import Rendered
from tests.fakes import MemoryStore

IMAGES = Path(__file__).parents[2] / "content" / "images"
BRIDGE = IMAGES / "bridge.png"


@dataclass(frozen=True)
class Pictured(Note):
    """A note the test renders as a photo with this caption."""

    caption: str
    photo: Path | bytes


def render(note: Pictured) -> Rendered:
    buttons = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="ok")]])
    return Rendered(note.caption, buttons, note.photo)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        yield emu


@pytest.fixture
def user(emulator: BotAPIEmulator) -> EmulatedUser:
    return emulator.add_user("Alex")


class Waits:
    """What the rate limiter was asked to let through: (lane, endpoint)."""

    def __init__(self) -> None:
        self.seen: list[tuple[Lane, str]] = []

    def __call__(self, lane: Lane, endpoint: str, seconds: float) -> None:
        self.seen.append((lane, endpoint))


@pytest.fixture
async def bot(emulator: BotAPIEmulator, waits: Waits) -> AsyncIterator[ExtBot[Any]]:
    limiter = PriorityRateLimiter(on_wait=waits)
    defaults = Defaults(parse_mode=ParseMode.HTML)  # as bot.app has it
    async with ExtBot(
        emulator.token, base_url=emulator.base_url, rate_limiter=limiter, defaults=defaults
    ) as bot:
        yield bot


@pytest.fixture
def waits() -> Waits:
    return Waits()


async def test_a_picture_is_uploaded_once_then_resent_by_file_id(
    bot: ExtBot[Any], emulator: BotAPIEmulator, user: EmulatedUser, waits: Waits
) -> None:
    """The first send uploads the file and keeps Telegram's file_id under its content hash;
    the second sends that file_id, in the lane asked for, through the rate limiter."""
    store = MemoryStore()
    outbox = TelegramOutbox(bot, {Pictured: render}, store)
    await outbox.send(user.id, Pictured("<b>Lift</b>", BRIDGE))
    await outbox.send(user.id, Pictured("Again", BRIDGE), lane=Lane.BULK)
    first, second = emulator.photos(user)
    assert first.photo is not None
    assert second.photo is not None
    assert (first.photo.uploaded, second.photo.uploaded) == (True, False)
    assert (first.text, second.text) == ("Lift", "Again")
    assert second.button_texts == ["ok"]
    assert store.file_ids == {picture_key(BRIDGE.read_bytes()): first.photo.file_id}
    assert waits.seen == [(Lane.INTERACTIVE, "sendPhoto"), (Lane.BULK, "sendPhoto")]


async def test_a_file_id_telegram_refuses_is_forgotten_and_the_picture_uploaded(
    bot: ExtBot[Any], emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A kept file_id Telegram answers with 400 "wrong file identifier" costs one upload, and
    the new file_id replaces it."""
    store = MemoryStore()
    key = picture_key(BRIDGE.read_bytes())
    store.file_ids[key] = "AgACAgIAAxkDAAEfromAnotherBot"
    outbox = TelegramOutbox(bot, {Pictured: render}, store)
    await outbox.send(user.id, Pictured("Lift", BRIDGE))
    (sent,) = emulator.photos(user)
    assert sent.photo is not None
    assert sent.photo.uploaded
    assert store.file_ids[key] == sent.photo.file_id


async def test_a_caption_too_long_for_a_photo_follows_as_text(
    bot: ExtBot[Any], emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Past 1 024 visible characters the photo goes without a caption and the text follows as
    a message with the buttons; its id is the one returned."""
    outbox = TelegramOutbox(bot, {Pictured: render}, MemoryStore())
    fits = "<b>" + "x" * 1024 + "</b>"
    await outbox.send(user.id, Pictured(fits, BRIDGE))
    message_id = await outbox.send(user.id, Pictured("y" * 1025, BRIDGE))
    short, bare, text = emulator.messages(user)
    assert (short.text, short.button_texts) == ("x" * 1024, ["ok"])
    assert bare.photo is not None
    assert (bare.text, bare.button_texts) == ("", [])
    assert (text.photo, text.text, text.button_texts) == (None, "y" * 1025, ["ok"])
    assert message_id == text.message_id


async def test_bytes_are_always_uploaded_and_never_kept(
    bot: ExtBot[Any], emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A picture made for one message (a chart) is uploaded each time; nothing is kept."""
    store = MemoryStore()
    outbox = TelegramOutbox(bot, {Pictured: render}, store)
    chart = BRIDGE.read_bytes()
    await outbox.send(user.id, Pictured("Your week", chart))
    await outbox.send(user.id, Pictured("Your week", chart))
    assert emulator.photo_uploads(user) == 2
    assert store.file_ids == {}
