"""Benchmarks: ``make bench`` (or ``python -m bench [--quick]``).

What they answer:

* storage — how long one TinyDB operation takes as the number of subscribers grows (every
  operation reads the whole file and every write rewrites it, in the event loop);
* start-up — how long rebuilding every reminder job takes, and the memory the jobs hold;
* fan-out — N subscribers with the same reminder time: how long until the last one has it,
  through the real stack and the emulator (Telegram allows about 30 messages a second, and
  AIORateLimiter keeps the bot under that).

Numbers vary by machine; the point is the shape (linear in N) and the order of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.context import services_of
from bot.emulator import BotAPIEmulator
from bot.handlers.reminders import rebuild_all
from bot.runner import running
from bot.storage import Storage, Subscriber

CONTENT = Path(__file__).resolve().parent.parent / "content"
NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def _subscriber(chat_id: int) -> Subscriber:
    return Subscriber(
        chat_id=chat_id,
        timezone="Europe/Berlin",
        times=(dt.time(9, 0), dt.time(13, 0), dt.time(17, 45)),
        name=f"user{chat_id}",
        created_at=NOW,
    )


def _per_call_ms(action: Callable[[int], object], calls: int) -> float:
    samples = []
    for index in range(calls):
        started = time.perf_counter()
        action(index)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def bench_storage(sizes: list[int]) -> None:
    print("storage: median milliseconds per operation (TinyDB, atomic writes)")
    print(f"  {'subscribers':>11} {'file KB':>8} {'read':>7} {'save':>7} {'claim':>7}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            storage = Storage.in_folder(Path(folder))
            storage.add_subscribers(_subscriber(chat_id) for chat_id in range(size))
            read, save, claim = _storage_operations(storage, size)
            kilobytes = storage.path.stat().st_size / 1024
            print(f"  {size:>11} {kilobytes:>8.0f} {read:>7.2f} {save:>7.2f} {claim:>7.2f}")


def _storage_operations(storage: Storage, size: int) -> tuple[float, float, float]:
    """Median milliseconds of a read, a save and a reminder claim."""

    def read(index: int) -> object:
        return storage.subscriber(index % size)

    def save(index: int) -> None:
        storage.save_subscriber(_subscriber(index % size))

    def claim(index: int) -> bool:
        return storage.claim_reminder(index % size, "09:00", NOW + dt.timedelta(days=index + 1))

    return _per_call_ms(read, 50), _per_call_ms(save, 30), _per_call_ms(claim, 30)


def bench_startup(sizes: list[int]) -> None:
    print("start-up: rebuilding every reminder job from the database (3 slots each)")
    print(f"  {'subscribers':>11} {'jobs':>6} {'seconds':>8} {'job memory MB':>14}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            storage = Storage.in_folder(Path(folder))
            storage.add_subscribers(_subscriber(chat_id) for chat_id in range(size))
            settings = Settings(token="1:bench", data_dir=Path(folder), content_dir=CONTENT)
            application = build_application(settings, storage=storage, clock=Clock())
            job_queue = application.job_queue
            assert job_queue is not None
            tracemalloc.start()
            started = time.perf_counter()
            count = rebuild_all(job_queue, services_of(application))
            took = time.perf_counter() - started
            current, _ = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"  {size:>11} {count:>6} {took:>8.2f} {current / 2**20:>14.1f}")


async def bench_fan_out(size: int) -> None:
    print(f"fan-out: {size} subscribers, one reminder time, through the emulator")
    with tempfile.TemporaryDirectory() as folder:
        async with BotAPIEmulator() as emulator:
            users = [emulator.add_user(f"U{index}") for index in range(size)]
            storage = Storage.in_folder(Path(folder))
            due = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=3)
            # Pretend the clock is just before a whole minute, so the slot is due in ~3 s.
            slot_local = dt.datetime(2026, 11, 25, 9, 0, tzinfo=dt.UTC)
            clock = Clock(slot_local - due)
            storage.add_subscribers(
                Subscriber(
                    chat_id=user.id,
                    timezone="UTC",
                    times=(dt.time(9, 0),),
                    created_at=slot_local - dt.timedelta(days=1),
                )
                for user in users
            )
            settings = Settings(
                token=emulator.token,
                api_base_url=emulator.base_url,
                data_dir=Path(folder),
                content_dir=CONTENT,
            )
            application = build_application(settings, storage=storage, clock=clock)
            async with running(application, poll_timeout=1):
                for user in users:
                    await emulator.wait_for_message(
                        user, "Time to look after your back", timeout=size / 10 + 30
                    )
                sent = [
                    message.sent_at
                    for user in users
                    for message in emulator.messages(user)
                    if "Time to look" in message.text
                ]
            start = min(sent)
            spread = max(sent) - start
            rate = (len(sent) - 1) / max(spread, 1e-9)
            print(f"  delivered {len(sent)}/{size}; first→last {spread:.1f} s ({rate:.0f}/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = parser.parse_args()
    sizes = [100, 1000] if args.quick else [100, 1000, 5000]
    bench_storage(sizes)
    bench_startup(sizes)
    asyncio.run(bench_fan_out(60 if args.quick else 300))


if __name__ == "__main__":
    main()
