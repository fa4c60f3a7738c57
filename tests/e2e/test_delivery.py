"""Delivery under Telegram's limits: a reminder fan-out drains without a 429, and a guided
session started meanwhile is not held up behind it (``bench mixed``, in small)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.core.chat import Chat, Coaching, Schedule
from bot.core.session import compile_script
from bot.emulator import BotAPIEmulator, EmulatedUser, FloodLimits
from bot.storage.chatfiles import ChatFiles
from bot.telegram.delivery import DeliveryLimits, PriorityRateLimiter
from bot.telegram.runner import running
from tests.factories import cue_texts, routines

#: A slow Telegram, so that 60 reminders take six seconds to drain: room for a session in them.
RATE = 10.0
EMULATED = FloodLimits(overall_rate=RATE, overall_burst=5, private_rate=50, private_burst=50)
LIMITER = DeliveryLimits(overall_rate=RATE * 0.97, overall_burst=1)
REMINDERS = 60
SCALE = 0.05
SLOT = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
#: A cue may be this much later than the routine says: up to one token of the overall bucket
#: (1 / RATE = 0.1 s: the bulk lane keeps it drained) plus the timer, the store and two HTTP
#: hops, with room for a loaded CI machine. Waiting behind the fan-out would be seconds.
TOLERANCE = 0.25
#: How soon the first cue must follow /go (an update's round trip, under load included).
FIRST_CUE = 1.0


@asynccontextmanager
async def fan_out_soon(
    emulator: BotAPIEmulator, user: EmulatedUser, settings: Settings, lead: float
) -> AsyncIterator[list[EmulatedUser]]:
    """The bot, with REMINDERS chats due ``lead`` seconds from now and ``user`` subscribed."""
    crowd = [emulator.add_user(f"U{index}") for index in range(REMINDERS)]
    storage = ChatFiles.in_folder(settings.data_dir)
    storage.add_chats(
        Chat(
            chat_id=chat.id,
            created_at=SLOT - dt.timedelta(days=1),
            schedule=Schedule(timezone="UTC", times=(slot,)),
            coaching=Coaching(pain_check=False),
        )
        for chat, slot in [(member, dt.time(9, 0)) for member in crowd] + [(user, dt.time(3, 0))]
    )
    clock = Clock(SLOT - (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)))
    application = build_application(
        replace(settings, time_scale=SCALE),
        storage=storage,
        clock=clock,
        rate_limiter=PriorityRateLimiter(LIMITER),
    )
    async with running(application, poll_timeout=1):
        yield crowd


async def test_session_cues_overtake_a_reminder_fan_out(
    emulator: BotAPIEmulator, user: EmulatedUser, settings: Settings
) -> None:
    """Mid fan-out, /go's cues arrive on the routine's schedule, and nothing gets a 429."""
    emulator.enable_limits(EMULATED)
    async with fan_out_soon(emulator, user, settings, lead=1.0) as crowd:
        await emulator.wait_for_request("sendMessage", lambda call: call.status == 200, timeout=5)
        emulator.send_text(user, "/go")
        said = time.monotonic()
        whole = compile_script(routines().default)
        script = whole[:9]  # up to the first hold's release
        planned = 0.0
        first: float | None = None
        for cue, text in zip(script, cue_texts(whole)[:9], strict=True):
            message = await emulator.wait_for_message(user, text, timeout=5)
            if first is None:
                # The first cue waits for the update to be polled and handled behind the
                # fan-out's sends: it must come soon; the schedule is timed from it.
                assert message.sent_at - said < FIRST_CUE, message.sent_at - said
                first = message.sent_at
            late = message.sent_at - first - planned * SCALE
            assert -TOLERANCE < late < TOLERANCE, (text, late)
            planned += cue.wait
        session_done = time.monotonic()
        for member in crowd:
            await emulator.wait_for_message(member, "Time to look", timeout=10)
    reminders = sorted(emulator.messages(member)[0].sent_at for member in crowd)
    assert reminders[-1] > session_done  # the session really ran while the fan-out drained
    assert emulator.too_many_requests == 0
