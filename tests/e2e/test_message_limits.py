"""Texts built from user or stored data never exceed Telegram's 4 096 characters: they are
split (or, as a last resort, cut), and the user gets them instead of "something went wrong"."""

from __future__ import annotations

from tests.e2e.conftest import BotFactory


async def test_long_broadcast_confirmation_is_split(start_bot: BotFactory) -> None:
    """A broadcast as long as a Telegram message makes its confirmation longer than one: it
    comes in two, the buttons on the last, and the broadcast itself arrives whole."""
    async with start_bot(admin_ids=frozenset()) as probe:
        admin_id = probe.user.id
    async with start_bot(admin_ids=frozenset({admin_id})) as bot:
        other = bot.emulator.add_user("Sam")
        bot.emulator.send_text(other, "/start")
        await bot.emulator.wait_for_message(other, "I help people")
        await bot.ask("/start", "I help people")
        text = "<" + "x" * 4084
        bot.say(f"/broadcast {text}")
        await bot.expect("Send this to 2 chats?")
        question = await bot.expect("📢")
        assert question.button_texts == ["Send it", "Cancel"]
        bot.emulator.press_button(bot.user, question, text="Send it")
        shown = await bot.emulator.wait_for_message(other, "📢")
        assert shown.text == f"📢 {text}"
