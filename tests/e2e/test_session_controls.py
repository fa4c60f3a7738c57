"""Steering a running session: stop, pause and resume, skip, and everything else typed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from bot.core.chat import SessionStatus
from bot.features.sessions import PAUSE_TIMEOUT, SESSION
from bot.telegram.context import services_of
from bot.telegram.render.reminders import reminder_keyboard
from tests.e2e.conftest import Bot, BotFactory

#: The first hold (10 s) at the slow bot's scale, and how long after its end its next cue
#: would surely have come.
HOLD = 10 * 0.1
MARGIN = 0.3


@pytest.fixture
async def slow(start_bot: BotFactory) -> AsyncIterator[Bot]:
    """A bot at a tenth of real time, so a 10 s hold takes 1 s: long enough to act in."""
    async with start_bot(time_scale=0.1) as bot:
        await bot.ask("/start", "I help people")
        yield bot


@pytest.mark.parametrize("how", ["start", "  START! ", "/go", "button"])
async def test_ways_to_start(subscribed: Bot, how: str) -> None:
    """“start” in any case and punctuation, /go and the reminder's button all start it."""
    if how == "button":
        keyboard = reminder_keyboard(1)
        message = await subscribed.app.bot.send_message(
            subscribed.user.id, "test reminder", reply_markup=keyboard
        )
        subscribed.emulator.press_button(subscribed.user, message.message_id, text="▶️ Start now")
    else:
        subscribed.say(how)
    await subscribed.expect("Flexibility and Strength for your back")
    assert await services_of(subscribed.app).sessions.running(subscribed.user.id)


async def test_stop_ends_and_records(subscribed: Bot) -> None:
    """“stop” ends the session, no further cue arrives, and it is recorded as stopped."""
    await subscribed.ask("start", "exercises")
    await subscribed.ask("stop", "Session stopped")
    # No cue timer is left, and the ones already due (a cue, the countdown's last edit) ran.
    assert subscribed.timers(SESSION) == []
    await subscribed.settled()
    assert subscribed.emulator.drain(subscribed.user) == []
    (record,) = subscribed.storage.history(subscribed.user.id)
    assert record.status is SessionStatus.STOPPED
    assert subscribed.storage.active_sessions() == []
    await subscribed.ask("stop", "There's no session running")


async def test_second_start_does_not_start_a_second_session(subscribed: Bot) -> None:
    """“start” during a session says one is running and starts nothing new."""
    await subscribed.ask("start", "exercises")
    await subscribed.ask("start", "already in a session")
    await subscribed.ask("/go", "already in a session")
    intros = [m for m in subscribed.emulator.messages(subscribed.user) if "exercises," in m.text]
    assert len(intros) == 1


async def test_other_text_gets_a_hint(subscribed: Bot) -> None:
    """Anything else typed during a session gets a one-line hint about the words."""
    await subscribed.ask("start", "exercises")
    hint = await subscribed.ask("what now?", "During a session you can say")
    assert "\n" not in hint.text
    for word in ("pause", "resume", "skip", "stop"):
        assert word in hint.text


async def test_pause_and_resume_keep_the_hold_time(slow: Bot) -> None:
    """Pausing 0.3 s into a 1 s hold, then resuming, leaves the remaining 0.7 s."""
    slow.say("start")
    hold = await slow.expect("Hold for 10 seconds", timeout=10)
    await asyncio.sleep(max(0.0, hold.sent_at + 0.3 - time.monotonic()))
    await slow.ask("pause", "Paused")
    # While paused the session's timer is the give-up one, half an hour away: no cue is due.
    (timer,) = slow.timers(SESSION)
    assert slow.clock.seconds_until(timer.due) > PAUSE_TIMEOUT - 60
    # The pause must outlast the hold for the resume to prove anything: wait until the hold
    # (10 s × 0.1) would have ended, with a margin for its cue to have arrived.
    await asyncio.sleep(max(0.0, hold.sent_at + HOLD + MARGIN - time.monotonic()))
    await slow.settled()
    assert slow.emulator.drain(slow.user) == []
    await slow.ask("pause", "Already paused")
    resumed = await slow.ask("resume", "Resuming — hold for the remaining 7 seconds")
    follow = await slow.expect("Increase the stretch", timeout=3)
    assert follow.sent_at - resumed.sent_at == pytest.approx(0.7, abs=0.05)
    assert resumed.sent_at - hold.sent_at > HOLD + MARGIN
    await slow.ask("resume", "not paused")


async def test_skip_goes_to_the_next_exercise(slow: Bot) -> None:
    """“skip” jumps from the first exercise straight to the second one's title."""
    slow.say("start")
    await slow.expect("1/4 · Iliopsoas stretch", timeout=10)
    slow.say("skip")
    title = await slow.expect(lambda m: "/4 ·" in m.text, timeout=3)
    assert title.text.startswith("2/4 · Quadratus lumborum stretch")
    skipped = [m.text for m in slow.emulator.messages(slow.user) if "Place your" in m.text]
    assert len(skipped) <= 1  # at most the first instruction, before the skip


async def test_stop_command_during_a_session_stops_only_the_session(subscribed: Bot) -> None:
    """/stop during a session ends the session and leaves reminders on."""
    await subscribed.ask("start", "exercises")
    await subscribed.ask("/stop", "Your reminders are still on")
    subscriber = subscribed.storage.chat(subscribed.user.id)
    assert subscriber is not None
    assert subscriber.schedule.subscribed
    await subscribed.ask("/stop", "Reminders are off")


async def test_session_messages_are_quiet(subscribed: Bot) -> None:
    """Session messages are sent without a notification sound; only the reminder buzzes."""
    await subscribed.ask("start", "exercises")
    await subscribed.ask("stop", "Session stopped")
    sent = subscribed.emulator.messages(subscribed.user)
    session = sent[sent.index(next(m for m in sent if "exercises," in m.text)) :]
    assert session
    assert all(message.disable_notification for message in session)
