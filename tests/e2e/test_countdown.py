"""The live countdown: the hold message is edited as the seconds pass, never more than once a
second in a chat, and ends with what comes next; the timed messages stay exact."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from bot.features.countdown import MIN_EDIT_GAP
from tests.e2e.conftest import TIME_SCALE, Bot, BotFactory
from tests.factories import content_folder, routine_toml

#: A 12 s hold then lasts 4.2 s: long enough for a live countdown update or two.
SLOW = 0.35

HOLDS = routine_toml("holds", step="Lean.", hold=12, followup=("Further", 2), sides="one")


@pytest.fixture
def holds(tmp_path: Path) -> Path:
    return content_folder(tmp_path / "content", HOLDS)


def assert_edit_rate(bot: Bot) -> None:
    """No two edits in the chat closer than a second (as the emulator received them)."""
    times = bot.emulator.edit_times(bot.user)
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert all(gap >= 1.0 for gap in gaps), gaps


async def start_routine(bot: Bot) -> None:
    await bot.ask("/start", "I help people")
    await bot.ask("start", "1 exercise,")
    bot.say("skip")  # past the intro: the hold is what is under test


async def test_countdown_edits_the_hold_message(start_bot: BotFactory, holds: Path) -> None:
    """A 12 s hold at 0.35 speed (4.2 s real) is counted down by edits, then marked done."""
    async with start_bot(content_dir=holds, time_scale=SLOW) as bot:
        await start_routine(bot)
        hold = await bot.expect("Hold for 12 seconds", timeout=8)
        follow = await bot.expect("Further — 2 more seconds", timeout=8)
        assert follow.sent_at - hold.sent_at == pytest.approx(12 * SLOW, abs=0.1)
        await bot.expect("Release", timeout=8)
        await bot.expect("Well done", timeout=5)
        await bot.emulator.wait_for_edit(bot.user, follow.message_id, "✓ → Release.")
        edits = [edit.text for edit in bot.emulator.message(bot.user, hold.message_id).edits]
        assert any("▓" in text and text.endswith(" s") for text in edits[:-1]), edits
        assert edits[-1].endswith("✓ → Further — 2 more seconds")
        # The "Stop — it hurts" button stays through the countdown and goes when the hold ends.
        markups = [
            edit.reply_markup for edit in bot.emulator.message(bot.user, hold.message_id).edits
        ]
        assert all("🛑 Stop — it hurts" in str(markup) for markup in markups[:-1]), markups
        assert markups[-1] is None
        assert_edit_rate(bot)


async def test_fast_holds_respect_the_edit_rate(start_bot: BotFactory) -> None:
    """With holds shorter than a second, the final edits queue up a second apart."""
    async with start_bot(time_scale=TIME_SCALE) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("start quick", "Quick desk stretch")
        await bot.expect("Well done", timeout=8)
        await bot.emulator.wait_for_request(
            "editMessageText", lambda r: "→ Release" in str(r.params.get("text")), timeout=8
        )
        assert_edit_rate(bot)
        assert MIN_EDIT_GAP >= 1.0


async def test_skip_takes_the_countdown_off(start_bot: BotFactory, holds: Path) -> None:
    """Skipping in the middle of a counted-down hold leaves the message without a stale bar."""
    async with start_bot(content_dir=holds, time_scale=SLOW) as bot:
        await start_routine(bot)
        hold = await bot.expect("Hold for 12 seconds", timeout=8)
        await bot.emulator.wait_for_edit(bot.user, hold.message_id, "▓", timeout=4)
        await bot.ask("skip", "partial")  # most of the hold time was skipped
        edit = await bot.emulator.wait_for_edit(
            bot.user, hold.message_id, lambda edit: "▓" not in edit.text, timeout=4
        )
        assert edit.text == "⏱ Hold for 12 seconds"
        assert_edit_rate(bot)


async def test_pause_marks_the_hold_and_resume_counts_down_anew(
    start_bot: BotFactory, holds: Path
) -> None:
    """Pausing mid-hold marks its message paused; resuming sends a new hold message with the
    seconds left, which counts down and ends the hold, and takes the button off the old one."""
    async with start_bot(content_dir=holds, time_scale=0.5) as bot:  # 12 s last 6 s
        await start_routine(bot)
        hold = await bot.expect("Hold for 12 seconds", timeout=8)
        await bot.ask("pause", "Paused")
        paused = await bot.emulator.wait_for_edit(bot.user, hold.message_id, "paused", timeout=3)
        assert paused.text.startswith("⏱ Hold for 12 seconds\n")
        assert paused.text.endswith("⏸ paused, 12 s left")
        resumed = await bot.ask("resume", "Resuming — hold for the remaining 12 seconds")
        assert resumed.button_texts == ["🛑 Stop — it hurts"]
        # Its first update may give way to the edits that marked the old message (one a second).
        await bot.emulator.wait_for_edit(
            bot.user, resumed.message_id, lambda edit: edit.text.endswith(" s"), timeout=6
        )
        await bot.expect("Further — 2 more seconds", timeout=8)
        await bot.emulator.wait_for_edit(
            bot.user, resumed.message_id, lambda edit: "✓ → Further" in edit.text, timeout=4
        )
        old = bot.emulator.message(bot.user, hold.message_id)
        assert "paused" in old.text
        assert old.buttons == []
        assert_edit_rate(bot)
