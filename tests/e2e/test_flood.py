"""The incoming flood guard at its real size: a user spamming the bot gets a burst of answers,
one "slow down", then one answer a second at most; and never two sessions."""

from __future__ import annotations

import asyncio
import time

from bot.config import Settings
from bot.telegram.context import services_of
from tests.e2e.conftest import BotFactory

BURST = Settings(token="1:x").flood_burst


async def test_spam_is_answered_at_most_a_burst_and_one_warning(start_bot: BotFactory) -> None:
    """40 messages at once get at most a burst of replies plus one "slow down"."""
    async with start_bot(flood_burst=BURST) as bot:
        started = time.monotonic()
        for _ in range(40):
            bot.say("/help")
        await bot.expect("lot of messages at once")
        await asyncio.sleep(0.5)
        # One token comes back a second, so a slow machine may let one more through.
        refilled = int(time.monotonic() - started)
        sent = bot.emulator.messages(bot.user)
        assert len(sent) <= BURST + 1 + refilled
        assert sum("lot of messages" in m.text for m in sent) == 1
        assert services_of(bot.app).failures["flood dropped"] >= 40 - BURST - refilled
        await asyncio.sleep(1.1)
        await bot.ask("/help", "Commands")  # a second later the user is heard again


async def test_spam_cannot_start_parallel_sessions(start_bot: BotFactory) -> None:
    """Twenty "start"s at once run one session."""
    async with start_bot(flood_burst=BURST) as bot:
        await bot.ask("/start", "I help people")
        for _ in range(20):
            bot.say("start")
        await bot.expect("Go at your own pace")
        await asyncio.sleep(0.5)
        starts = [m for m in bot.emulator.messages(bot.user) if "Go at your own pace" in m.text]
        assert len(starts) == 1


async def test_button_spam_is_answered_without_chat_messages(start_bot: BotFactory) -> None:
    """Dropped button presses are still answered (no spinning button), with no new message."""
    async with start_bot(flood_burst=BURST) as bot:
        help_message = await bot.ask("/help", "Commands")
        for _ in range(BURST + 5):
            bot.emulator.send_callback_query(bot.user, help_message.message_id, "nothing")
        await asyncio.sleep(1)
        answered = {a.query_id for a in bot.emulator.callback_answers}
        assert len(answered) == BURST + 5
        assert len(bot.emulator.messages(bot.user)) == 1
