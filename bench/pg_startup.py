"""``python -m bench.pg_startup [--chats N] [--url URL]``: start-up on PostgreSQL at scale.

Fills a database with N subscribers (default 1 000 000) and their reminder timer rows, written
with ``COPY`` (1-2 slots each, four zones, the instants from the core's calendar), then starts
the real bot (``python -m bot run``, long polling the emulator) against it and measures:

* serving — from the process's spawn to its answer to a ``/start`` sent at spawn time (imports,
  the schema check, the pool, the first poll: everything a restart costs);
* RSS — the process's resident memory once serving, and its peak (VmHWM), beside the same with
  1 000 subscribers: on PostgreSQL nothing is loaded per chat at start-up, so it must not grow.

Without ``--url`` a throw-away cluster is started (``tests.postgres``, as the tests do).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bot.core.calendar import Planner
from bot.core.chat import Chat, Schedule
from bot.core.documents import chat_to_doc
from bot.emulator import BotAPIEmulator
from bot.emulator.errors import WaitTimeout
from bot.features.reminder_timers import REMINDER, occurrence_data, reminder_name
from bot.storage.postgres.schema import migrate

REPO = Path(__file__).resolve().parent.parent
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo")
SLOTS = ((dt.time(7, 30),), (dt.time(9, 0), dt.time(17, 45)), (dt.time(13, 0),))
#: Targets (issue 13): serving in under 2 s with 1 000 000 subscribers; memory flat.
SERVING_TARGET_S = 2.0
RSS_GROWTH_TARGET_MB = 20.0


def fill(url: str, chats: int) -> float:
    """Empty the tables (the previous run's bot state too), then COPY ``chats`` subscribers and
    their reminder rows; seconds."""
    started = time.perf_counter()
    planner = Planner(dt.datetime.now(dt.UTC))
    kinds: list[tuple[str, list[tuple[str, dt.datetime, str]]]] = []
    for index in range(len(ZONES) * len(SLOTS)):
        schedule = Schedule(timezone=ZONES[index % len(ZONES)], times=SLOTS[index % len(SLOTS)])
        doc = chat_to_doc(Chat(0, schedule=schedule, version=1))
        rows = []
        for slot in schedule.times:
            occurrence = planner.next(schedule, slot)
            data = occurrence_data(occurrence)
            rows.append((str(data["slot"]), occurrence.at, json.dumps(data)))
        kinds.append((json.dumps(doc), rows))

    def chat_rows() -> Iterator[tuple[object, ...]]:
        for chat_id in range(1, chats + 1):
            doc, _ = kinds[chat_id % len(kinds)]
            yield (chat_id, 1, True, doc.replace('"chat_id": 0', f'"chat_id": {chat_id}', 1))

    def timer_rows() -> Iterator[tuple[object, ...]]:
        for chat_id in range(1, chats + 1):
            for slot, due, data in kinds[chat_id % len(kinds)][1]:
                yield (reminder_name(chat_id, slot), REMINDER, chat_id, due, False, data)

    with psycopg.connect(url, autocommit=True) as conn:
        # updates_seen too: each run's emulator numbers its updates from 1 again, and an update
        # id the previous bot recorded would be dropped as a redelivery (no answer, ever).
        conn.execute(
            "TRUNCATE chats, sessions, active_sessions, prompts, unreadable, timers,"
            " updates_seen, send_budget, send_windows, flood"
        )
        with conn.cursor() as cursor:
            with cursor.copy("COPY chats (chat_id, version, subscribed, doc) FROM STDIN") as copy:
                for row in chat_rows():
                    copy.write_row(row)
            with cursor.copy(
                "COPY timers (name, kind, chat_id, due, urgent, data) FROM STDIN"
            ) as copy:
                for row in timer_rows():
                    copy.write_row(row)
        conn.execute("ANALYZE chats")
        conn.execute("ANALYZE timers")
    return time.perf_counter() - started


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time the process has used (the machine may be shared: wall time
    alone would measure the neighbours)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def measure(url: str) -> dict[str, float]:
    """Start the real bot against ``url``; seconds to serve a /start, and its memory."""
    async with BotAPIEmulator() as emulator:
        user = emulator.add_user("Bench")
        with tempfile.TemporaryDirectory() as folder:
            env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
            env.update(
                TELEGRAM_BOT_TOKEN=emulator.token,
                TELEGRAM_API_BASE_URL=emulator.base_url,
                DATABASE_URL=url,
                DATA_DIR=folder,
                CONTENT_DIR=str(REPO / "content"),
                LOG_LEVEL="WARNING",
                STRETCHBOT_ENV_FILE=str(Path(folder) / "no.env"),
            )
            log = Path(folder) / "bot.log"
            spawned = time.monotonic()
            with log.open("wb") as errors:
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", cwd=REPO, env=env,
                    stdout=asyncio.subprocess.DEVNULL, stderr=errors,
                )  # fmt: skip
            try:
                emulator.send_text(user, "/start")
                try:
                    reply = await emulator.wait_for_message(user, "I help people", timeout=60)
                except WaitTimeout:  # say why: the bot's own last words
                    sys.stderr.write(log.read_text(errors="replace")[-3000:])
                    raise
                serving = reply.sent_at - spawned
                cpu = _cpu_seconds(process.pid)
                rss = _memory_mb(process.pid, "VmRSS")
                peak = _memory_mb(process.pid, "VmHWM")
            finally:
                process.kill()
                await process.wait()
    return {"serving_s": serving, "cpu_s": cpu, "rss_mb": rss, "peak_mb": peak}


@contextlib.contextmanager
def database(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    sys.path.insert(0, str(REPO))
    from tests.postgres import cluster

    with cluster() as server:
        migrate(server.url())
        yield server.url()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pg_startup")
    parser.add_argument("--chats", type=int, default=1_000_000)
    parser.add_argument("--url", help="a migrated database to fill (emptied first!)")
    args = parser.parse_args(argv)
    with database(args.url) as url:
        results = {}
        for size in (1_000, args.chats):
            filled = fill(url, size)
            figures = asyncio.run(measure(url))
            results[size] = figures
            print(
                f"{size:>9} subscribers (filled in {filled:.1f} s): serving after "
                f"{figures['serving_s']:.2f} s ({figures['cpu_s']:.2f} s of CPU), "
                f"RSS {figures['rss_mb']:.0f} MB "
                f"(peak {figures['peak_mb']:.0f} MB)"
            )
    small, large = results[1_000], results[args.chats]
    growth = large["peak_mb"] - small["peak_mb"]
    ok = large["serving_s"] < SERVING_TARGET_S and growth < RSS_GROWTH_TARGET_MB
    print(
        f"target: serving < {SERVING_TARGET_S} s at {args.chats} — "
        f"{large['serving_s']:.2f} s; peak memory growth < {RSS_GROWTH_TARGET_MB} MB — "
        f"{growth:+.1f} MB: {'met' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
