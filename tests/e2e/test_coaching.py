"""Coaching through the emulator: holds that progress per side, "it hurts", the pain check."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.core.chat import SessionStatus
from bot.core.session import session_id
from bot.emulator import BotMessage
from bot.features.sessions import SESSION
from bot.telegram import callbacks
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory
from tests.factories import PHYSIO_ROUTINE

#: The quick routine at this scale takes about 2.5 s; its 20 s holds last 0.4 s.
SCALE = 0.01
#: quick.toml's standing hip-flexor stretch: hold 20 s, progress { min 10, max 30, step 3 }.
LEFT, RIGHT = "quick:0:1:0", "quick:0:1:1"


async def answer_to(bot: Bot) -> str | None:
    """The text the bot answered the latest button press with (None: a silent answer)."""
    request = await bot.emulator.wait_for_request("answerCallbackQuery")
    text = request.params.get("text")
    return str(text) if text is not None else None


def last_session(bot: Bot) -> int:
    """The latest recorded session's id, as its buttons carry it."""
    return session_id(bot.storage.history(bot.user.id)[-1].started_at)


async def release(bot: Bot, side: str) -> BotMessage:
    """Wait for the release message after the iliopsoas hold on ``side`` ("left"/"right")."""
    return await bot.expect(
        lambda m: (
            m.text.startswith("Release")
            and any(side in b.get("callback_data", "") for b in m.buttons)
        ),
        timeout=5,
    )


async def test_progression_per_side_persists_across_restart(start_bot: BotFactory) -> None:
    """Too easy on the left and Too hard on the right give 23 s and 17 s next session, after a
    restart; the buttons go once pressed, and a forged second press changes nothing."""
    async with start_bot(time_scale=SCALE) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        left = await release(bot, f"{LEFT}:20")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        assert await answer_to(bot) is None
        edit = await bot.emulator.wait_for_edit(bot.user, left.message_id)
        assert "Standing hip-flexor stretch · left: 23 seconds next time" in edit.text
        assert bot.emulator.message(bot.user, left.message_id).buttons == []
        right = await release(bot, f"{RIGHT}:20")
        bot.emulator.press_button(bot.user, right, text="😣 Too hard")
        await answer_to(bot)
        await bot.expect("Well done", timeout=5)
        # The same vote again (a forged or replayed press): stale, nothing changes.
        bot.emulator.send_callback_query(
            bot.user, left.message_id, callbacks.feedback("e", LEFT, 20_000, last_session(bot))
        )
        assert await answer_to(bot) == "This button has expired."
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.coaching.holds == {LEFT: 23.0, RIGHT: 17.0}
    async with start_bot(time_scale=SCALE) as bot:
        bot.say("/go quick")
        await bot.expect("Hold for 23 seconds", timeout=5)
        await bot.expect("Hold for 17 seconds", timeout=5)
        await bot.expect("Well done", timeout=5)
        (_, second) = bot.storage.history(bot.user.id)
        assert second.holds["Standing hip-flexor stretch · left"] == 23.0
        assert second.holds["Standing hip-flexor stretch · right"] == 17.0
        stats = await bot.ask("/stats", "Your holds")
        assert "Standing hip-flexor stretch: left 23 s · right 17 s" in stats.text
        assert "your right side is tighter (17 s vs 23 s)" in stats.text


async def test_progression_stays_within_bounds(start_bot: BotFactory) -> None:
    """Too hard again and again stops at the content's minimum (10 s), Too easy at its
    maximum (30 s), never beyond."""
    async with start_bot(time_scale=SCALE) as bot:
        await bot.ask("/start", "I help people")
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        from dataclasses import replace

        bot.storage.save(
            replace(
                subscriber, coaching=replace(subscriber.coaching, holds={LEFT: 11.0, RIGHT: 29.0})
            )
        )
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        await bot.expect("Hold for 11 seconds", timeout=5)
        left = await release(bot, f"{LEFT}:11")
        bot.emulator.press_button(bot.user, left, text="😣 Too hard")
        await answer_to(bot)
        right = await release(bot, f"{RIGHT}:29")
        bot.emulator.press_button(bot.user, right, text="😌 Too easy")
        await answer_to(bot)
        await bot.expect("Well done", timeout=5)
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.coaching.holds == {LEFT: 10.0, RIGHT: 30.0}


