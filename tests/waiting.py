"""Waiting on a condition with a deadline, instead of sleeping and hoping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], T | None], *, timeout: float = 5.0, what: str = "the condition"
) -> T:
    """Poll ``probe`` until it returns something truthy (returned), or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(0.01)


async def eventually_async(
    probe: Callable[[], Awaitable[T | None]], *, timeout: float = 5.0, what: str = "the condition"
) -> T:
    """:func:`eventually` for a probe that must await (a database query)."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        await asyncio.sleep(0.05)


async def steady(probe: Callable[[], T], *, quiet: float, timeout: float) -> T:
    """Wait until ``probe``'s value has not changed for ``quiet`` seconds (work in flight
    elsewhere has finished); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    last, since = probe(), time.monotonic()
    while time.monotonic() - since < quiet:
        if time.monotonic() > deadline:
            raise AssertionError(f"still changing after {timeout} s")
        await asyncio.sleep(0.05)
        value = probe()
        if value != last:
            last, since = value, time.monotonic()
    return last
