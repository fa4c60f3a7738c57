"""Safety through the emulator: pain answers are acted on, "it hurts" always gets the safety
note, and a session's buttons expire once the next session starts."""

from __future__ import annotations

import pytest

from bot.core.chat import SessionStatus
from bot.emulator import BotMessage
from bot.features.sessions import PAUSE_TIMEOUT, SESSION
from bot.telegram import callbacks
from tests.e2e.conftest import Bot, BotFactory
from tests.e2e.test_coaching import LEFT, RIGHT, answer_to, release

#: The quick routine's first hold comes about 0.9 s after /go; its 20 s holds last 1 s.
GENTLE = 0.05
GATE = "I've paused the routine"
CONTINUE, STOP_TODAY = "🐢 Continue gently", "🛑 Stop for today"


def sent(bot: Bot, text: str) -> list[BotMessage]:
    return [message for message in bot.emulator.messages(bot.user) if text in message.text]


async def still_paused(bot: Bot) -> None:
    """The session waits on the user: its only timer is the give-up one, half an hour away,
    and every timer due by now has run — no cue can come until the user answers."""
    (timer,) = bot.timers(SESSION)
    assert bot.clock.seconds_until(timer.due) > PAUSE_TIMEOUT - 60
    await bot.settled()


async def pain_question(bot: Bot, command: str = "/go quick") -> BotMessage:
    return await bot.ask(command, "How is your back right now")


async def test_high_pain_before_the_first_hold_pauses_and_asks(start_bot: BotFactory) -> None:
    """8/10 before the first hold pauses the routine before it, with the safety note and a
    choice: continue gently (the routine carries on to its hold) or stop for today."""
    async with start_bot(time_scale=GENTLE) as bot:
        await bot.ask("/start", "I help people")
        question = await pain_question(bot)
        bot.emulator.press_button(bot.user, question, text="8")
        gate = await bot.expect(GATE, timeout=2)
        assert "Don't push through pain" in gate.text
        assert "medical practitioner" in gate.text
        assert gate.button_texts == [CONTINUE, STOP_TODAY]
        await still_paused(bot)
        assert sent(bot, "Hold for") == []
        bot.emulator.press_button(bot.user, gate, text=CONTINUE)
        await bot.expect("Hold for 20 seconds", timeout=3)
        await bot.ask("stop", "Session stopped")
        (record,) = bot.storage.history(bot.user.id)
        assert record.pain_before == 8


async def test_high_pain_during_the_first_hold_pauses_at_once(start_bot: BotFactory) -> None:
    """10/10 answered once the first hold has started pauses it at once (its message shows
    it paused); "stop for today" ends the session with the safety note."""
    async with start_bot(time_scale=0.1) as bot:
        await bot.ask("/start", "I help people")
        question = await pain_question(bot)
        hold = await bot.expect("Hold for 20 seconds", timeout=5)
        bot.emulator.press_button(bot.user, question, text="10")
        await answer_to(bot)
        gate = await bot.expect(GATE, timeout=1)
        go_on = str(gate.buttons[0]["callback_data"])
        await bot.emulator.wait_for_edit(bot.user, hold.message_id, "paused", timeout=3)
        await still_paused(bot)
        assert sent(bot, "Release") == []
        bot.emulator.press_button(bot.user, gate, text=STOP_TODAY)
        assert await answer_to(bot) is None
        stopped = await bot.expect("Stopped for today", timeout=2)
        assert "medical practitioner" in stopped.text
        (record,) = bot.storage.history(bot.user.id)
        assert (record.status, record.pain_before) == (SessionStatus.STOPPED, 10)
        bot.emulator.send_callback_query(bot.user, gate.message_id, go_on)
        assert await answer_to(bot) == "This button has expired."


async def test_middling_pain_says_go_gently(start_bot: BotFactory) -> None:
    """4/10 before a session gets "go gently, stop if it hurts", and the routine carries on."""
    async with start_bot(time_scale=0.01) as bot:
        await bot.ask("/start", "I help people")
        question = await pain_question(bot)
        bot.emulator.press_button(bot.user, question, text="4")
        gently = await bot.expect("Go gently", timeout=2)
        assert "stop if it hurts" in gently.text
        await bot.expect("Well done", timeout=5)
        assert sent(bot, GATE) == []