async def test_it_hurts_stops_at_once_and_blocks_the_next_increase(start_bot: BotFactory) -> None:
    """“it hurts” during a hold stops the session with the safety message and nothing more is
    sent; a Too easy from before it is undone and one after it refused, until the next session,
    whose Too easy counts again."""
    async with start_bot(time_scale=0.03) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        left = await release(bot, f"{LEFT}:20")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        await answer_to(bot)
        await bot.emulator.wait_for_edit(bot.user, left.message_id, "23 seconds next time")
        hold = await bot.expect("Hold for 20 seconds", timeout=5)  # the right side
        assert "🛑 Stop — it hurts" in hold.button_texts
        bot.say("Ouch!")
        stopped = await bot.expect("Don't push through pain", timeout=2)
        assert "see a medical practitioner" in stopped.text
        await bot.timers_gone(SESSION)  # no cue can come after it
        assert bot.emulator.drain(bot.user) == []
        (record,) = bot.storage.history(bot.user.id)
        assert record.status is SessionStatus.STOPPED
        assert record.hurt
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.coaching.holds[LEFT] == 20.0  # the increase is undone
        assert subscriber.coaching.hurt == {"quick:0"}
        # Too easy after it hurt is noted without an increase.
        bot.emulator.send_callback_query(
            bot.user, left.message_id, callbacks.feedback("e", LEFT, 20_000, last_session(bot))
        )
        await answer_to(bot)
        edit = await bot.emulator.wait_for_edit(bot.user, left.message_id)
        assert "it hurt, so Standing hip-flexor stretch · left stays at 20 seconds" in edit.text
        # The next session is the "next time": it runs at 20 s and its feedback counts again.
        bot.say("/go quick")
        left = await release(bot, f"{LEFT}:20")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        await answer_to(bot)
        await bot.ask("stop", "Session stopped")
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.coaching.holds[LEFT] == 23.0
        assert subscriber.coaching.hurt == frozenset()


async def test_too_easy_at_the_ceiling_says_so(start_bot: BotFactory) -> None:
    """Too easy on a side already at the stretch's most (30 s) says that is the most it goes
    to, below the instruction, which stays visible."""
    async with start_bot(time_scale=SCALE) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        await services_of(bot.app).store.change(
            bot.user.id, lambda s: replace(s, coaching=replace(s.coaching, holds={LEFT: 30.0}))
        )
        bot.say("/go quick")
        left = await release(bot, f"{LEFT}:30")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        edit = await bot.emulator.wait_for_edit(bot.user, left.message_id)
        assert edit.text == (
            "Release — now switch sides.\n"
            "Noted — Standing hip-flexor stretch · left: 30 s is the most this stretch goes to."
        )


async def test_no_pain_question_in_groups(start_bot: BotFactory) -> None:
    """A group session does not ask about pain: the question is about one person's back."""
    async with start_bot(time_scale=SCALE) as bot:
        emulator, admin = bot.emulator, bot.user
        group = emulator.add_group("Back office", members=[admin], admins=[admin])
        emulator.send_text(group, "/start", from_user=admin)
        await emulator.wait_for_message(group, "Hi Back office!")
        emulator.send_text(group, "/go quick", from_user=admin)
        await emulator.wait_for_message(group, "exercises,")
        emulator.send_text(group, "stop", from_user=admin)
        await emulator.wait_for_message(group, "Session stopped")
        assert not [m for m in emulator.messages(group) if "How is your back" in m.text]


@pytest.mark.parametrize("how", ["button", "It hurts!", "hurts"])
async def test_stop_it_hurts_button_and_words(start_bot: BotFactory, how: str) -> None:
    """The “Stop — it hurts” button on a hold message, or saying so, stops the session at
    once; pressed again after that, the button still answers with the safety note."""
    async with start_bot(time_scale=0.03) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        hold = await bot.expect("Hold for 20 seconds", timeout=10)
        if how == "button":
            bot.emulator.press_button(bot.user, hold, text="🛑 Stop — it hurts")
            assert await answer_to(bot) is None
        else:
            bot.say(how)
        await bot.expect("Don't push through pain", timeout=2)
        (record,) = bot.storage.history(bot.user.id)
        assert record.hurt
        bot.emulator.send_callback_query(bot.user, hold.message_id, "hurt")
        assert await answer_to(bot) is None
        await bot.expect("Stop and ease out of any position slowly", timeout=2)


