"""Real time, no TIME_SCALE: a hold measured on the wall clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import BotFactory
from tests.factories import content_folder, routine_toml

TWO_SECOND_HOLD = routine_toml("hold", step="Lean.", hold=2, followup=None, sides="one")


@pytest.mark.realtime
async def test_two_second_hold_takes_two_seconds(start_bot: BotFactory, tmp_path: Path) -> None:
    """At TIME_SCALE 1 a 2 s hold is 2 s ± 0.15 s between "Hold" and "Release"."""
    content = content_folder(tmp_path / "content", TWO_SECOND_HOLD)
    async with start_bot(content_dir=content, time_scale=1.0) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("start", "1 exercise,")
        bot.say("skip")  # past the intro's reading pause: only the hold is under test
        hold = await bot.expect("Hold for 2 seconds", timeout=15)
        release = await bot.expect("Release", timeout=5)
        assert release.sent_at - hold.sent_at == pytest.approx(2.0, abs=0.15)
