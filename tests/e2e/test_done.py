"""What counts as done, through the emulator: a skipped-through session is partial, not praised
and not a streak day; /stats and the completion message say only what happened."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

from bot.core.chat import SessionStatus
from tests.e2e.conftest import Bot, BotFactory
from tests.e2e.test_coaching import LEFT, answer_to, release

BERLIN = ZoneInfo("Europe/Berlin")


async def skip_through(bot: Bot) -> None:
    """start quick, then skip and skip from the first exercise: past both exercises."""
    await bot.ask("start quick", "1/2 · Standing hip-flexor stretch", timeout=3)
    await bot.ask("skip", "2/2 · Seated side bend")
    bot.say("skip")


async def test_a_skipped_through_session_is_partial(start_bot: BotFactory) -> None:
    """start quick, skip, skip, skip: not "Well done", recorded as partial, no streak in
    /stats, and the CSV says partial."""
    async with start_bot(time_scale=0.05) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        await skip_through(bot)
        ended = await bot.expect("partial", timeout=3)
        assert "Well done" not in ended.text
        assert "complete" not in ended.text
        (record,) = bot.storage.history(bot.user.id)
        assert record.status is SessionStatus.PARTIAL
        stats = await bot.ask("/stats", "Your progress")
        assert "in a row" not in stats.text
        assert "No routine completed yet" in stats.text
        bot.say("/export csv")
        await bot.emulator.wait_for_request("sendDocument")
        (message,) = bot.emulator.documents(bot.user)
    assert message.document is not None
    (row,) = csv.DictReader(io.StringIO(message.document.data.decode("utf-8-sig")))
    assert (row["completed"], row["status"]) == ("no", "partial")


async def test_a_partial_session_does_not_silence_the_follow_up(start_bot: BotFactory) -> None:
    """A skipped-through session earlier today is not "done today": the unanswered reminder
    still gets its follow-up."""
    scale = 0.0005  # the hour before the follow-up takes 1.8 s
    now = dt.datetime(2026, 11, 25, 9, 29, 56, tzinfo=BERLIN)
    async with start_bot(now=now, time_scale=scale) as bot:
        await bot.subscribe("09:30")
        await bot.ask("/pain off", "won't ask")
        await skip_through(bot)
        await bot.expect("partial", timeout=3)
        await bot.expect("Time to look after your back", timeout=5)
        await bot.expect("Still time for your stretch today?", timeout=4)


async def test_completion_names_the_streak_from_the_first_day(start_bot: BotFactory) -> None:
    """The first completed session says "Day 1 — come back tomorrow to start a streak"."""
    async with start_bot(time_scale=0.005) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("start quick")
        done = await bot.expect("Well done", timeout=5)
        assert "Day 1 — come back tomorrow to start a streak" in done.text


async def test_stats_after_a_hurt_session_show_only_what_was_held(start_bot: BotFactory) -> None:
    """After a session stopped with "it hurts", /stats says no routine is completed yet (not
    "Nothing here yet") and lists only the hold that was held, not the skipped side nor the
    stretch that hurt; a brand-new user sees no hold list at all."""
    async with start_bot(time_scale=0.05) as bot:
        await bot.ask("/start", "I help people")
        fresh = await bot.ask("/stats", "Your progress")
        assert "Your holds" not in fresh.text
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        await release(bot, f"{LEFT}:20")
        await bot.ask("skip", "2/2 · Seated side bend")
        await bot.expect("Hold for 20 seconds", timeout=3)
        await bot.ask("it hurts", "Don't push through pain")
        stats = await bot.ask("/stats", "Your progress")
        assert "Nothing here yet" not in stats.text
        assert "No routine completed yet" in stats.text
        holds = stats.text.partition("Your holds\n")[2].splitlines()
        assert holds == ["Standing hip-flexor stretch: left 20 s"]


async def test_a_side_without_feedback_is_not_called_tighter(start_bot: BotFactory) -> None:
    """Too easy on the left only: /stats shows both sides' times but calls neither tighter,
    since the right side's feel is unknown."""
    async with start_bot(time_scale=0.01) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        left = await release(bot, f"{LEFT}:20")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        await answer_to(bot)
        await bot.expect("Well done", timeout=5)
        stats = await bot.ask("/stats", "Your holds")
        assert "Standing hip-flexor stretch: left 23 s · right 20 s" in stats.text
        assert "tighter" not in stats.text
