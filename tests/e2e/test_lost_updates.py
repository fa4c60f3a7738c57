"""A settings change confirmed while a reminder is in flight is never lost.

Telegram sometimes answers late. Here the reminder's ``sendMessage`` is delivered at once but
its answer comes 1.5 s later (the emulator's ``timeout`` fault with ``processed=True``); a
command sent meanwhile is confirmed, and must still hold once the reminder's answer arrives and
after a restart. Before units of work, the reminder wrote back the settings it had read before
the send, and every one of these changes was silently undone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest

from bot import scheduling
from bot.storage import Subscriber
from tests.e2e.conftest import Bot, BotFactory
from tests.waiting import eventually

BERLIN = ZoneInfo("Europe/Berlin")
START = dt.datetime(2026, 11, 25, 9, 29, 59, tzinfo=BERLIN)
REMINDER = "Time to look after your back"

Check = Callable[[Subscriber], bool]

CASES: list[tuple[str, str, Check]] = [
    ("/time 10:00", "Done", lambda s: s.times == (dt.time(10, 0),)),
    ("/timezone Asia/Tokyo", "Time zone set", lambda s: s.timezone == "Asia/Tokyo"),
    ("/days mon", "Done", lambda s: s.days == frozenset({0})),
    (
        "/pause 3",
        "paused until",
        lambda s: s.pauses == ((dt.date(2026, 11, 25), dt.date(2026, 11, 28)),),
    ),
    ("/nudge off", "no follow-ups", lambda s: s.nudge_minutes is None and s.nudge_due is None),
    ("/pain off", "won't ask about pain", lambda s: not s.pain_check),
    ("/routine quick", "now offer", lambda s: s.routine_id == "quick"),
    ("/stop", "Reminders are off", lambda s: not s.subscribed and s.nudge_due is None),
    ("later", "remind you again", lambda s: s.snoozed_until is not None),
]


async def _reminder_in_flight(bot: Bot) -> int:
    """Subscribe for 09:30 and let the reminder arrive with its answer held back; returns its
    message id."""
    await bot.subscribe("09:30")
    bot.emulator.faults.add(
        "timeout", method="sendMessage", chat_id=bot.user.id, processed=True, hold=1.5
    )
    reminder = await bot.expect(REMINDER, timeout=5)
    return reminder.message_id


def _answer_arrived(bot: Bot, message_id: int) -> Subscriber | None:
    """The chat's settings once the bot has recorded the held-back reminder as sent."""
    subscriber = bot.storage.subscriber(bot.user.id)
    return subscriber if subscriber and subscriber.reminder_message_id == message_id else None


@pytest.mark.parametrize(("command", "confirmed", "holds"), CASES, ids=[c[0] for c in CASES])
async def test_a_change_confirmed_during_a_slow_reminder_stays(
    start_bot: BotFactory, command: str, confirmed: str, holds: Check
) -> None:
    """The command's confirmed change survives the reminder's late answer and a restart."""
    async with start_bot(now=START) as bot:
        message_id = await _reminder_in_flight(bot)
        await bot.ask(command, confirmed)
        await eventually(lambda: _answer_arrived(bot, message_id), what="the held answer")
        stored = bot.storage.subscriber(bot.user.id)
        assert stored is not None
        assert holds(stored), stored
        offset = bot.clock.offset
    async with start_bot(now=dt.datetime.now(dt.UTC) + offset) as again:
        stored = again.storage.subscriber(again.user.id)
        assert stored is not None
        assert holds(stored), stored


async def test_no_follow_up_after_nudge_off_during_a_slow_reminder(start_bot: BotFactory) -> None:
    """/nudge off while the reminder's answer is held back: no follow-up is scheduled after."""
    async with start_bot(now=START) as bot:
        message_id = await _reminder_in_flight(bot)
        await bot.ask("/nudge off", "no follow-ups")
        await eventually(lambda: _answer_arrived(bot, message_id), what="the held answer")
        job_queue = bot.app.job_queue
        assert job_queue is not None
        assert job_queue.scheduler.get_job(scheduling.nudge_job_name(bot.user.id)) is None
