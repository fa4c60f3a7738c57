"""Crash safety: the real bot (``python -m bot run``) is killed with SIGKILL at random moments
while users change their settings; after every kill the database parses and holds every change
the bot had confirmed, and every restart loads it. The same run, at LOG_LEVEL=DEBUG, never
writes the token to its logs."""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import sys
import time
from pathlib import Path

from bot.core.chat import Chat
from bot.emulator import BotAPIEmulator, EmulatedUser, WaitTimeout
from bot.storage.chatfiles import ChatFiles
from tests.e2e.process import environment
from tests.factories import REPO

ROUNDS = 8


def _stored(data: Path) -> dict[int, Chat]:
    """The store as a fresh process reads it; fails if any chat file is not valid JSON."""
    if not data.exists():
        return {}
    return {subscriber.chat_id: subscriber for subscriber in ChatFiles(data).chats()}


async def _drive(emulator: BotAPIEmulator, confirmed: dict[int, str], rng: random.Random) -> None:
    """New users subscribe and set a time, one after another; record what the bot confirmed."""
    while True:
        user = emulator.add_user(f"User{len(emulator.requests)}")
        emulator.send_text(user, "/start")
        await emulator.wait_for_message(user, "I help people", timeout=5)
        hhmm = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}"
        emulator.send_text(user, f"/time {hhmm}")
        await emulator.wait_for_message(user, "Done", timeout=5)
        confirmed[user.id] = hhmm


async def _wait_until_up(emulator: BotAPIEmulator, user: EmulatedUser) -> None:
    emulator.send_text(user, "/help")
    await emulator.wait_for_message(user, "Commands", timeout=15)


async def test_kill_9_never_loses_a_confirmed_change(tmp_path: Path) -> None:
    """SIGKILL at random moments, many times: no confirmed change lost, the file never corrupt."""
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 1_000_000))
    print(f"crash test seed: {seed} (CRASH_SEED={seed} repeats it)")
    rng = random.Random(seed)
    data = tmp_path / "data"
    logs: list[str] = []
    confirmed: dict[int, str] = {}
    async with BotAPIEmulator() as emulator:
        env = environment(emulator, data)
        watcher = emulator.add_user("Watcher")
        for _ in range(ROUNDS):
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                "run",
                cwd=REPO,
                env=env,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
            )
            assert process.stderr is not None
            stderr = asyncio.create_task(process.stderr.read())
            try:
                await _wait_until_up(emulator, watcher)  # the restart loaded the database
                emulator.mark_all_read()
                driving = asyncio.create_task(_drive(emulator, confirmed, rng))
                await asyncio.sleep(rng.uniform(0.05, 0.8))
            finally:
                process.kill()
                await process.wait()
            driving.cancel()
            with contextlib.suppress(asyncio.CancelledError, WaitTimeout):
                await driving
            logs.append((await stderr).decode(errors="replace"))
            stored = _stored(data)
            for chat_id, hhmm in confirmed.items():
                assert chat_id in stored, f"seed {seed}: confirmed subscriber {chat_id} lost"
                assert [f"{t:%H:%M}" for t in stored[chat_id].schedule.times] == [hhmm], (
                    f"seed {seed}"
                )
        assert emulator.internal_errors == []
    print(f"{len(confirmed)} confirmed changes survived {ROUNDS} kills")
    assert len(confirmed) >= ROUNDS // 2, f"seed {seed}: too few changes were confirmed"
    text = "\n".join(logs)
    assert "getUpdates" in text  # DEBUG request lines were logged…
    secret = emulator.token.partition(":")[2]
    assert secret not in text  # …without the token, raw or URL-encoded
