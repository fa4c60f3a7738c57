"""Micro-breaks end to end, through the emulator with a time scale (the interval, "in 10 min"
and the meeting mute are scaled; the work-hours window is wall-clock, reached by the clock's
offset): prompts every interval inside the window only, none on a paused day or during a
session, "in a meeting" for an hour, Done and the short routine counted in /stats, and no
duplicate across a kill -9 of the real process."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.emulator import BotAPIEmulator, BotMessage, EmulatedUser
from bot.telegram.render import breaks as breaks_text
from tests.e2e.conftest import Bot, BotFactory
from tests.e2e.process import bot_process
from tests.waiting import eventually

BERLIN = ZoneInfo("Europe/Berlin")
PROMPT = "Time for a short break"
#: 20 minutes at these scales: 1.2 s and 2.4 s.
FAST, SLOWER = 0.001, 0.002
#: 20 minutes in 6 s: a restart of the real process fits in the interval.
KILL_SCALE = 0.005


def berlin(hour: int, minute: int, second: int = 0) -> dt.datetime:
    """A wall-clock time on Wednesday 2026-11-25 in Berlin."""
    return dt.datetime(2026, 11, 25, hour, minute, second, tzinfo=BERLIN)


def prompts(emulator: BotAPIEmulator, user: EmulatedUser) -> list[BotMessage]:
    return [m for m in emulator.messages(user) if PROMPT in m.text]


def due_of(prompt: BotMessage) -> dt.datetime:
    """The instant a live prompt was due: its number, which every one of its buttons carries."""
    data = [str(button.get("callback_data", "")) for button in prompt.buttons]
    match = re.fullmatch(r"brk:\w+:(\d+)", data[0]) if data else None
    assert match, f"not a live prompt: {prompt.text!r}"
    return dt.datetime.fromtimestamp(int(match[1]) / 1000, dt.UTC)


def sent_dues(emulator: BotAPIEmulator) -> list[dt.datetime]:
    """Every prompt's due instant, as sent (an older prompt loses its buttons later)."""
    found = re.findall(
        r"brk:go:(\d+)", str([r.params for r in emulator.requests_for("sendMessage")])
    )
    return [dt.datetime.fromtimestamp(int(n) / 1000, dt.UTC) for n in found]


async def set_up(bot: Bot, minutes: int = 20) -> None:
    """Reminder at 07:00 (far from the window), no pain question, breaks on."""
    await bot.subscribe("07:00")
    await bot.ask("/pain off", "")
    await bot.ask(f"/breaks {minutes}", "Micro-breaks: every 20 minutes")


async def test_breaks_come_every_interval_inside_the_window_only(start_bot: BotFactory) -> None:
    """From 16:59:54 with 1.2 s intervals, prompts come every interval until 17:00 exactly and
    none after: the next is set for tomorrow at 09:00 plus one interval."""
    async with start_bot(now=berlin(16, 59, 54), time_scale=FAST) as bot:
        await set_up(bot)
        five_pm = berlin(17, 0)
        await eventually(
            lambda: bot.clock.now() > five_pm + dt.timedelta(seconds=2.5),
            timeout=15,
            what="the window to end",
        )
        await bot.settled()
        dues = sent_dues(bot.emulator)
        assert len(dues) == len(prompts(bot.emulator, bot.user)) >= 2
        assert all(due <= five_pm for due in dues)
        interval = dt.timedelta(minutes=20) * FAST
        gaps = [round((b - a) / interval, 3) for a, b in itertools.pairwise(dues)]
        assert gaps == [1.0] * len(gaps)
        (timer,) = bot.timers("break")
        assert timer.due == berlin(9, 0) + dt.timedelta(days=1) + interval


async def test_no_break_on_a_paused_day_nor_during_a_session(start_bot: BotFactory) -> None:
    """Paused today, breaks wait for tomorrow; /resume brings one at once; while a session
    runs (paused, so it lasts), the break timer fires and sends nothing."""
    async with start_bot(now=berlin(10, 0), time_scale=SLOWER) as bot:
        await bot.subscribe("07:00")
        await bot.ask("/pain off", "")
        await bot.ask("/pause 1", "paused until")
        shown = await bot.ask("/breaks 20", "Micro-breaks: every 20 minutes")
        assert "Next break: tomorrow at 09:00" in shown.text
        (timer,) = bot.timers("break")
        assert timer.due.astimezone(BERLIN).date() == dt.date(2026, 11, 26)
        await bot.ask("/resume", "")
        await bot.expect(PROMPT, timeout=5)
        bot.say("start")
        bot.say("pause")
        await bot.expect("Paused", timeout=5)
        (timer,) = bot.timers("break")  # due within the interval; the pause lasts longer
        await eventually(lambda: bot.clock.now() > timer.due, timeout=5, what="the break")
        await bot.settled()
        assert bot.timers("break")[0].due > timer.due  # it fired, and moved on
        assert len(prompts(bot.emulator, bot.user)) == 1


