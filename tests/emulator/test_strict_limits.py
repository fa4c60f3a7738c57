"""Limits mode counted strictly (sliding windows, no burst) and paid broadcasts."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.emulator import ApiError, BotAPIEmulator, FloodLimits
from bot.emulator.flood import TelegramLimits

from .conftest import RawApi

GROUP = -1_001_000_000_002
STRICT = FloodLimits(strict_window=True)
#: Just over 1/30 s: thirty sends in any second at most, never a thirty-first.
SPACING = 1 / 30 + 0.002


def refused(
    limits: TelegramLimits, chat_id: int, now: float, *, private: bool = True, paid: bool = False
) -> bool:
    try:
        limits.check(chat_id, private, now, paid=paid)
    except ApiError as exc:
        return exc.status == 429
    return False


def test_strict_window_refuses_the_31st_send_in_one_second() -> None:
    """Thirty sends in one second pass, the 31st is 429 until the first leaves the window."""
    limits = TelegramLimits(STRICT)
    assert not any(refused(limits, 100 + n, n * 0.03) for n in range(30))
    with pytest.raises(ApiError) as caught:
        limits.check(200, True, 0.95)
    assert caught.value.retry_after == 1
    assert refused(limits, 201, 0.999)
    assert not refused(limits, 202, 1.0)  # the send at 0.0 is out of (0.0, 1.0]
    assert limits.refused == 2


def test_strict_window_allows_sends_spaced_just_over_a_thirtieth() -> None:
    """Sends spaced just over 1/30 s never meet a 429, however long they go on."""
    limits = TelegramLimits(STRICT)
    assert not any(refused(limits, 100 + n, n * SPACING) for n in range(600))


def test_strict_window_has_no_burst() -> None:
    """Where the bucket lets ten go at once and then thirty a second, a sliding window lets
    thirty go at once and then none until a second has passed."""
    limits = TelegramLimits(STRICT)
    assert [refused(limits, 100 + n, 5.0) for n in range(31)] == [False] * 30 + [True]
    assert all(refused(limits, 200 + n, 5.0 + n * 0.1) for n in range(10))


def test_strict_window_per_chat_and_per_group() -> None:
    """A private chat takes one send in any second, a group twenty in any minute."""
    limits = TelegramLimits(STRICT)
    assert [refused(limits, 1, at) for at in (0.0, 0.5, 0.999, 1.0)] == [
        False,
        True,
        True,
        False,
    ]
    assert not any(refused(limits, GROUP, n * 0.1, private=False) for n in range(20))
    assert refused(limits, GROUP, 59.9, private=False)
    assert not refused(limits, GROUP, 60.0, private=False)
    assert refused(limits, GROUP, 60.05, private=False)


def test_slow_rates_get_a_window_of_one_send() -> None:
    """``private_rate=0.2`` strictly means one send in any five seconds."""
    limits = TelegramLimits(FloodLimits(private_rate=0.2, strict_window=True))
    assert [refused(limits, 1, at) for at in (0.0, 4.9, 5.0)] == [False, True, False]


@pytest.mark.parametrize("strict", [False, True])
def test_paid_broadcast_goes_to_1000_a_second(strict: bool) -> None:
    """Paid sends have their own overall limit of 1000 a second; the ordinary 30 stay."""
    limits = TelegramLimits(FloodLimits(strict_window=strict))
    paid = [refused(limits, 10_000 + n, n * 0.00101, paid=True) for n in range(2000)]
    assert not any(paid)
    faster = [refused(limits, 20_000 + n, 2.0 + n / 2000, paid=True) for n in range(2000)]
    assert any(faster)
    ordinary = [refused(limits, 60_000 + n, 1.0 + n / 1000) for n in range(100)]
    assert any(ordinary)


def test_paid_sends_still_count_per_chat() -> None:
    """allow_paid_broadcast lifts only the overall limit: a chat still takes one a second."""
    limits = TelegramLimits(STRICT)
    assert [refused(limits, 7, at, paid=True) for at in (0.0, 0.5)] == [False, True]


async def test_31_sends_at_once_over_http_get_one_429(
    api: RawApi, emulator: BotAPIEmulator
) -> None:
    """Over HTTP, in strict mode, 31 sends to 31 chats within a second: exactly one is 429."""
    emulator.enable_limits(STRICT)
    users = [emulator.add_user(f"U{n}") for n in range(31)]
    responses = await asyncio.gather(
        *(api.call("sendMessage", chat_id=user.id, text="hi") for user in users)
    )
    arrivals = [request.at for request in emulator.requests_for("sendMessage")]
    assert max(arrivals) - min(arrivals) < 1.0
    refusals = [r.json() for r in responses if r.status_code == 429]
    assert len(refusals) == 1
    assert refusals[0]["parameters"]["retry_after"] == 1
    assert emulator.too_many_requests == 1


async def test_sends_spaced_over_http_never_get_429(api: RawApi, emulator: BotAPIEmulator) -> None:
    """Over HTTP, each send arriving just over 1/30 s after the previous one is never 429."""
    emulator.enable_limits(STRICT)
    users = [emulator.add_user(f"U{n}") for n in range(40)]
    for user in users:
        response = await api.call("sendMessage", chat_id=user.id, text="hi")
        assert response.status_code == 200
        arrived = emulator.requests_for("sendMessage")[-1].at
        await asyncio.sleep(max(0.0, arrived + SPACING - time.monotonic()))
    assert emulator.too_many_requests == 0


async def test_paid_broadcast_over_http_only_with_the_flag(
    api: RawApi, emulator: BotAPIEmulator
) -> None:
    """A hundred sends at once pass with allow_paid_broadcast and are counted; without it,
    the ordinary overall limit lets only 30 a second through."""
    emulator.enable_limits(STRICT)
    users = [emulator.add_user(f"U{n}") for n in range(200)]
    paid = await asyncio.gather(
        *(
            api.call("sendMessage", chat_id=user.id, text="hi", allow_paid_broadcast="true")
            for user in users[:100]
        )
    )
    assert [r.status_code for r in paid] == [200] * 100
    assert emulator.paid_broadcasts == 100
    assert all(emulator.messages(user)[0].paid_broadcast for user in users[:100])
    ordinary = await asyncio.gather(
        *(api.call("sendMessage", chat_id=user.id, text="hi") for user in users[100:])
    )
    arrivals = [r.at for r in emulator.requests_for("sendMessage")[-100:]]
    passed = sum(r.status_code == 200 for r in ordinary)
    assert passed <= 30 * (1 + max(arrivals) - min(arrivals))  # 30 in any second, no more
    assert passed < 100
    assert emulator.paid_broadcasts == 100


async def test_paid_broadcasts_are_counted_without_limits(
    api: RawApi, emulator: BotAPIEmulator
) -> None:
    """Outside limits mode the flag changes nothing but the count a benchmark reports."""
    user = emulator.add_user("Alex")
    for flag in ("true", "false", "true"):
        response = await api.call(
            "sendMessage", chat_id=user.id, text="hi", allow_paid_broadcast=flag
        )
        assert response.status_code == 200
    assert emulator.paid_broadcasts == 2


@pytest.mark.parametrize(("argv", "strict"), [(["--strict-window"], True), ([], False)])
def test_cli_strict_window_flag(argv: list[str], strict: bool) -> None:
    """``python -m bot.emulator --strict-window`` is accepted (and optional)."""
    from bot.emulator.__main__ import build_parser

    assert build_parser().parse_args(argv).strict_window is strict
