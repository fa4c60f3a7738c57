"""A polled update handed to the bot twice (a new poller gets what a dead one had not
confirmed) is handled once: the real application, its real queue, the emulator."""

from __future__ import annotations

from telegram import Update

from tests.e2e.conftest import Bot


async def test_a_polled_update_seen_twice_is_handled_once(bot: Bot) -> None:
    """The same update put on the queue twice gets one reply; the next new update its own."""
    message = bot.emulator.send_text(bot.user, "/help")
    await bot.expect("/go")
    again = Update.de_json({"update_id": 1_000_000, "message": message}, bot.app.bot)
    await bot.app.update_queue.put(again)
    await bot.app.update_queue.put(again)
    # Updates are handled one at a time, in order: the answer to this one means both copies
    # of the help were handled before it.
    await bot.ask("/nosuchcommand", "/nosuchcommand")
    helps = [m for m in bot.emulator.messages(bot.user) if "/go" in (m.text or "")]
    assert len(helps) == 2
