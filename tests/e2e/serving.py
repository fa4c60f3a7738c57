"""Bot instances for the webhook and multi-instance tests: real ``python -m bot serve`` (or
``run``) processes on free ports, and the operator's ``set-webhook`` as a command."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.emulator import BotAPIEmulator
from tests.e2e.process import BotProcess, bot_process, environment
from tests.factories import REPO

SECRET = "test-secret_123"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Serving:
    """One ``stretchbot serve`` process and where it listens."""

    process: BotProcess
    port: int

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return f"{self.base}/telegram"


async def wait_healthy(instance: Serving, timeout: float = 60.0) -> None:
    """Until /healthz answers 200; fails early (with the log) if the process exits."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        while True:
            if not instance.process.alive:
                raise AssertionError(f"serve exited:\n{instance.process.log[-3000:]}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(f"{instance.base}/healthz")).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise AssertionError(f"serve not healthy in {timeout} s:\n{instance.process.log}")
            await asyncio.sleep(0.05)


@contextlib.asynccontextmanager
async def serving(
    emulator: BotAPIEmulator, folder: Path, count: int = 1, **env: str
) -> AsyncIterator[list[Serving]]:
    """``count`` healthy ``stretchbot serve`` instances (killed after the block)."""
    async with contextlib.AsyncExitStack() as stack:
        instances = []
        for number in range(count):
            port = free_port()
            process = await stack.enter_async_context(
                bot_process(
                    emulator,
                    folder / f"data{number}",
                    "serve",
                    WEBHOOK_SECRET=SECRET,
                    WEBHOOK_LISTEN=f"127.0.0.1:{port}",
                    LOG_LEVEL="INFO",
                    **env,
                )
            )
            instances.append(Serving(process, port))
        await asyncio.gather(*(wait_healthy(instance) for instance in instances))
        yield instances


async def command(emulator: BotAPIEmulator, folder: Path, *args: str, **env: str) -> str:
    """``python -m bot ARGS`` to completion (exit 0 asserted): its stdout."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO,
        env=environment(emulator, folder, **{"WEBHOOK_SECRET": SECRET, **env}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, err.decode()
    return out.decode()
