"""The emulator in a child process, so that the bot under test has its event loop (and a core)
to itself: with a thousand sessions, one process doing both sides of every request would
measure its own queue of HTTP work, not the bot's timers.

The child plays the session users and answers a few commands over a pipe; times are
``time.monotonic()``, which is the same clock in both processes on Linux.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from bench.harness import DONE_TEXT, Seen, seen
from bot.emulator import BotAPIEmulator

__all__ = ["RemoteEmulator", "remote_emulator"]


def _child(conn: Connection, sessions: int, limits: bool) -> None:
    asyncio.run(_serve(conn, sessions, limits))


#: The emulator keeps every message and request of the run. Python's full collections rescan
#: all of that, so late in a 1 000-session run each one stalls the emulator, and with it the
#: arrival times the benchmark measures. Every so often, what is alive by then is frozen out of
#: the collector (it lives until the end of the run anyway).
FREEZE_EVERY = 1.0


class _Pauses:
    """The emulator's garbage-collection pauses, longest first when asked."""

    def __init__(self) -> None:
        self.seconds: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds.append(time.perf_counter() - self._started)


async def _freeze_now_and_then() -> None:
    while True:
        await asyncio.sleep(FREEZE_EVERY)
        gc.freeze()


async def _serve(conn: Connection, sessions: int, limits: bool) -> None:
    loop = asyncio.get_running_loop()
    pauses = _Pauses()
    gc.callbacks.append(pauses)
    freezer = asyncio.create_task(_freeze_now_and_then())
    async with BotAPIEmulator(limits=limits) as emulator:
        users = [emulator.add_user(f"S{index}") for index in range(sessions)]
        conn.send((emulator.token, emulator.base_url, [user.id for user in users]))
        while True:
            command, argument = await loop.run_in_executor(None, conn.recv)
            if command == "say":
                text, window = argument
                for user in users:
                    emulator.send_text(user, text)
                    await asyncio.sleep(window / len(users))
                conn.send(None)
            elif command == "finished":
                conn.send(
                    sum(
                        1
                        for user in users
                        if any(DONE_TEXT in message.text for message in emulator.messages(user))
                    )
                )
            elif command == "conversations":
                conn.send([seen(emulator.messages(user)) for user in users])
            elif command == "requests":
                conn.send((len(emulator.requests), emulator.too_many_requests))
            elif command == "pauses":
                conn.send(max(pauses.seconds, default=0.0))
            else:
                freezer.cancel()
                conn.send(None)
                return


@dataclass
class RemoteEmulator:
    """The parent's handle: connection facts and the child's commands."""

    token: str
    base_url: str
    user_ids: list[int]
    _conn: Connection

    async def _ask(self, command: str, argument: Any = None) -> Any:
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._conn.send, (command, argument))
        return await loop.run_in_executor(None, self._conn.recv)

    async def say(self, text: str, *, over: float = 0.0) -> None:
        """Every user sends ``text``, one after another, spread evenly over ``over`` seconds."""
        await self._ask("say", (text, over))

    async def finished(self) -> int:
        """How many users have seen the end of a routine."""
        count: int = await self._ask("finished")
        return count

    async def conversations(self) -> list[list[Seen]]:
        found: list[list[Seen]] = await self._ask("conversations")
        return found

    async def stop(self) -> None:
        await self._ask("stop")

    async def longest_pause(self) -> float:
        """The emulator's longest garbage-collection pause so far, in seconds."""
        seconds: float = await self._ask("pauses")
        return seconds

    async def requests(self) -> tuple[int, int]:
        """API requests served, and 429s among them."""
        counts: tuple[int, int] = await self._ask("requests")
        return counts


@asynccontextmanager
async def remote_emulator(sessions: int, *, limits: bool) -> AsyncIterator[RemoteEmulator]:
    """An emulator with ``sessions`` users, serving from a child process."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_child, args=(child, sessions, limits), daemon=True)
    process.start()
    loop = asyncio.get_running_loop()
    try:
        token, base_url, user_ids = await loop.run_in_executor(None, parent.recv)
        remote = RemoteEmulator(token, base_url, user_ids, parent)
        yield remote
        await remote.stop()
    finally:
        await loop.run_in_executor(None, process.join, 10)
        if process.is_alive():
            process.kill()