async def test_meeting_done_and_the_short_routine(start_bot: BotFactory) -> None:
    """Done counts a break; "In a meeting" keeps the next one away for the (scaled) hour; the
    word "meeting" answers too; Start runs the short desk routine (no streak day), and /stats
    counts both breaks apart from the routines."""
    async with start_bot(now=berlin(10, 0), time_scale=FAST) as bot:
        await set_up(bot)
        first = await bot.expect(PROMPT, timeout=5)
        bot.emulator.press_button(bot.user, first, text=breaks_text.button_break_done())
        await bot.expect("Break counted (1 break taken)")
        second = await bot.expect(PROMPT, timeout=5)
        bot.emulator.press_button(bot.user, second, text=breaks_text.button_meeting())
        await bot.expect("No breaks during your meeting")
        pressed = bot.clock.now()
        third = await bot.expect(PROMPT, timeout=10)
        assert due_of(third) - pressed >= dt.timedelta(minutes=60) * FAST * 0.98
        await bot.ask("meeting", "No breaks during your meeting")
        assert not bot.emulator.message(bot.user, third.message_id).buttons  # closed
        fourth = await bot.expect(PROMPT, timeout=10)
        bot.emulator.press_button(bot.user, fourth, text=breaks_text.button_break_start())
        await bot.expect("Short desk break", timeout=5)
        done = await bot.expect("Short desk break complete", timeout=10)
        assert "🔥" not in done.text  # a break, not a streak day
        stats = await bot.ask("/stats", "Micro-breaks taken")
        assert "Micro-breaks taken: 2" in stats.text


@pytest.mark.xdist_group("instances")
async def test_two_instances_on_postgresql_send_each_break_once(
    start_bot: BotFactory, database_url: str
) -> None:
    """On PostgreSQL the break timer is a row either instance claims: every interval's prompt
    arrives once, the intervals exact, with the chat's breaks kept in its JSON record."""
    now = berlin(10, 0)
    async with (
        start_bot(database_url=database_url, now=now, time_scale=FAST) as polling,
        start_bot(database_url=database_url, now=now, time_scale=FAST, poll=False),
    ):
        await set_up(polling)
        for _ in range(4):
            await polling.expect(PROMPT, timeout=5)
        dues = sent_dues(polling.emulator)
        assert len(set(dues)) == len(dues) == len(prompts(polling.emulator, polling.user))
        interval = dt.timedelta(minutes=20) * FAST
        gaps = [round((b - a) / interval, 3) for a, b in itertools.pairwise(dues)]
        assert gaps == [1.0] * len(gaps)


@pytest.mark.xdist_group("instances")
async def test_no_duplicate_break_across_a_kill_9(tmp_path: Path) -> None:
    """The real process is killed (SIGKILL) while a prompt's send is in flight (Telegram took
    it, the answer never came): after the restart that break is not sent again, and the next
    counts from it, claimed in the store before the send."""
    data = tmp_path / "data"
    now = dt.datetime.now(dt.UTC)
    # A whole-hour offset that puts the user at about noon, inside 09:00–17:00.
    hours = (12 - now.hour + 12) % 24 - 12
    interval = dt.timedelta(minutes=20) * KILL_SCALE
    async with BotAPIEmulator() as emulator:
        user = emulator.add_user("Sam")

        async def ask(text: str, match: str) -> BotMessage:
            emulator.send_text(user, text)
            return await emulator.wait_for_message(user, match, timeout=20)

        async with bot_process(emulator, data, TIME_SCALE=str(KILL_SCALE)):
            await ask("/start", "I help people")
            await ask(f"/timezone UTC{hours:+03d}:00", "Time zone set")
            await ask(f"/time {(now.hour + hours + 6) % 24:02d}:00", "Done")
            await ask("/breaks 20", "Micro-breaks: every 20 minutes")
            emulator.faults.add(
                "timeout", method="sendMessage", chat_id=user.id, hold=30, processed=True
            )
            killed = await emulator.wait_for_message(user, PROMPT, timeout=20)
        emulator.faults.clear()
        async with bot_process(emulator, data, TIME_SCALE=str(KILL_SCALE)):
            await ask("/breaks", "Micro-breaks")
            up = dt.datetime.now(dt.UTC)
            after = await emulator.wait_for_message(user, PROMPT, timeout=20)
        assert len(prompts(emulator, user)) == 2
        first, second = due_of(killed), due_of(after)
        assert second - first >= interval
        if up < first + interval:  # back within the interval: it counts from the claim
            assert second == first + interval
