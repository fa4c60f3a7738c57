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

from bot.core.chat import Chat
from bot.emulator import Fault
from bot.features.reminders import NUDGE
from bot.telegram.context import services_of
from tests.e2e.conftest import Bot, BotFactory
from tests.waiting import eventually

BERLIN = ZoneInfo("Europe/Berlin")
#: Four seconds before the reminder: subscribing (three round trips) must be done by 09:30, or
#: /time 09:30 rightly answers "next: tomorrow" — one second was too little on a loaded machine.
START = dt.datetime(2026, 11, 25, 9, 29, 56, tzinfo=BERLIN)
REMINDER = "Time to look after your back"

Check = Callable[[Chat], bool]

CASES: list[tuple[str, str, Check]] = [
    ("/time 10:00", "Done", lambda s: s.schedule.times == (dt.time(10, 0),)),
    ("/timezone Asia/Tokyo", "Time zone set", lambda s: s.schedule.timezone == "Asia/Tokyo"),
    ("/days mon", "Done", lambda s: s.schedule.days == frozenset({0})),
    (
        "/pause 3",
        "paused until",
        lambda s: s.schedule.pauses == ((dt.date(2026, 11, 25), dt.date(2026, 11, 28)),),
    ),
    (
        "/nudge off",
        "no follow-ups",
        lambda s: s.schedule.nudge_minutes is None and s.delivery.nudge_due is None,
    ),
    ("/pain off", "won't ask about pain", lambda s: not s.coaching.pain_check),
    ("/routine quick", "now offer", lambda s: s.coaching.routine_id == "quick"),
    (
        "/stop",
        "Reminders are off",
        lambda s: not s.schedule.subscribed and s.delivery.nudge_due is None,
    ),
    ("later", "remind you again", lambda s: s.delivery.snoozed_until is not None),
]


async def _reminder_in_flight(bot: Bot) -> Fault:
    """Subscribe for 09:30 and let the reminder arrive with its answer held back; returns the
    fault holding it."""
    await bot.subscribe("09:30")
    fault = bot.emulator.faults.add(
        "timeout", method="sendMessage", chat_id=bot.user.id, processed=True, hold=1.5
    )
    await bot.expect(REMINDER, timeout=8)
    return fault


async def _answer_arrived(bot: Bot, fault: Fault) -> None:
    """Wait until Telegram has answered the held-back send and the bot has taken it in."""
    await eventually(lambda: fault.answered, what="the held-back answer")
    await bot.ask("/help", "Commands")


@pytest.mark.parametrize(("command", "confirmed", "holds"), CASES, ids=[c[0] for c in CASES])
async def test_a_change_confirmed_during_a_slow_reminder_stays(
    start_bot: BotFactory, command: str, confirmed: str, holds: Check
) -> None:
    """The command's confirmed change survives the reminder's late answer and a restart."""
    async with start_bot(now=START) as bot:
        fault = await _reminder_in_flight(bot)
        await bot.ask(command, confirmed)
        await _answer_arrived(bot, fault)
        stored = bot.storage.chat(bot.user.id)
        assert stored is not None
        assert holds(stored), stored
        offset = bot.clock.offset
    async with start_bot(now=dt.datetime.now(dt.UTC) + offset) as again:
        stored = again.storage.chat(again.user.id)
        assert stored is not None
        assert holds(stored), stored


async def test_no_follow_up_after_nudge_off_during_a_slow_reminder(start_bot: BotFactory) -> None:
    """/nudge off while the reminder's answer is held back: no follow-up is scheduled after."""
    async with start_bot(now=START) as bot:
        fault = await _reminder_in_flight(bot)
        await bot.ask("/nudge off", "no follow-ups")
        await _answer_arrived(bot, fault)
        timers = await services_of(bot.app).timers.pending(bot.user.id)
        assert [timer for timer in timers if timer.kind == NUDGE] == []


@pytest.mark.parametrize("button", ["⏰ In 15 min", "🚫 Skip today"])
async def test_a_reminder_button_counts_while_telegram_is_slow_to_answer(
    start_bot: BotFactory, button: str
) -> None:
    """Snooze or skip pressed on a reminder whose send Telegram has not answered yet: it
    counts (the reminder's number was recorded before the send), and the buttons come off."""
    async with start_bot(now=START) as bot:
        fault = await _reminder_in_flight(bot)
        (reminder,) = [m for m in bot.emulator.messages(bot.user) if REMINDER in m.text]
        bot.emulator.press_button(bot.user, reminder, text=button)
        await bot.expect("remind you again" if "15" in button else "No more reminders today")
        await _answer_arrived(bot, fault)
        await eventually(lambda: not reminder.buttons, what="the buttons to come off")
        stored = bot.storage.chat(bot.user.id)
        assert stored is not None
        assert stored.delivery.snoozed_until is not None or stored.schedule.skipped_day is not None


async def test_stop_while_the_reminder_is_in_flight_closes_its_buttons(
    start_bot: BotFactory,
) -> None:
    """/stop before Telegram answered the reminder's send: once it has, the reminder's buttons
    come off and none of them counts any more."""
    async with start_bot(now=START) as bot:
        fault = await _reminder_in_flight(bot)
        (reminder,) = [m for m in bot.emulator.messages(bot.user) if REMINDER in m.text]
        await bot.ask("/stop", "Reminders are off")
        await _answer_arrived(bot, fault)
        await eventually(lambda: not reminder.buttons, what="the buttons to come off")
