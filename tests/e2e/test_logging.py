"""The token never appears in the logs, even at DEBUG where httpx and PTB print URLs."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.emulator import BotAPIEmulator
from bot.logs import RedactingFilter
from tests.e2e.conftest import BotFactory


@pytest.fixture
def debug_log(emulator: BotAPIEmulator) -> Iterator[io.StringIO]:
    """Everything logged at DEBUG, through the same filter the bot installs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([emulator.token]))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


async def test_debug_logs_never_contain_the_token(
    start_bot: BotFactory, debug_log: io.StringIO, emulator: BotAPIEmulator
) -> None:
    """A DEBUG run through start-up, a command and shutdown logs URLs, never the token."""
    async with start_bot() as bot:
        await bot.ask("/start", "I help people")
    text = debug_log.getvalue()
    assert "getUpdates" in text  # httpx request lines were logged…
    assert "Set Bot API URL" in text  # …and PTB's API URL line
    assert emulator.token.split(":")[1] not in text
