"""What the delivery benchmarks share: the real bot against the emulator, a crowd of subscribers
due at one instant, guided sessions, percentiles, and a report that knows its targets.

Everything runs in one event loop, as the e2e tests do: the real PTB ``Application`` with its
JobQueue, rate limiter and TinyDB store, long-polling a ``BotAPIEmulator`` over local HTTP. All
times are the emulator's arrival times (``time.monotonic()``), the moment Telegram would have the
message.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import os
import platform
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import build_application
from bot.charts.worker import ChartRenderer
from bot.clock import Clock
from bot.config import Settings
from bot.core.chat import Chat, Schedule
from bot.core.loader import load_routines
from bot.core.preview import preview
from bot.core.session import compile_script
from bot.emulator import BotAPIEmulator, BotMessage, EmulatedUser, FloodLimits, parse
from bot.storage.chatfiles import ChatFiles
from bot.telegram.delivery import DeliveryLimits, Lane, PriorityRateLimiter
from bot.telegram.render import session as session_text
from bot.telegram.runner import running

CONTENT = Path(__file__).resolve().parent.parent / "content"
#: Telegram's overall limit, messages a second.
TELEGRAM_RATE = 30.0
STRICT_HELP = "the emulator counts 30 sends in any second (sliding windows), not token buckets"
REMINDER_TEXT = "Time to look after your back"
DONE_TEXT = "Well done"
#: The reminders' slot; the clock is shifted so that it comes a few seconds after start-up.
SLOT = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
#: Session users have a reminder too, at a time that never comes during a run.
SESSION_SLOT = dt.time(3, 0)


def machine() -> str:
    """Where the figures come from: cores, CPU model, Python, and how busy the machine was."""
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:  # noqa: PTH123 - Linux only, fine
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, load average {load}"
    )


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (p99 of 100 values is the 99th smallest)."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def spread(values: Sequence[float], unit: str = "ms", scale: float = 1000.0) -> str:
    """``p50 / p99 / max`` of ``values`` (seconds) in ``unit``."""
    return (
        " / ".join(
            f"{percentile(values, q) * scale:.0f}" if q < 1 else f"{max(values) * scale:.0f}"
            for q in (0.5, 0.99, 1.0)
        )
        + f" {unit} (p50 / p99 / max, n={len(values)})"
    )


class Report:
    """Prints figures and targets; remembers the targets missed."""

    def __init__(self, title: str) -> None:
        self.missed: list[str] = []
        print(f"== {title}")
        print(f"   machine: {machine()}")

    @staticmethod
    def figure(label: str, value: str) -> None:
        print(f"   {label:<34} {value}")

    def target(self, label: str, value: str, target: str, met: bool) -> None:
        verdict = "ok" if met else "MISSED"
        print(f"   {label:<34} {value}   target {target}: {verdict}")
        if not met:
            self.missed.append(label)

    def exit_code(self) -> int:
        if self.missed:
            print(f"   missed: {', '.join(self.missed)}")
        return 1 if self.missed else 0


@dataclass
class QueueWaits:
    """How long each request waited in the rate limiter, by lane (the limiter's observer)."""

    by_lane: dict[Lane, list[float]] = field(default_factory=lambda: defaultdict(list))

    def __call__(self, lane: Lane, endpoint: str, seconds: float) -> None:
        self.by_lane[lane].append(seconds)


@dataclass
class Run:
    """One bot and its emulator, with the users of the scenario."""

    emulator: BotAPIEmulator
    reminded: list[EmulatedUser]
    coached: list[EmulatedUser]
    #: ``time.monotonic()`` at which the reminders are due.
    due: float
    waits: QueueWaits
    time_scale: float


@asynccontextmanager
async def bot_run(
    *,
    subscribers: int,
    sessions: int,
    time_scale: float = 1.0,
    limits: bool = True,
    strict: bool = False,
    delivery: DeliveryLimits | None = None,
) -> AsyncIterator[Run]:
    """The bot running with ``subscribers`` due at one instant a few seconds after start-up
    (as if it were just before 09:00) and ``sessions`` more users ready to start a routine.
    ``strict``: the emulator counts 30 in *any* second (sliding windows), not token buckets."""
    emulated: bool | FloodLimits = FloodLimits(strict_window=True) if limits and strict else limits
    async with BotAPIEmulator(limits=emulated) as emulator:
        reminded = [emulator.add_user(f"U{index}") for index in range(subscribers)]
        coached = [emulator.add_user(f"S{index}") for index in range(sessions)]
        waits = QueueWaits()
        async with running_bot(
            emulator.token,
            emulator.base_url,
            reminded=[user.id for user in reminded],
            coached=[user.id for user in coached],
            time_scale=time_scale,
            rate_limiter=PriorityRateLimiter(delivery, on_wait=waits),
        ) as due:
            yield Run(emulator, reminded, coached, due, waits, time_scale)


@asynccontextmanager
async def running_bot(
    token: str,
    base_url: str,
    *,
    reminded: Sequence[int],
    coached: Sequence[int],
    time_scale: float,
    rate_limiter: PriorityRateLimiter,
    charts: ChartRenderer | None = None,
) -> AsyncIterator[float]:
    """The real bot with a fresh store: ``reminded`` chats due at 09:00, a few seconds after
    start-up, ``coached`` ones due never; yields the ``time.monotonic()`` when 09:00 comes.
    ``charts``: the chart renderer to build it with (``bench.charts`` compares two)."""
    with tempfile.TemporaryDirectory() as folder:
        storage = ChatFiles.in_folder(Path(folder))
        storage.add_chats(
            [_subscriber(chat_id, SLOT.timetz()) for chat_id in reminded]
            + [_subscriber(chat_id, SESSION_SLOT) for chat_id in coached]
        )
        # Time for start-up (rebuilding every reminder) before the slot comes.
        lead = 3.0 + len(reminded) / 2000
        due = time.monotonic() + lead
        clock = Clock(SLOT - (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=lead)))
        settings = Settings(
            token=token,
            api_base_url=base_url,
            data_dir=Path(folder),
            content_dir=CONTENT,
            time_scale=time_scale,
        )
        application = build_application(
            settings, storage=storage, clock=clock, rate_limiter=rate_limiter, charts=charts
        )
        async with running(application, poll_timeout=1):
            yield due


