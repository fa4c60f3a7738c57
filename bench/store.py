"""Benchmark 4, ``store``: ``python -m bench.store [--quick]`` (or through ``python -m bench``).

What it answers:

* write — how long one settings change (read a subscriber, change its times, save it) takes at
  1 000, 10 000 and 100 000 subscribers with a realistic history (about three sessions each);
* start-up — how long opening the store and scheduling every reminder takes with 100 000
  subscribers (1-3 times each, a dozen zones), and the memory it holds per subscriber.

Every data set starts as a store in the original single-file format, written directly, so the
first open also measures the upgrade of existing data. Start-up runs in a fresh child process, so
its peak memory is the bot's, not the benchmark's.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bot.core.chat import Chat, Delivery, Schedule, SessionRecord, SessionStatus
from bot.storage.chatfiles import ChatFiles
from tests import factories

__all__ = ["main"]

CONTENT = Path(__file__).resolve().parent.parent / "content"
NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)
ZONES = (
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
#: Targets: one write must not grow with the store; start-up with 100 000 within 10 s.
WRITE_GROWTH_LIMIT = 3.0
WRITE_LIMIT_MS = 25.0
STARTUP_LIMIT_S = 10.0


def _subscriber(rng: random.Random, chat_id: int) -> Chat:
    times = sorted(
        {
            dt.time(rng.randrange(6, 20), rng.choice((0, 15, 30, 45)))
            for _ in range(rng.randint(1, 3))
        }
    )
    created = NOW - dt.timedelta(days=rng.randrange(1, 400))
    return Chat(
        chat_id=chat_id,
        name=f"user{chat_id}",
        created_at=created,
        schedule=Schedule(
            timezone=rng.choice(ZONES),
            times=tuple(times),
            days=frozenset(range(5)) if rng.random() < 0.3 else frozenset(range(7)),
        ),
        delivery=Delivery(
            last_sent={
                f"{time:%H:%M}": NOW - dt.timedelta(hours=rng.randrange(1, 48)) for time in times
            }
        ),
    )


def _history(rng: random.Random, chat_id: int) -> list[SessionRecord]:
    records = []
    for _ in range(rng.randint(0, 6)):
        started = NOW - dt.timedelta(days=rng.randrange(1, 60), minutes=rng.randrange(600))
        records.append(
            SessionRecord(
                chat_id=chat_id,
                routine_id="back",
                started_at=started,
                ended_at=started + dt.timedelta(minutes=9),
                local_date=started.date(),
                status=SessionStatus.COMPLETED,
                duration=540.0,
            )
        )
    return records


def write_legacy_store(folder: Path, size: int, seed: int = 6) -> None:
    """A store of ``size`` subscribers in the original format: one TinyDB file, four tables."""
    rng = random.Random(seed)
    chats, records = [], []
    for index in range(size):
        chat_id = 10_000_000 + index
        chats.append(_subscriber(rng, chat_id))
        records += _history(rng, chat_id)
    factories.write_legacy_store(folder, chats, records, [])


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def bench_writes(size: int, samples: int) -> tuple[float, float, float]:
    """(seconds to open the store the first time, median ms, p90 ms) of one settings change."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_legacy_store(folder, size)
        started = time.perf_counter()
        storage = ChatFiles.in_folder(folder)
        opened = time.perf_counter() - started
        rng = random.Random(size)
        timings = []
        for _ in range(samples):
            chat_id = 10_000_000 + rng.randrange(size)
            started = time.perf_counter()
            current = storage.chat(chat_id)
            assert current is not None
            storage.save(
                replace(
                    current,
                    schedule=replace(current.schedule, times=(dt.time(rng.randrange(24), 0),)),
                )
            )
            timings.append((time.perf_counter() - started) * 1000)
        storage.close()
    return opened, statistics.median(timings), _percentile(timings, 0.9)


def _memory_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (peak) from /proc (Linux), in MB. Not ``ru_maxrss``: Linux keeps
    that across exec, so a child would report its parent's peak."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def startup_child(folder: Path) -> dict[str, float]:
    """In a fresh process: open the store and rebuild every reminder, as ``on_startup`` does."""
    from bot.app import build_application
    from bot.clock import Clock
    from bot.config import Settings
    from bot.telegram.context import services_of

    before = _memory_mb("VmRSS")
    started = time.perf_counter()
    storage = ChatFiles.in_folder(folder)
    settings = Settings(token="1:bench", data_dir=folder, content_dir=CONTENT)
    application = build_application(settings, storage=storage, clock=Clock.pretending(NOW))
    services = services_of(application)
    asyncio.run(services.sessions.close_interrupted(services.clock.now()))
    count = asyncio.run(services.reminders.rebuild())
    took = time.perf_counter() - started
    peak = _memory_mb("VmHWM")
    return {"seconds": took, "reminders": count, "rss_before": before, "peak": peak}


def bench_startup(size: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        write_legacy_store(folder, size)
        ChatFiles.in_folder(folder).close()  # the upgrade, if any, is not part of start-up
        out = subprocess.run(
            [sys.executable, "-m", "bench.store", "--startup-child", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    figures: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return figures


def main(argv: list[str]) -> int:
    """Run the store benchmark; 0 if every target is met, 1 if one is missed."""
    parser = argparse.ArgumentParser(prog="bench.store", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, for a smoke run")
    parser.add_argument("--startup-child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.startup_child:
        print(json.dumps(startup_child(args.startup_child)))
        return 0
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    ok = True

    print("store: one settings change (read + save one subscriber), ~3 sessions per user")
    print(f"  {'subscribers':>11} {'first open s':>12} {'median ms':>10} {'p90 ms':>8}")
    medians = []
    for size in sizes:
        opened, median, p90 = bench_writes(size, samples=30 if size < 100_000 else 10)
        medians.append(median)
        print(f"  {size:>11} {opened:>12.2f} {median:>10.2f} {p90:>8.2f}")
    growth = medians[-1] / medians[0]
    write_ok = growth <= WRITE_GROWTH_LIMIT and medians[-1] <= WRITE_LIMIT_MS
    ok &= write_ok
    print(
        f"  {sizes[-1]} vs {sizes[0]}: ×{growth:.1f} (target ≤ ×{WRITE_GROWTH_LIMIT:.0f}), "
        f"{medians[-1]:.1f} ms (target ≤ {WRITE_LIMIT_MS:.0f} ms): "
        f"{'ok' if write_ok else 'MISSED'}"
    )

    size = sizes[-1]
    figures = bench_startup(size)
    per_subscriber = (figures["peak"] - figures["rss_before"]) * 2**20 / size
    startup_ok = figures["seconds"] <= STARTUP_LIMIT_S or size < 100_000
    ok &= startup_ok
    print(f"start-up: open the store and schedule every reminder, {size} subscribers")
    print(
        f"  {figures['seconds']:.2f} s for {figures['reminders']:.0f} reminders "
        f"(target ≤ {STARTUP_LIMIT_S:.0f} s at 100 000): {'ok' if startup_ok else 'MISSED'}"
    )
    print(
        f"  peak RSS {figures['peak']:.0f} MB ({figures['rss_before']:.0f} MB before opening): "
        f"{per_subscriber / 1024:.2f} KB per subscriber"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
