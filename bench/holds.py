"""Benchmark 2, ``holds``: ``python -m bench.holds [--sessions N] [--time-scale S]``.

N people (default 1 000) run the full routine at once. Is every hold still exact? A hold's
length as the user sees it is the time from the hold message to the next one; its lateness is
that minus the routine's (scaled) hold. This measures the bot's timers, handlers and store under
load, ignoring the rate-limit queue: 1 000 sessions want several hundred messages a second, far
beyond the 30 Telegram allows, so the emulator's limits are off and the limiter's overall rate
is lifted (both stay on in ``mixed``, where the priority lane is what keeps holds exact).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time

from bench.harness import (
    Report,
    hold_lateness,
    percentile,
    running_bot,
    session_seconds,
    spread,
)
from bench.remote import remote_emulator
from bot.telegram.delivery import DeliveryLimits, PriorityRateLimiter

__all__ = ["main"]

#: Target from issue 6.
MAX_P99_LATENESS = 0.150
UNLIMITED = DeliveryLimits(overall_rate=1e6, overall_burst=1_000_000)


async def _holds(sessions: int, scale: float, starts_over: float) -> int:
    report = Report(
        f"holds: {sessions} concurrent guided sessions started within {starts_over:.0f} s "
        f"(TIME_SCALE {scale}, rate limits lifted, emulator in its own process)"
    )
    async with remote_emulator(sessions, limits=False) as emulator:
        limiter = PriorityRateLimiter(UNLIMITED)
        async with running_bot(
            emulator.token,
            emulator.base_url,
            reminded=[],
            coached=emulator.user_ids,
            time_scale=scale,
            rate_limiter=limiter,
        ):
            # People start when they start: all in the same instant, the sessions' messages
            # would march in step, hundreds in the same millisecond, all session long.
            await emulator.say("/go", over=starts_over)
            deadline = time.monotonic() + session_seconds() * scale + starts_over + 120
            while (finished := await emulator.finished()) < sessions:
                if time.monotonic() > deadline:
                    break
                await asyncio.sleep(2.0)
            lateness = hold_lateness(await emulator.conversations(), scale)
            requests, _ = await emulator.requests()
            emulator_pause = await emulator.longest_pause()
    report.figure("API requests", str(requests))
    report.figure("emulator's longest GC pause", f"{emulator_pause * 1000:.0f} ms")
    report.target("sessions completed", f"{finished}", f"= {sessions}", finished == sessions)
    if not lateness:
        report.target("hold lateness", "no data", "", False)
        return report.exit_code()
    report.figure("hold lateness", spread(lateness))
    p99 = percentile(lateness, 0.99)
    report.target(
        "hold lateness p99",
        f"{p99 * 1000:.0f} ms",
        f"≤ {MAX_P99_LATENESS * 1000:.0f} ms",
        p99 <= MAX_P99_LATENESS,
    )
    return report.exit_code()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.holds", description=__doc__)
    parser.add_argument("--sessions", type=int, default=1000, metavar="N")
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        metavar="S",
        help="hold and pause lengths multiplied by S (default 1: the routine in 6 minutes)",
    )
    parser.add_argument(
        "--starts-over",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="the sessions start one after another within this time (default 60 s)",
    )
    args = parser.parse_args(argv)
    # Overloaded runs would print a line per skipped countdown tick; the figures say enough.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    return asyncio.run(_holds(args.sessions, args.time_scale, args.starts_over))


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
