"""A tiny aiohttp server standing for one bot instance that receives webhook deliveries."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.emulator import SECRET_TOKEN_HEADER


@dataclass(frozen=True)
class Received:
    """One POST the instance got, whatever it answered."""

    update: dict[str, Any]
    secret: str | None
    content_type: str
    status: int


class Instance:
    """Answers each POST to ``path`` with the next of ``statuses`` (then 200), after ``hold``
    seconds or once ``gate`` is set (if given), and records it."""

    def __init__(self, name: str = "instance", path: str = "/telegram") -> None:
        self.name = name
        self.path = path
        self.received: list[Received] = []
        self.statuses: deque[int] = deque()
        self.retry_after: str | None = None
        self.hold = 0.0
        self.gate: asyncio.Event | None = None
        self.in_flight = 0
        self.most_in_flight = 0
        self.changed = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def update_ids(self, *, accepted_only: bool = False) -> list[int]:
        return [
            r.update["update_id"]
            for r in self.received
            if not accepted_only or 200 <= r.status <= 299
        ]

    async def _handle(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        self._notify()
        try:
            update = await request.json()
            if self.gate is not None:
                await self.gate.wait()
            if self.hold:
                await asyncio.sleep(self.hold)
            status = self.statuses.popleft() if self.statuses else 200
            self.received.append(
                Received(
                    update,
                    request.headers.get(SECRET_TOKEN_HEADER),
                    request.content_type,
                    status,
                )
            )
            headers = {"Retry-After": self.retry_after} if self.retry_after else None
            return web.Response(status=status, headers=headers)
        finally:
            self.in_flight -= 1
            self._notify()

    def _notify(self) -> None:
        self.changed.set()
        self.changed = asyncio.Event()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 5.0) -> None:
        """Return once ``condition()`` holds, re-checked whenever the instance changes."""
        async with asyncio.timeout(timeout):
            while not condition():
                await self.changed.wait()

    async def start(self, port: int = 0) -> None:
        app = web.Application()
        app.router.add_post(self.path, self._handle)
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", port)
        await site.start()
        self.port = int(runner.addresses[0][1])
        self._runner = runner

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()


@asynccontextmanager
async def running(*names: str) -> AsyncIterator[list[Instance]]:
    """Start one instance per name; stop them all afterwards."""
    instances = [Instance(name) for name in names]
    try:
        for instance in instances:
            await instance.start()
        yield instances
    finally:
        for instance in instances:
            await instance.stop()
