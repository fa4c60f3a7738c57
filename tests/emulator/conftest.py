"""Fixtures: a running emulator, a user, a raw HTTP client and a real PTB ``Bot``."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Bot

from bot.emulator import BotAPIEmulator, EmulatedUser


class RawApi:
    """Calls the emulator the way PTB does: form-encoded POST, complex values as JSON."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.token = token

    async def call(
        self, method: str, *, token: str | None = None, **params: Any
    ) -> httpx.Response:
        form = {
            name: value if isinstance(value, str) else json.dumps(value)
            for name, value in params.items()
        }
        return await self.client.post(f"/bot{token or self.token}/{method}", data=form)


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emu:
        yield emu
        assert emu.internal_errors == []


@pytest.fixture
def user(emulator: BotAPIEmulator) -> EmulatedUser:
    return emulator.add_user("Alex", username="alex")


@pytest.fixture
async def api(emulator: BotAPIEmulator) -> AsyncIterator[RawApi]:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client:
        yield RawApi(client, emulator.token)


@pytest.fixture
async def bot(emulator: BotAPIEmulator) -> AsyncIterator[Bot]:
    async with Bot(emulator.token, base_url=emulator.base_url) as ptb_bot:
        yield ptb_bot
