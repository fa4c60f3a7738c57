"""The real bot as a separate process (``python -m bot run``) against the emulator."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from bot.emulator import BotAPIEmulator
from tests.factories import CONTENT, REPO


def environment(emulator: BotAPIEmulator, data: Path, **extra: str) -> dict[str, str]:
    """The variables a bot process needs to talk to ``emulator`` and keep its data in ``data``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env.update(
        TELEGRAM_BOT_TOKEN=emulator.token,
        TELEGRAM_API_BASE_URL=emulator.base_url,
        DATA_DIR=str(data),
        CONTENT_DIR=str(CONTENT),
        LOG_LEVEL="DEBUG",
        STRETCHBOT_ENV_FILE=str(data.parent / "no.env"),
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    stderr: list[bytes] = field(default_factory=list)

    @property
    def log(self) -> str:
        return b"".join(self.stderr).decode(errors="replace")

    @property
    def alive(self) -> bool:
        return self.process.returncode is None


@contextlib.asynccontextmanager
async def bot_process(
    emulator: BotAPIEmulator, data: Path, *command: str, module: str = "bot", **extra: str
) -> AsyncIterator[BotProcess]:
    """``python -m bot run`` (or ``command``; or another ``module``) until the block ends;
    killed (SIGKILL) after."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        module,
        *(command or ("run",)),
        cwd=REPO,
        env=environment(emulator, data, **extra),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    running = BotProcess(process)

    async def collect() -> None:
        assert process.stderr is not None
        while chunk := await process.stderr.read(65536):
            running.stderr.append(chunk)

    reader = asyncio.create_task(collect())
    try:
        yield running
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        await reader