async def test_pain_check_recorded_and_shown(start_bot: BotFactory) -> None:
    """The pain question comes before and after a session (the session starts without
    waiting for it); answers are kept with the session and /stats shows the weekly trend."""
    async with start_bot(time_scale=SCALE) as bot:
        await bot.ask("/start", "I help people")
        bot.say("/go quick")
        before = await bot.expect("How is your back right now, 0–10?")
        assert before.button_texts == [*map(str, range(11)), "Skip"]
        assert before.reply_markup is not None
        assert [len(row) for row in before.reply_markup["inline_keyboard"]] == [6, 6]
        await bot.expect("Quick desk stretch")  # no waiting for the answer
        bot.emulator.press_button(bot.user, before, text="5")
        await answer_to(bot)
        edit = await bot.emulator.wait_for_edit(bot.user, before.message_id)
        assert edit.text.endswith("— 5")
        await bot.expect("Well done", timeout=5)
        after = await bot.expect("And now — how is your back")
        bot.emulator.press_button(bot.user, after, text="2")
        await answer_to(bot)
        await bot.emulator.wait_for_edit(bot.user, after.message_id)
        (record,) = bot.storage.history(bot.user.id)
        assert (record.pain_before, record.pain_after) == (5, 2)
        stats = await bot.ask("/stats", "Back pain")
        assert "5.0 → 2.0" in stats.text
        # A forged value or session is refused and changes nothing.
        bot.emulator.send_callback_query(bot.user, after.message_id, "pain:a:11:1")
        assert await answer_to(bot) == "This button has expired."
        bot.emulator.send_callback_query(bot.user, after.message_id, "pain:a:3:1")
        assert await answer_to(bot) == "This button has expired."
        await bot.ask("/pain off", "won't ask")
        bot.say("/go quick")
        await bot.expect("Well done", timeout=5)
        asked = [m for m in bot.emulator.messages(bot.user) if m.text.startswith("How is your")]
        assert asked == [before]


async def test_feedback_on_a_hold_with_milliseconds(start_bot: BotFactory) -> None:
    """A hold of 12.345 s (which the loader accepts) gets feedback buttons that work: Too easy
    moves that side to 17.34 s."""
    routine = PHYSIO_ROUTINE.replace("hold = 15", "hold = 12.345")
    async with start_bot(time_scale=SCALE) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/pain off", "won't ask")
        bot.emulator.send_document(bot.user, "physio.toml", routine.encode(), "application/toml")
        await bot.expect("Saved Desk stretches from Sam")
        bot.say("/go sam")
        left = await release(bot, "sam:0:1:0:")
        bot.emulator.press_button(bot.user, left, text="😌 Too easy")
        assert await answer_to(bot) is None
        await bot.emulator.wait_for_edit(bot.user, left.message_id, "17.34 seconds next time")
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.coaching.holds == {"sam:0:1:0": 17.34}


@pytest.mark.parametrize(
    "data",
    [
        "fb:e:quick:\u0660:\u0660:0:20",
        "fb:e:quick:\u0660:\u0660:0:20000",
        "fb:e:quick:00:0:0:20",
        "fb:e:quick:00:0:0:20000",
        "fb:e:quick:0:0:0:20000\n",
        "pain:b:\u0664:1",
    ],
    ids=["arabic-indic", "arabic-indic-ms", "leading-zero", "leading-zero-ms", "newline", "pain"],
)
async def test_forged_digits_in_coaching_buttons_expire(subscribed: Bot, data: str) -> None:
    """Non-ASCII digits, leading zeros or a trailing newline in feedback or pain data are not
    another spelling of a real button: "This button has expired", and no junk key stored."""
    message = await subscribed.ask("/help", "Commands")
    before = subscribed.db_snapshot()
    subscribed.emulator.send_callback_query(subscribed.user, message.message_id, data)
    assert await answer_to(subscribed) == "This button has expired."
    assert subscribed.db_snapshot() == before
