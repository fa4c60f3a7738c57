"""Issue 16's cues you can hear and its preview, repeat and encouragement, through the emulator."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from zoneinfo import ZoneInfo

import pytest

from bot.emulator.models import BotMessage
from tests.e2e.conftest import Bot, BotFactory

AUCKLAND = ZoneInfo("Pacific/Auckland")


def _session(bot: Bot) -> list[BotMessage]:
    """The messages of the session, from its intro to the completion message."""
    sent = bot.emulator.messages(bot.user)
    start = next(i for i, m in enumerate(sent) if "exercises," in m.text)
    return sent[start:]


async def test_sound_on_rings_only_the_cues_that_end_a_hold(subscribed: Bot) -> None:
    """With /sound on, each release and the first step after it arrive with a notification;
    every other session message stays silent."""
    await subscribed.ask("/pain off", "won't ask")
    await subscribed.ask("/sound on", "notification")
    await subscribed.ask("start quick", "exercises,")
    await subscribed.expect("Well done", timeout=20)
    session = _session(subscribed)
    ringing = [m.text.split("\n")[0][:24] for m in session if not m.disable_notification]
    assert ringing == [
        "Release — now switch sid",
        "Stand behind your chair,",
        "Release.",
        "Sit tall near the front ",
        "Release — now switch sid",
        "Sit tall near the front ",
        "Release.",
    ]


async def test_sound_off_keeps_every_session_message_silent(subscribed: Bot) -> None:
    """By default, and after /sound off, no session message rings."""
    await subscribed.ask("/pain off", "won't ask")
    await subscribed.ask("/sound on", "notification")
    await subscribed.ask("/sound off", "quietly again")
    await subscribed.ask("start quick", "exercises,")
    await subscribed.expect("Well done", timeout=20)
    session = _session(subscribed)
    assert len(session) > 15
    assert all(message.disable_notification for message in session)


async def test_settings_shows_and_toggles_the_sound(subscribed: Bot) -> None:
    """/settings says whether the sound is on, and its button turns it on and off."""
    screen = await subscribed.ask("/settings", "Settings")
    assert "Sound when a hold ends: off" in screen.text
    subscribed.emulator.press_button(subscribed.user, screen, text="🔔 Sound on")
    await subscribed.emulator.wait_for_edit(
        subscribed.user, screen.message_id, "Sound when a hold ends: on"
    )
    chat = subscribed.storage.chat(subscribed.user.id)
    assert chat is not None
    assert chat.coaching.sound
    subscribed.emulator.press_button(subscribed.user, screen, text="🔕 Sound off")
    await subscribed.emulator.wait_for_edit(
        subscribed.user, screen.message_id, "Sound when a hold ends: off"
    )


async def test_the_session_opens_with_a_preview_of_its_exercises(subscribed: Bot) -> None:
    """Before the first step, the intro lists the routine's exercises in order with their time."""
    await subscribed.ask("/pain off", "won't ask")
    intro = await subscribed.ask("start", "exercises,")
    lines = intro.text.split("\n")
    listed = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.")]
    assert [line.split(" — ")[0] for line in listed] == [
        "1. Iliopsoas stretch",
        "2. Quadratus lumborum stretch",
        "3. Gluteus medius: clamshell",
        "4. Hamstrings: bridge",
    ]
    assert all(re.search(r" — (\d+ min )?\d+ s", line) for line in listed)
    await subscribed.ask("stop", "Session stopped")


async def test_routine_name_shows_its_preview_and_total(subscribed: Bot) -> None:
    """/routine quick makes it the reminders' routine and lists its exercises and total."""
    answer = await subscribed.ask("/routine quick", "now offer")
    assert "1. Standing hip-flexor stretch — " in answer.text
    assert "2. Seated side bend — " in answer.text
    assert "2 exercises · about 3 minutes" in answer.text


async def test_again_restarts_the_hold_with_its_full_time(start_bot: BotFactory) -> None:
    """“again” 0.4 s into a 1 s hold (10 s at a tenth) sends the hold again, and the next cue
    comes a full second after that one."""
    async with start_bot(time_scale=0.1) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("start")
        first = await bot.expect("Hold for 10 seconds", timeout=10)
        await asyncio.sleep(max(0.0, first.sent_at + 0.4 - time.monotonic()))
        again = await bot.ask("again", "Hold for 10 seconds", timeout=3)
        follow = await bot.expect("Increase the stretch", timeout=3)
        assert follow.sent_at - again.sent_at == pytest.approx(1.0, abs=0.05)
        assert again.sent_at - first.sent_at == pytest.approx(0.4, abs=0.1)


async def test_repeat_runs_the_exercise_just_done_with_exact_holds(start_bot: BotFactory) -> None:
    """“repeat” at the second exercise's title brings the first back, its hold timed exactly;
    before any exercise is done it says there is nothing to repeat."""
    async with start_bot(time_scale=0.05) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        await bot.ask("start quick", "exercises,")
        await bot.ask("repeat", "No exercise is done yet")
        await bot.expect("2/2 · Seated side bend", timeout=15)
        await bot.ask("repeat", "1/2 · Standing hip-flexor stretch", timeout=3)
        hold = await bot.expect("Hold for 20 seconds", timeout=5)
        release = await bot.expect("Release", timeout=3)
        assert release.sent_at - hold.sent_at == pytest.approx(1.0, abs=0.05)
        await bot.expect("2/2 · Seated side bend", timeout=10)
        await bot.ask("stop", "Session stopped")


async def test_the_session_hint_and_help_name_again_and_repeat(subscribed: Bot) -> None:
    """The one-line reminder of the session words and /help both name again and repeat."""
    await subscribed.ask("/pain off", "won't ask")
    await subscribed.ask("start", "exercises,")
    hint = await subscribed.ask("what now?", "During a session you can say")
    assert "\n" not in hint.text
    assert "again" in hint.text
    assert "repeat" in hint.text
    await subscribed.ask("stop", "Session stopped")
    help_text = (await subscribed.ask("/help", "Commands")).text
    assert "again (this step" in help_text
    assert "repeat (the exercise" in help_text


async def test_completion_names_the_hold_that_grew(start_bot: BotFactory) -> None:
    """Day one: the longest hold "was 20 s"; after Too easy, day two's streak line says the
    hold "is up to 23 s"."""
    late = dt.datetime(2026, 11, 25, 23, 58, 0, tzinfo=AUCKLAND)
    async with start_bot(now=late, time_scale=0.02) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/timezone Pacific/Auckland", "Time zone set")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        left = await bot.expect(
            lambda m: m.text.startswith("Release") and bool(m.buttons), timeout=5
        )
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        first = await bot.expect("Well done", timeout=10)
        assert "💪 Your Standing hip-flexor stretch hold (left) was 20 s." in first.text
    early = dt.datetime(2026, 11, 26, 0, 1, 0, tzinfo=AUCKLAND)
    async with start_bot(now=early, time_scale=0.02) as bot:
        bot.say("/go quick")
        await bot.expect("Hold for 23 seconds", timeout=5)
        second = await bot.expect("Well done", timeout=10)
        assert (
            "🔥 2 days in a row · your Standing hip-flexor stretch hold (left) is up to 23 s."
            in second.text
        )
