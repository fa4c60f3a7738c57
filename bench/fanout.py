"""Benchmark 1, ``fanout``: ``python -m bench.fanout [--subscribers N] [--strict-window]``.

N subscribers (default 10 000) have their reminder at the same minute; the emulator enforces
Telegram's limits. How close does the bot get to 30 messages a second, without a single 429, and
how late is each reminder? Nobody can be earlier than the queue allows: the last of N reminders
is at least N / 30 s late, so the lateness is printed beside that bound.
"""

from __future__ import annotations

import argparse
import asyncio

from bench.harness import (
    STRICT_HELP,
    TELEGRAM_RATE,
    Report,
    bot_run,
    limits_mode,
    percentile,
    spread,
    wait_for_reminders,
)

__all__ = ["main"]

#: Targets from issues 6 and 13 (the pace leaves 2 % for jitter: 29.4 of 30 a second).
MIN_RATE_FRACTION = 0.95
MAX_429 = 0


async def _fanout(subscribers: int, strict: bool) -> int:
    report = Report(
        f"fanout: {subscribers} reminders due at 09:00, emulator in limits mode, "
        f"{limits_mode(strict)}"
    )
    async with bot_run(subscribers=subscribers, sessions=0, strict=strict) as run:
        times = await wait_for_reminders(run, timeout=subscribers / 25 + 60)
        refused = run.emulator.too_many_requests
    report.figure("delivered", f"{len(times)} / {subscribers}")
    if len(times) < 2:
        report.target("delivered", str(len(times)), f"{subscribers}", False)
        return report.exit_code()
    first, last = min(times), max(times)
    rate = (len(times) - 1) / (last - first)
    lateness = [at - run.due for at in times]
    report.figure("first → last", f"{last - first:.1f} s")
    report.target(
        "rate / Telegram's 30 per second",
        f"{rate:.2f}/s = {rate / TELEGRAM_RATE:.3f}",
        f"≥ {MIN_RATE_FRACTION}",
        rate / TELEGRAM_RATE >= MIN_RATE_FRACTION,
    )
    report.target("429 answers", str(refused), f"= {MAX_429}", refused <= MAX_429)
    report.target(
        "delivered",
        f"{len(times)}",
        f"= {subscribers}",
        len(times) == subscribers,
    )
    report.figure("lateness", spread(lateness, "s", 1.0))
    bound = subscribers / TELEGRAM_RATE
    report.figure("unavoidable queue time N / 30", f"{bound:.1f} s")
    report.figure("first reminder after its time", f"{percentile(lateness, 0.0) * 1000:.0f} ms")
    report.figure("max lateness − N / 30", f"{max(lateness) - bound:+.1f} s")
    return report.exit_code()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fanout", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=10_000, metavar="N")
    parser.add_argument("--strict-window", action="store_true", help=STRICT_HELP)
    args = parser.parse_args(argv)
    return asyncio.run(_fanout(args.subscribers, args.strict_window))


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
