"""Fault injection: each armed fault fails the matching calls the way Telegram would, and only
as many as it was told to."""

from __future__ import annotations

import datetime as dt

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.emulator.server import CLIENT_CLOSED, CONNECTION_RESET


@pytest.mark.parametrize(("kind", "status"), [("500", 500), ("502", 502)])
async def test_server_errors_become_network_errors(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser, kind: str, status: int
) -> None:
    """A 5xx fails the call once with PTB's NetworkError; the next call goes through."""
    emulator.faults.add(kind, method="sendMessage")  # type: ignore[arg-type]
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "hi")
    await bot.send_message(user.id, "hi again")
    assert [r.status for r in emulator.requests_for("sendMessage")] == [status, 200]
    assert [m.text for m in emulator.messages(user)] == ["hi again"]


async def test_429_carries_retry_after(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A 429 fault answers with parameters.retry_after, which PTB raises as RetryAfter."""
    emulator.faults.add("429", method="sendMessage", retry_after=7)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(user.id, "hi")
    assert caught.value.retry_after in (7, dt.timedelta(seconds=7))


async def test_403_looks_like_a_blocked_bot(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A 403 fault is "bot was blocked by the user", as PTB's Forbidden."""
    emulator.faults.add("403", method="sendMessage")
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(user.id, "hi")


async def test_reset_closes_the_connection_without_an_answer(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A reset drops the connection: PTB sees a NetworkError, and nothing was delivered."""
    emulator.faults.add("reset", method="sendMessage")
    with pytest.raises(NetworkError):
        await bot.send_message(user.id, "hi")
    assert emulator.messages(user) == []
    assert emulator.requests_for("sendMessage")[0].status == CONNECTION_RESET


@pytest.mark.parametrize("processed", [False, True])
async def test_timeout_holds_the_answer_past_the_clients_patience(
    emulator: BotAPIEmulator, user: EmulatedUser, processed: bool
) -> None:
    """A timeout makes PTB give up (TimedOut); with processed=True the message still arrived."""
    request = HTTPXRequest(read_timeout=0.3)
    async with Bot(emulator.token, base_url=emulator.base_url, request=request) as bot:
        emulator.faults.add("timeout", method="sendMessage", hold=1.0, processed=processed)
        with pytest.raises(TimedOut):
            await bot.send_message(user.id, "hi")
        await emulator.wait_for_request("sendMessage", lambda r: r.status == CLIENT_CLOSED)
    assert [m.text for m in emulator.messages(user)] == (["hi"] if processed else [])


async def test_faults_match_by_chat_and_count(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A fault for one chat leaves other chats alone and stops after ``times`` calls."""
    other = emulator.add_user("Sam")
    fault = emulator.faults.add("500", chat_id=user.id, times=2)
    await bot.send_message(other.id, "fine")
    for _ in range(2):
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "hi")
    await bot.send_message(user.id, "through")
    assert fault.hits == 2
    assert emulator.faults.armed == []
    assert [m.text for m in emulator.messages(user)] == ["through"]


async def test_unlimited_fault_lasts_until_cleared(
    bot: Bot, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """With times=None every matching call fails until clear(); other methods are untouched."""
    emulator.faults.add("502", method="sendMessage", times=None)
    await bot.get_me()
    for _ in range(3):
        with pytest.raises(NetworkError):
            await bot.send_message(user.id, "hi")
    emulator.faults.clear()
    await bot.send_message(user.id, "through")
    assert len(emulator.faults.fired) == 3


def test_unknown_kind_is_refused(emulator: BotAPIEmulator) -> None:
    """A typo in a fault kind fails loudly rather than injecting nothing."""
    with pytest.raises(ValueError, match="unknown fault kind"):
        emulator.faults.add("503")  # type: ignore[arg-type]
