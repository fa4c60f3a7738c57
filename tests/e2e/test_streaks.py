"""Streaks counted in the user's own zone, through real sessions."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from tests.e2e.conftest import BotFactory

AUCKLAND = ZoneInfo("Pacific/Auckland")
FAST = 0.004


async def test_streak_across_midnight_in_auckland(start_bot: BotFactory) -> None:
    """Sessions at 23:59 and 00:01 Auckland time are two days in a row (one UTC date)."""
    late = dt.datetime(2026, 11, 25, 23, 59, 0, tzinfo=AUCKLAND)
    async with start_bot(now=late, time_scale=FAST) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/timezone Pacific/Auckland", "Time zone set")
        await bot.ask("start quick", "Quick desk stretch")
        first = await bot.expect("Well done", timeout=5)
        assert "in a row" not in first.text
    early = dt.datetime(2026, 11, 26, 0, 1, 0, tzinfo=AUCKLAND)
    assert late.astimezone(dt.UTC).date() == early.astimezone(dt.UTC).date()
    async with start_bot(now=early, time_scale=FAST) as bot:
        await bot.ask("start quick", "Quick desk stretch")
        second = await bot.expect("Well done", timeout=5)
        assert "🔥 2 days in a row · your " in second.text
        stats = await bot.ask("/stats", "progress")
        assert "2 days in a row" in stats.text
        assert "Ever 2" in stats.text
        dates = [record.local_date for record in bot.storage.history(bot.user.id)]
        assert dates == [dt.date(2026, 11, 25), dt.date(2026, 11, 26)]