def _subscriber(chat_id: int, slot: dt.time) -> Chat:
    return Chat(
        chat_id=chat_id,
        created_at=SLOT - dt.timedelta(days=1),
        schedule=Schedule(timezone="UTC", times=(slot.replace(tzinfo=None),)),
    )


def reminder_times(run: Run) -> list[float]:
    """Arrival time of each reminder delivered so far."""
    return [
        message.sent_at
        for user in run.reminded
        for message in run.emulator.messages(user)
        if REMINDER_TEXT in message.text
    ]


async def wait_for_reminders(run: Run, timeout: float) -> list[float]:  # noqa: ASYNC109
    """Until every subscriber has its reminder (or ``timeout`` seconds passed)."""
    deadline = time.monotonic() + timeout
    while True:
        times = reminder_times(run)
        if len(times) >= len(run.reminded) or time.monotonic() > deadline:
            return times
        await asyncio.sleep(1.0)


def start_sessions(run: Run, routine: str = "") -> None:
    """Every session user sends /go (PTB handles them one after another)."""
    for user in run.coached:
        run.emulator.send_text(user, f"/go {routine}".strip())


async def wait_for_sessions(run: Run, timeout: float) -> int:  # noqa: ASYNC109
    """Until every session user has seen the end of its routine; returns how many did."""
    deadline = time.monotonic() + timeout
    while True:
        done = sum(
            1
            for user in run.coached
            if any(DONE_TEXT in message.text for message in run.emulator.messages(user))
        )
        if done == len(run.coached) or time.monotonic() > deadline:
            return done
        await asyncio.sleep(1.0)


#: What the benchmarks keep of a bot message: its first text, its text now, its arrival time.
Seen = tuple[str, str, float]


def seen(messages: Iterable[BotMessage]) -> list[Seen]:
    return [(message.sent_text, message.text, message.sent_at) for message in messages]


def hold_lateness(
    conversations: Iterable[Sequence[Seen]], time_scale: float, routine_id: str = "back"
) -> list[float]:
    """For every timed hold of every finished session: how much later than the hold's (scaled)
    length the next message came after the hold message, in seconds (negative: early)."""
    script = compile_script(load_routines(CONTENT)[routine_id])
    shown = preview(script)  # the intro cue lists the routine's exercises
    texts = [parse(session_text.cue_text(cue, shown), "HTML")[0] for cue in script]
    lateness: list[float] = []
    for conversation in conversations:
        # The session's messages end with "Well done" (the pain question may follow it).
        done = max(
            (index for index, (_, text, _) in enumerate(conversation) if DONE_TEXT in text),
            default=None,
        )
        if done is None or done < len(script):
            continue  # the session did not finish; counted by wait_for_sessions
        messages = conversation[done - len(script) : done + 1]
        for cue, expected, (sent_text, _, at), (_, _, next_at) in zip(
            script, texts, messages, messages[1:], strict=False
        ):
            if sent_text != expected:
                raise AssertionError(f"unexpected session message: {sent_text!r}")
            if cue.is_hold:
                lateness.append(next_at - at - cue.wait * time_scale)
    return lateness


def session_seconds(routine_id: str = "back") -> float:
    """A routine's length in routine seconds."""
    return sum(cue.wait for cue in compile_script(load_routines(CONTENT)[routine_id]))


def limits_mode(strict: bool) -> str:
    """How the emulator counts, for a report's title."""
    return "strict windows (30 in any second)" if strict else "token buckets"
