"""Property: whatever the interleaving, the stored settings equal the last confirmed commands.

A seeded generator plays one chat for a fixed number of steps: settings commands, reminders
whose answer Telegram holds back (commands sent while they are in flight), snoozes and
restarts. After every step the store is compared with a model that only knows what the bot
confirmed. The seed and the number of steps are fixed, so it runs the same way every time
(``PROPERTY_SEED`` tries another seed locally).
"""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.core.calendar import next_occurrence
from bot.core.chat import Chat
from tests.e2e.conftest import Bot, BotFactory
from tests.waiting import eventually

SEED = int(os.environ.get("PROPERTY_SEED", "20261129"))
STEPS = 36
REMINDER = "Time to look after your back"
ZONES = ("Europe/Berlin", "Asia/Tokyo", "America/New_York", "UTC")
DAYS = {"mon-fri": frozenset(range(5)), "every day": frozenset(range(7)), "sat sun": {5, 6}}


@dataclass
class Model:
    """What the bot confirmed, and nothing else."""

    times: tuple[dt.time, ...] = (dt.time(9, 0),)
    zone: str = "UTC"
    days: frozenset[int] = frozenset(range(7))
    nudge: int | None = 60
    pain: bool = True
    routine: str | None = None
    subscribed: bool = True
    #: Reminders that came (each must come exactly once).
    reminders: int = 0
    #: The steps so far, shown when the property fails.
    history: list[str] = field(default_factory=list)

    def matches(self, stored: Chat) -> bool:
        return (
            stored.schedule.times,
            stored.schedule.timezone,
            stored.schedule.days,
            stored.schedule.nudge_minutes,
            stored.coaching.pain_check,
            stored.coaching.routine_id,
            stored.schedule.subscribed,
        ) == (
            self.times,
            self.zone,
            frozenset(self.days),
            self.nudge,
            self.pain,
            self.routine,
            self.subscribed,
        )


def _command(rng: random.Random, model: Model) -> tuple[str, str]:
    """A random settings command, its confirmation, and its effect on the model."""
    kind = rng.choice(["time", "zone", "days", "nudge", "pain", "routine", "stop", "start"])
    if kind == "time":
        times = tuple(sorted({dt.time(rng.randrange(24), rng.choice((0, 15, 30, 45)))}))
        model.times = times
        return f"/time {times[0]:%H:%M}", "Done"
    if kind == "zone":
        model.zone = rng.choice(ZONES)
        return f"/timezone {model.zone}", "Time zone set"
    if kind == "days":
        name = rng.choice(list(DAYS))
        model.days = frozenset(DAYS[name])
        return f"/days {name}", "Your reminders:"
    if kind == "nudge":
        model.nudge = rng.choice([None, 30, 60])
        return f"/nudge {model.nudge or 'off'}", "OK"
    if kind == "pain":
        model.pain = rng.random() < 0.5
        return f"/pain {'on' if model.pain else 'off'}", "pain"
    if kind == "routine":
        model.routine = rng.choice(["back", "quick"])
        return f"/routine {model.routine}", "now offer"
    if kind == "stop":
        if not model.subscribed:
            return "/stop", "already off"
        model.subscribed = False
        return "/stop", "Reminders are off"
    if model.subscribed:
        return "/start", "already set up"
    model.subscribed = True
    return "/start", "Welcome back"


def _stored(bot: Bot) -> Chat:
    stored = bot.storage.chat(bot.user.id)
    assert stored is not None
    return stored


async def test_stored_settings_always_equal_the_last_confirmed_commands(
    start_bot: BotFactory,
) -> None:
    """Commands, slow reminders, snoozes and restarts in a seeded random order: after every
    step the store holds exactly what was confirmed, and no reminder comes twice."""
    rng = random.Random(SEED)
    model = Model()
    now = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
    bot_cm = start_bot(now=now)
    bot = await bot_cm.__aenter__()
    try:
        await bot.ask("/start", "I help people")
        for step in range(STEPS):
            action = rng.choices(["command", "reminder", "restart"], weights=[6, 3, 1])[0]
            if action == "command":
                command, confirmed = _command(rng, model)
                model.history.append(command)
                await bot.ask(command, confirmed)
            elif action == "restart" or not model.subscribed:
                model.history.append("restart")
                offset = bot.clock.offset
                await bot_cm.__aexit__(None, None, None)
                bot_cm = start_bot(now=dt.datetime.now(dt.UTC) + offset)
                bot = await bot_cm.__aenter__()
            else:
                # Restart just before the next reminder, with its answer held back by Telegram,
                # and send commands (or snooze it) while it is in flight.
                zone = ZoneInfo(model.zone)
                after = bot.clock.now()
                due = min(
                    (
                        next_occurrence(slot, zone, after, lambda d: d.weekday() in model.days)
                        for slot in model.times
                    ),
                    key=lambda occurrence: occurrence.at,
                ).at
                model.history.append(f"reminder at {due:%Y-%m-%d %H:%M}Z")
                await bot_cm.__aexit__(None, None, None)
                bot_cm = start_bot(now=due - dt.timedelta(seconds=0.3))
                bot = await bot_cm.__aenter__()
                fault = bot.emulator.faults.add(
                    "timeout",
                    method="sendMessage",
                    chat_id=bot.user.id,
                    processed=True,
                    hold=rng.uniform(0.3, 1.0),
                )
                reminder = await bot.expect(REMINDER, timeout=5)
                model.reminders += 1
                for _ in range(rng.randrange(3)):  # while Telegram holds the answer back
                    command, confirmed = _command(rng, model)
                    model.history.append(command)
                    await bot.ask(command, confirmed)
                await eventually(lambda: fault.answered, what="the held-back answer")  # noqa: B023
                await bot.ask("/help", "Commands")  # the bot has taken the answer in
                if model.subscribed and rng.random() < 0.5:
                    bot.emulator.press_button(bot.user, reminder, text="⏰ In 15 min")
                    await bot.expect("remind you again", timeout=5)
                    model.history.append("snooze")
                    assert _stored(bot).delivery.snoozed_until is not None
            stored = _stored(bot)
            assert model.matches(stored), (step, model.history, stored)
        sent = sum(REMINDER in m.text for m in bot.emulator.messages(bot.user))
        assert sent == model.reminders, "\n".join(model.history)
    finally:
        await bot_cm.__aexit__(None, None, None)
