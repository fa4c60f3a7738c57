"""Limits mode: Telegram's overall, per-chat and per-group flood limits, answered with 429."""

from __future__ import annotations

import httpx
import pytest

from bot.emulator import ApiError, BotAPIEmulator, EmulatedUser, FloodLimits
from bot.emulator.flood import TelegramLimits

from .conftest import RawApi

GROUP = -1_001_000_000_001


def refused(limits: TelegramLimits, chat_id: int, now: float, *, private: bool = True) -> bool:
    try:
        limits.check(chat_id, private, now)
    except ApiError as exc:
        return exc.status == 429
    return False


def test_private_chat_allows_a_short_burst_then_one_a_second() -> None:
    """Three messages at once pass in a private chat, the fourth is 429 until a second passed."""
    limits = TelegramLimits()
    assert [refused(limits, 1, 0.0) for _ in range(4)] == [False, False, False, True]
    assert refused(limits, 1, 0.9)
    assert not refused(limits, 1, 1.0)
    # Sustained: one a second passes forever, a bit faster does not.
    assert not any(refused(limits, 1, 1.0 + second) for second in range(1, 30))
    assert any(refused(limits, 1, 30.0 + step * 0.9) for step in range(1, 30))
    assert limits.refused >= 3


def test_overall_rate_is_30_a_second_across_chats() -> None:
    """Thirty messages a second to different chats pass indefinitely; thirty-one do not."""
    steady = TelegramLimits()
    assert not any(refused(steady, 100 + n, n / 30) for n in range(300))
    fast = TelegramLimits()
    assert any(refused(fast, 100 + n, n / 31) for n in range(400))


def test_overall_burst_is_limited() -> None:
    """At one instant only the overall burst goes through, whatever the chats."""
    limits = TelegramLimits(FloodLimits(overall_burst=10))
    results = [refused(limits, 100 + n, 5.0) for n in range(12)]
    assert results == [False] * 10 + [True, True]


def test_group_allows_20_a_minute() -> None:
    """A group takes 20 messages at once, then one every 3 s (20 a minute)."""
    limits = TelegramLimits(FloodLimits(overall_burst=30))
    assert not any(refused(limits, GROUP, 0.0, private=False) for _ in range(20))
    assert refused(limits, GROUP, 2.9, private=False)
    assert not refused(limits, GROUP, 3.01, private=False)
    assert refused(limits, GROUP, 3.1, private=False)


def test_a_refused_request_takes_no_token() -> None:
    """Retrying too early keeps failing, but does not push the next allowed moment back."""
    limits = TelegramLimits()
    for _ in range(3):
        limits.check(1, True, 0.0)
    for at in (0.1, 0.5, 0.9):
        assert refused(limits, 1, at)
    assert not refused(limits, 1, 1.0)


async def test_limits_mode_answers_429_like_telegram(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Over HTTP: sends and edits count, the 429 carries retry_after, and it is counted."""
    emulator.enable_limits(FloodLimits(private_rate=0.2, private_burst=2))
    first = await api.call("sendMessage", chat_id=user.id, text="one")
    message_id = first.json()["result"]["message_id"]
    edit = await api.call("editMessageText", chat_id=user.id, message_id=message_id, text="1")
    assert (first.status_code, edit.status_code) == (200, 200)
    response = await api.call("sendMessage", chat_id=user.id, text="two")
    body = response.json()
    assert response.status_code == 429
    assert body["parameters"]["retry_after"] == 5
    assert body["description"] == "Too Many Requests: retry after 5"
    assert emulator.too_many_requests == 1
    # Other chats are untouched; the rest of the API is never limited.
    assert (
        await api.call("sendMessage", chat_id=emulator.add_user("Sam").id, text="hi")
    ).is_success
    assert (await api.call("sendChatAction", chat_id=user.id, action="typing")).is_success
    assert (await api.call("getUpdates", timeout=0)).is_success
    assert emulator.too_many_requests == 1
    emulator.disable_limits()
    assert (await api.call("sendMessage", chat_id=user.id, text="three")).is_success


async def test_constructor_turns_limits_on() -> None:
    """``BotAPIEmulator(limits=True)`` starts in limits mode: the fourth quick send is 429."""
    async with (
        BotAPIEmulator(limits=True) as emulator,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client,
    ):
        api = RawApi(client, emulator.token)
        user = emulator.add_user("Alex")
        statuses = [
            (await api.call("sendMessage", chat_id=user.id, text="hi")).status_code
            for _ in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        assert emulator.too_many_requests == 1


@pytest.mark.parametrize("argv", [["--limits"], []])
def test_cli_flag_parses(argv: list[str]) -> None:
    """``python -m bot.emulator --limits`` is accepted (and optional)."""
    from bot.emulator.__main__ import build_parser

    assert build_parser().parse_args(argv).limits is bool(argv)
