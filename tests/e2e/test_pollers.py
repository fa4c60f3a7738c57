"""``stretchbot run`` twice on one database: only the holder of the poller lock polls (no 409
from the emulator), and when it is killed (-9) the other takes over within seconds."""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.emulator import BotAPIEmulator, EmulatedUser
from tests.e2e.process import BotProcess, bot_process
from tests.waiting import eventually

pytestmark = pytest.mark.xdist_group("instances")

POLLS = "This instance polls for updates"
WAITS = "Another instance polls"


@contextlib.asynccontextmanager
async def pollers(
    emulator: BotAPIEmulator, folder: Path, database_url: str
) -> AsyncIterator[tuple[BotProcess, BotProcess]]:
    """Two ``run`` processes on one database, once one polls and the other waits."""
    async with (
        bot_process(emulator, folder / "a", DATABASE_URL=database_url, LOG_LEVEL="INFO") as a,
        bot_process(emulator, folder / "b", DATABASE_URL=database_url, LOG_LEVEL="INFO") as b,
    ):

        def settled() -> bool:
            assert a.alive, a.log
            assert b.alive, b.log
            logs = (a.log, b.log)
            return (
                sum(POLLS in log for log in logs) == 1 and sum(WAITS in log for log in logs) == 1
            )

        await eventually(settled, timeout=60, what="one poller and one waiting instance")
        yield a, b


def conflicts(emulator: BotAPIEmulator) -> list[str]:
    return [str(r.description) for r in emulator.requests_for("getUpdates") if r.status == 409]


async def test_only_one_of_two_instances_polls(
    emulator: BotAPIEmulator, user: EmulatedUser, database_url: str, tmp_path: Path
) -> None:
    """With two instances on one database, users are answered once each and Telegram never
    sees a second poller (no 409 Conflict)."""
    async with pollers(emulator, tmp_path, database_url):
        everyone = [user, *(emulator.add_user(f"User{n}") for n in range(5))]
        # Two rounds, one after the other: each ends a long poll, so a second poller that
        # polled meanwhile would have drawn a 409.
        for command, answer in (("/start", "I help people"), ("/help", "/go")):
            for someone in everyone:
                emulator.send_text(someone, command)
            for someone in everyone:
                await emulator.wait_for_message(someone, answer, timeout=10)
        assert len(emulator.requests_for("getUpdates")) >= 2
    assert conflicts(emulator) == []
    assert [len(emulator.messages(someone)) for someone in everyone] == [2] * 6


async def test_killing_the_poller_hands_polling_over(
    emulator: BotAPIEmulator, user: EmulatedUser, database_url: str, tmp_path: Path
) -> None:
    """kill -9 of the polling instance: the other takes the lock and answers the next message
    within a few seconds (the lock is retried every 2 s)."""
    async with pollers(emulator, tmp_path, database_url) as (a, b):
        poller, other = (a, b) if POLLS in a.log else (b, a)
        emulator.send_text(user, "/start")
        await emulator.wait_for_message(user, "I help people", timeout=10)
        poller.process.kill()
        await poller.process.wait()
        killed = time.monotonic()
        emulator.send_text(user, "/help")
        await emulator.wait_for_message(user, "/go", timeout=15)
        took = time.monotonic() - killed
        assert POLLS in other.log
        assert took < 8
    assert len(emulator.messages(user)) == 2
