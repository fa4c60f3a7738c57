"""Issue 16's cues you can hear and its preview, repeat and encouragement, through the emulator."""

from __future__ import annotations

import re

from bot.emulator.models import BotMessage
from tests.e2e.conftest import Bot


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
