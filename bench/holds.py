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

from bench.harness import (
    Report,
    bot_run,
    hold_lateness,
    percentile,
    session_seconds,
    spread,
    start_sessions,
    wait_for_sessions,
)
from bot.delivery import DeliveryLimits

__all__ = ["main"]

#: Target from issue 6.
MAX_P99_LATENESS = 0.150
UNLIMITED = DeliveryLimits(overall_rate=1e6, overall_burst=1e6)


async def _holds(sessions: int, scale: float) -> int:
    report = Report(
        f"holds: {sessions} concurrent guided sessions (TIME_SCALE {scale}, rate limits lifted)"
    )
    async with bot_run(
        subscribers=0, sessions=sessions, time_scale=scale, limits=False, delivery=UNLIMITED
    ) as run:
        start_sessions(run)
        finished = await wait_for_sessions(run, timeout=session_seconds() * scale + 120)
        lateness = hold_lateness(run)
        requests = len(run.emulator.requests)
    report.figure("API requests", str(requests))
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
        default=0.5,
        metavar="S",
        help="hold and pause lengths multiplied by S (default 0.5: the routine in 3 minutes)",
    )
    args = parser.parse_args(argv)
    return asyncio.run(_holds(args.sessions, args.time_scale))


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
