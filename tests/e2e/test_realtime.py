"""Real time, no TIME_SCALE: a hold measured on the wall clock."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import BotFactory

TWO_SECOND_HOLD = """
id = "hold"
title = "One hold"
summary = "A single two-second hold."
source = "Test"
disclaimer = "Not medical advice."

[[exercises]]
title = "Lean"
target = "timing"

  [[exercises.steps]]
  text = "Lean."
  hold = 2
"""


@pytest.mark.realtime
async def test_two_second_hold_takes_two_seconds(start_bot: BotFactory, tmp_path: Path) -> None:
    """At TIME_SCALE 1 a 2 s hold is 2 s ± 0.15 s between "Hold" and "Release"."""
    content = tmp_path / "content"
    content.mkdir()
    (content / "hold.toml").write_text(TWO_SECOND_HOLD, encoding="utf-8")
    async with start_bot(content_dir=content, time_scale=1.0) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("start", "1 exercise,")
        bot.say("skip")  # past the intro's reading pause: only the hold is under test
        hold = await bot.expect("Hold for 2 seconds", timeout=15)
        release = await bot.expect("Release", timeout=5)
        assert release.sent_at - hold.sent_at == pytest.approx(2.0, abs=0.15)
