"""Benchmark 5, ``charts``: ``python -m bench.charts [--draws N] [--sessions N] [--skip-holds]``.

1. **Drawing**: a year of history (``tests.factories.practice_history``: 365 days, both sides,
   the pain check) drawn ``N`` times, in this process and through the bot's worker process
   (pickling both ways included). Target: p99 < 200 ms through the worker.
2. **Holds while charts are drawn**: the ``holds`` benchmark's guided sessions (fewer, and
   faster, by default) while the bot draws year charts on its event loop as /stats does,
   ``--rate`` a second (default 2: a /stats every half second, far more than people ask),
   with no charts (the baseline), with the drawing in a thread of the bot's process, and in
   the worker process. A thread holds the interpreter while it draws, and every hold's timer
   waits for it; the worker does not. Target: hold lateness p99 ≤ 150 ms with the worker.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import logging
import time
from concurrent.futures import ThreadPoolExecutor

from bench.harness import Report, hold_lateness, percentile, running_bot, session_seconds, spread
from bench.holds import MAX_P99_LATENESS, UNLIMITED
from bench.remote import remote_emulator
from bot.charts.draw import draw
from bot.charts.worker import ChartRenderer
from bot.core.chart import ChartData, chart_data
from bot.telegram.delivery import PriorityRateLimiter
from bot.telegram.render.progress import chart_words
from tests.factories import practice_history

__all__ = ["main"]

#: Target from issue 14.
MAX_P99_DRAW = 0.200


def year_chart() -> ChartData:
    today = dt.date(2026, 11, 25)
    data = chart_data(
        practice_history(1, today, 365), today=today, reminder_days=frozenset(range(7))
    )
    assert data is not None
    return data


async def _drawing(report: Report, draws: int) -> None:
    data = year_chart()
    draw(data, chart_words())  # imports, font cache
    here, cpu = [], []
    for _ in range(draws):
        start, used = time.perf_counter(), time.process_time()
        draw(data, chart_words())
        here.append(time.perf_counter() - start)
        cpu.append(time.process_time() - used)
    # CPU time is what the drawing costs; wall time adds whatever else the machine runs.
    report.figure("a year, drawn in this process", spread(here))
    report.figure("  of which CPU time", spread(cpu))
    renderer = ChartRenderer()
    try:
        started = time.perf_counter()
        await renderer.render(data, chart_words())
        report.figure("worker's start and first chart", f"{time.perf_counter() - started:.2f} s")
        worker = []
        for _ in range(draws):
            start = time.perf_counter()
            png = await renderer.render(data, chart_words())
            worker.append(time.perf_counter() - start)
    finally:
        renderer.close()
    report.figure("PNG size", f"{len(png or b'') / 1000:.0f} KB")
    report.figure("a year, through the worker", spread(worker))
    p99 = percentile(worker, 0.99)
    report.target(
        "a year's chart p99 (worker)",
        f"{p99 * 1000:.0f} ms",
        f"< {MAX_P99_DRAW * 1000:.0f} ms",
        p99 < MAX_P99_DRAW,
    )


async def _holds_while_drawing(
    report: Report, mode: str, sessions: int, scale: float, starts_over: float, rate: float
) -> None:
    """The holds benchmark's sessions while ``rate`` charts a second are drawn in ``mode``
    ("none", "thread" or "process")."""
    renderer = ChartRenderer(ThreadPoolExecutor(max_workers=1) if mode == "thread" else None)
    data = year_chart()
    drawn = 0

    async def keep_drawing() -> None:
        nonlocal drawn
        if mode == "none":
            return
        due = time.monotonic()
        while True:
            await renderer.render(data, chart_words())
            drawn += 1
            due += 1 / rate
            await asyncio.sleep(max(0.0, due - time.monotonic()))

    async with (
        remote_emulator(sessions, limits=False) as emulator,
        running_bot(
            emulator.token,
            emulator.base_url,
            reminded=[],
            coached=emulator.user_ids,
            time_scale=scale,
            rate_limiter=PriorityRateLimiter(UNLIMITED),
            charts=renderer,
        ),
    ):
        await renderer.render(data, chart_words())  # started and warm before the sessions
        drawing = asyncio.create_task(keep_drawing())
        started = time.monotonic()
        await emulator.say("/go", over=starts_over)
        deadline = started + session_seconds() * scale + starts_over + 120
        while await emulator.finished() < sessions:
            if time.monotonic() > deadline:
                break
            await asyncio.sleep(2.0)
        elapsed = time.monotonic() - started
        drawing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await drawing
        lateness = hold_lateness(await emulator.conversations(), scale)
    renderer.close()
    if mode != "none":
        report.figure(f"{mode}: charts drawn", f"{drawn} ({drawn / elapsed:.1f} a second)")
    report.figure(f"{mode}: hold lateness", spread(lateness))
    if mode == "process":
        p99 = percentile(lateness, 0.99)
        report.target(
            "hold lateness p99 (worker process)",
            f"{p99 * 1000:.0f} ms",
            f"≤ {MAX_P99_LATENESS * 1000:.0f} ms",
            p99 <= MAX_P99_LATENESS,
        )


async def _charts(args: argparse.Namespace) -> int:
    report = Report(
        f"charts: a year of history drawn {args.draws} times; then {args.sessions} guided "
        f"sessions (TIME_SCALE {args.time_scale}) while {args.rate:g} charts a second are drawn"
    )
    await _drawing(report, args.draws)
    if not args.skip_holds:
        for mode in args.modes.split(","):
            await _holds_while_drawing(
                report, mode, args.sessions, args.time_scale, args.starts_over, args.rate
            )
    return report.exit_code()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.charts", description=__doc__)
    parser.add_argument("--draws", type=int, default=100, metavar="N")
    parser.add_argument("--sessions", type=int, default=100, metavar="N")
    parser.add_argument("--time-scale", type=float, default=0.25, metavar="S")
    parser.add_argument("--starts-over", type=float, default=15.0, metavar="SECONDS")
    parser.add_argument("--rate", type=float, default=2.0, metavar="CHARTS_A_SECOND")
    parser.add_argument(
        "--modes",
        default="none,thread,process",
        help="where charts are drawn during the sessions, in turn (default none,thread,process)",
    )
    parser.add_argument("--skip-holds", action="store_true", help="only the drawing figures")
    args = parser.parse_args(argv)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    return asyncio.run(_charts(args))


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
