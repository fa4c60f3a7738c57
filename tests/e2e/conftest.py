"""End-to-end fixtures: the real PTB application, long-polling a local Bot API emulator, with
its real JobQueue and a real TinyDB file in a temporary folder. Nothing in PTB is patched."""

from __future__ import annotations

import contextlib
import datetime as dt
import weakref
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.emulator import BotAPIEmulator, BotMessage, EmulatedUser, MessageMatch
from bot.ports import Timer
from bot.storage.chatfiles import ChatFiles
from bot.telegram.context import BotApp, services_of
from bot.telegram.runner import running
from bot.telegram.timers import JobQueueTimers
from tests.factories import CONTENT
from tests.waiting import eventually

#: Fast enough for a whole routine in a few seconds, slow enough to measure holds precisely.
TIME_SCALE = 0.02
#: The incoming flood guard's burst for tests (the bot's default is 10 updates).
FLOOD_BURST = 100


class TimerRuns:
    """The bot's timer jobs as APScheduler runs them, told by the scheduler's own events: how
    many have started and which have finished. A timer batch (job ``kind:instant``, see
    ``bot.telegram.timers``) finishes once every handler in it has returned, so whatever they
    were going to send has been sent."""

    def __init__(self, app: BotApp) -> None:
        assert app.job_queue is not None
        self.started = 0
        #: Finished jobs' names (``reminder:2026-11-25T08:30:00.000000Z``), in that order.
        self.finished: list[str] = []
        app.job_queue.scheduler.add_listener(
            self._on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
        )

    def _on_event(self, event: Any) -> None:
        if event.code == EVENT_JOB_SUBMITTED:
            self.started += 1
        else:
            self.finished.append(str(event.job_id))

    @property
    def idle(self) -> bool:
        """No timer handler is running."""
        return self.started == len(self.finished)

    def count(self, kind: str) -> int:
        """How many batches of ``kind`` timers have fired and been handled."""
        return sum(name.startswith(f"{kind}:") for name in self.finished)


#: Each started application's TimerRuns (Bot objects for other users share their app's).
_RUNS: weakref.WeakKeyDictionary[BotApp, TimerRuns] = weakref.WeakKeyDictionary()


def _local_timers(app: BotApp) -> JobQueueTimers:
    """The bot's in-process timers, read without awaiting (these helpers run in probes)."""
    timers = services_of(app).timers
    assert isinstance(timers, JobQueueTimers), "these helpers read the JobQueue's timers"
    return timers


@dataclass
class Bot:
    """One running bot and the user talking to it."""

    app: BotApp
    emulator: BotAPIEmulator
    user: EmulatedUser
    settings: Settings

    @property
    def storage(self) -> ChatFiles:
        """The chat files of the bot's data folder (these tests run on TinyDB)."""
        storage = services_of(self.app).storage
        assert storage is not None, "this bot's store is not the data folder"
        return storage

    @property
    def clock(self) -> Clock:
        return services_of(self.app).clock

    def say(self, text: str) -> None:
        self.emulator.send_text(self.user, text)

    async def expect(self, match: MessageMatch = None, timeout: float = 5.0) -> BotMessage:
        return await self.emulator.wait_for_message(self.user, match, timeout=timeout)

    async def ask(self, text: str, match: MessageMatch = None, timeout: float = 5.0) -> BotMessage:
        """Send ``text`` and wait for the reply matching ``match``."""
        self.say(text)
        return await self.expect(match, timeout)

    async def subscribe(self, times: str, zone: str = "Europe/Berlin") -> BotMessage:
        """/start, /timezone and /time; returns the reply to /time."""
        await self.ask("/start", "I help people")
        await self.ask(f"/timezone {zone}", "Time zone set")
        return await self.ask(f"/time {times}", "Done")

    def db_snapshot(self) -> str:
        return self.storage.dump()

    # Waiting on the bot's timers instead of sleeping: each of these returns as soon as the
    # moment has passed, and fails after ``timeout``.

    @property
    def timer_runs(self) -> TimerRuns:
        return _RUNS[self.app]

    def timers(self, kind: str | None = None) -> list[Timer]:
        """This chat's pending timers (of one kind), soonest first."""
        pending = _local_timers(self.app).snapshot(self.user.id)
        return [timer for timer in pending if kind is None or timer.kind == kind]

    async def settled(self, timeout: float = 5.0) -> None:
        """Every timer due by now (any chat's) has fired and its handlers have returned. What
        an *update* does needs a round trip instead (updates are handled one at a time)."""
        timers = _local_timers(self.app)
        runs = self.timer_runs

        def done() -> bool:
            now = self.clock.now()
            return runs.idle and all(timer.due > now for timer in timers.snapshot())

        await eventually(done, timeout=timeout, what="the due timers to run")

    async def timers_fired(self, kind: str, count: int = 1, timeout: float = 5.0) -> None:
        """``count`` batches of ``kind`` timers have fired, and their handlers returned."""
        runs = self.timer_runs
        await eventually(
            lambda: runs.count(kind) >= count, timeout=timeout, what=f"{count} {kind} timer(s)"
        )

    async def timers_gone(self, kind: str, timeout: float = 5.0) -> None:
        """This chat has no ``kind`` timer left: each one fired and was handled, or was
        cancelled. Nothing of that kind can come now until something sets a new one."""
        await eventually(
            lambda: not self.timers(kind), timeout=timeout, what=f"the {kind} timer to go"
        )
        await self.settled(timeout)


BotFactory = Callable[..., contextlib.AbstractAsyncContextManager[Bot]]


@pytest.fixture
async def emulator() -> AsyncIterator[BotAPIEmulator]:
    async with BotAPIEmulator() as emulator:
        yield emulator
        # A bug in the emulator itself must fail the test, not hide behind an HTTP 500.
        assert emulator.internal_errors == []


@pytest.fixture
def user(emulator: BotAPIEmulator) -> EmulatedUser:
    return emulator.add_user("Alex")


@pytest.fixture
def settings(emulator: BotAPIEmulator, tmp_path: Path) -> Settings:
    return Settings(
        token=emulator.token,
        api_base_url=emulator.base_url,
        data_dir=tmp_path / "data",
        content_dir=CONTENT,
        time_scale=TIME_SCALE,
        # Tests tap at machine speed; test_flood.py checks the guard at its real size.
        flood_burst=FLOOD_BURST,
    )


@pytest.fixture
def start_bot(emulator: BotAPIEmulator, user: EmulatedUser, settings: Settings) -> BotFactory:
    """Start a bot (``async with start_bot(...) as bot``); call again for a "restart"."""

    @contextlib.asynccontextmanager
    async def start(*, now: dt.datetime | None = None, **changes: Any) -> AsyncIterator[Bot]:
        bot_settings = replace(settings, **changes)
        clock = Clock.pretending(now) if now else Clock()
        application = build_application(bot_settings, clock=clock)
        _RUNS[application] = TimerRuns(application)
        async with running(application, poll_timeout=1):
            yield Bot(application, emulator, user, bot_settings)

    return start


@pytest.fixture
async def bot(start_bot: BotFactory) -> AsyncIterator[Bot]:
    async with start_bot() as running_bot:
        yield running_bot


@pytest.fixture
async def subscribed(bot: Bot) -> Bot:
    """A bot whose user has already sent /start."""
    await bot.ask("/start", "I help people who sit all day")
    return bot