async def test_pain_that_rose_after_a_session_gets_a_note(start_bot: BotFactory) -> None:
    """2/10 before and 5/10 after a session is answered with a note, not silence."""
    async with start_bot(time_scale=0.01) as bot:
        await bot.ask("/start", "I help people")
        question = await pain_question(bot)
        bot.emulator.press_button(bot.user, question, text="2")
        await bot.expect("Well done", timeout=5)
        after = await bot.expect("And now — how is your back")
        bot.emulator.press_button(bot.user, after, text="5")
        note = await bot.expect("worse than before", timeout=2)
        assert "2 → 5" in note.text
        assert "medical practitioner" in note.text


async def test_pain_high_before_three_sessions_suggests_a_practitioner(
    start_bot: BotFactory,
) -> None:
    """High pain before three sessions in a row: the third time the bot suggests seeing a
    medical practitioner, the first two times it does not."""
    async with start_bot(time_scale=GENTLE) as bot:
        await bot.ask("/start", "I help people")
        gates = []
        for _ in range(3):
            question = await pain_question(bot)
            bot.emulator.press_button(bot.user, question, text="7")
            gate = await bot.expect(GATE, timeout=2)
            gates.append(gate.text)
            bot.emulator.press_button(bot.user, gate, text=STOP_TODAY)
            await bot.expect("Stopped for today", timeout=2)
        assert ["last 3 sessions" in text for text in gates] == [False, False, True]


@pytest.mark.parametrize("words", ["it hurts", "Ouch!", "hurts"])
async def test_it_hurts_outside_a_session_gets_the_safety_note(
    subscribed: Bot, words: str
) -> None:
    """“it hurts” and its variants with no session running answer with the safety note, never
    with an invitation to start one."""
    note = await subscribed.ask(words, "Don't push through pain")
    assert "medical practitioner" in note.text
    assert sent(subscribed, "no session running") == []


async def test_an_old_hurts_button_always_answers_with_the_safety_note(
    start_bot: BotFactory,
) -> None:
    """“Stop — it hurts” from a finished session still answers with the safety note, and
    pressed during a later session it stops that one."""
    async with start_bot(time_scale=0.03) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        hold = await bot.expect("Hold for 20 seconds", timeout=5)
        await bot.ask("stop", "Session stopped")
        bot.emulator.send_callback_query(bot.user, hold.message_id, callbacks.HURTS)
        assert await answer_to(bot) is None
        await bot.expect("Don't push through pain", timeout=2)
        await bot.ask("/go quick", "Quick desk stretch")
        bot.emulator.send_callback_query(bot.user, hold.message_id, callbacks.HURTS)
        await bot.expect("Don't push through pain", timeout=2)
        first, second = bot.storage.history(bot.user.id)
        assert (first.hurt, second.hurt) == (False, True)


async def test_pain_buttons_expire_when_the_next_session_starts(start_bot: BotFactory) -> None:
    """A pain question from a stopped session can be answered until the next session starts;
    after that, pressing it records nothing and says it has expired."""
    async with start_bot(time_scale=GENTLE) as bot:
        await bot.ask("/start", "I help people")
        old = await pain_question(bot)
        await bot.ask("stop", "Session stopped")
        await pain_question(bot)
        bot.emulator.press_button(bot.user, old, text="2")
        assert await answer_to(bot) == "This button has expired."
        await bot.ask("stop", "Session stopped")
        first, _ = bot.storage.history(bot.user.id)
        assert first.pain_before is None


async def test_feedback_buttons_expire_when_the_next_session_starts(
    start_bot: BotFactory,
) -> None:
    """The last release's feedback still counts after "Well done"; once the next session has
    started, an older release's Too easy records nothing and changes no hold."""
    async with start_bot(time_scale=0.01) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        left = await release(bot, f"{LEFT}:20")
        right = await release(bot, f"{RIGHT}:20")
        await bot.expect("Well done", timeout=5)
        bot.emulator.press_button(bot.user, right, text="😣 Too hard")
        assert await answer_to(bot) is None
        bot.say("/go quick")
        await bot.expect("Quick desk stretch")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        assert await answer_to(bot) == "This button has expired."
        await bot.ask("stop", "Session stopped")
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.coaching.holds == {RIGHT: 17.0}
