"""``python -m bench scaleout``: several ``stretchbot serve`` instances on one PostgreSQL behind
the emulator's webhook round-robin, a reminder fan-out and guided sessions, one instance killed
(SIGKILL) part-way through the fan-out (issue 13).

What it measures, beside the targets (:data:`TARGETS`):

* reminders delivered / duplicated / lost: a dead instance may lose or repeat only what it had
  claimed and not finished, so both are bounded by one claim batch (``PgTimers.batch``, 50);
* every send the emulator counts against Telegram's overall limit (messages and edits), from
  the first reminder to the last, as a fraction of that limit (30 a second), and its 429s;
* each timed hold's lateness (the next cue's arrival minus the hold message's, minus the hold),
  sessions taken over from the dead instance included;
* CPU seconds of each instance, of PostgreSQL and of this process (the emulator), and the load
  average: the machine has 2 cores shared by everything.

Without ``--url`` a throw-away cluster is started (``tests.postgres``, as the tests do). Not in
``make test`` or ``make bench``: it needs PostgreSQL and takes minutes (N / 30 s of fan-out).
Start-up time and memory with 1 000 000 subscribers are ``bench.pg_startup``'s.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import difflib
import itertools
import json
import os
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import psycopg

from bench.harness import CONTENT, TELEGRAM_RATE, Report, Seen, percentile, seen, spread
from bench.peers import PortWatch
from bench.pg_startup import database
from bot.core.calendar import Occurrence
from bot.core.chat import Chat, Schedule
from bot.core.documents import chat_to_doc
from bot.core.loader import load_routines
from bot.core.preview import preview
from bot.core.session import compile_script
from bot.emulator import ApiRequest, BotAPIEmulator, EmulatedUser, FloodLimits
from bot.emulator import parse as parse_html
from bot.features.reminder_timers import REMINDER, occurrence_data, reminder_name
from bot.ports import Store
from bot.telegram.render import session as session_text

REPO = Path(__file__).resolve().parent.parent
REMINDER_TEXT = "Time to look after your back"
DONE_TEXT = "Well done"
SECRET = "bench-secret"
#: Telegram's address for the webhook; the emulator's balancer sends it to the instances.
PUBLIC = "http://127.0.0.1:9/telegram"
#: Requests the emulator counts against the overall limit (``EmulatorState.check_flood``).
SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "editMessageText"})
#: What one instance claims at once (``PgTimers.batch``): all a dead instance may lose or repeat.
BATCH = 50
#: The issue's targets.
RATE_TARGET = 0.95
TAKE_OVER_P99_S = 1.0
#: A settings write, as ``bench.store``'s target for TinyDB (25 ms), on either backend.
WRITE_P99_S = 0.025


@dataclass(frozen=True)
class Options:
    subscribers: int
    sessions: int
    instances: int
    kill_at: float
    time_scale: float
    starts_over: float
    strict_window: bool
    url: str | None
    dump: str | None = None
    writes: int = 200
    #: PAID_BROADCAST_PER_SECOND for the instances (reminders as paid broadcasts), or None.
    paid: int | None = None
    #: Updates for the 1-vs-N update throughput (0: not measured).
    updates: int = 0


def parse(argv: Sequence[str]) -> Options:
    """The command line; ``--quick`` is 1 000 reminders and 30 sessions at TIME_SCALE 0.5."""
    parser = argparse.ArgumentParser(prog="python -m bench scaleout", description=__doc__)
    parser.add_argument("--subscribers", type=int, default=None, help="reminders (10 000)")
    parser.add_argument("--sessions", type=int, default=None, help="guided sessions (300)")
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--kill-at", type=float, default=0.4, help="fraction of the fan-out")
    parser.add_argument("--time-scale", type=float, default=None, help="routine speed (1; 0.5)")
    parser.add_argument("--starts-over", type=float, default=30.0, help="seconds (sessions)")
    parser.add_argument("--strict-window", action="store_true", help="30 in any second")
    parser.add_argument(
        "--paid", type=int, help="PAID_BROADCAST_PER_SECOND: reminders as paid broadcasts"
    )
    parser.add_argument(
        "--updates", type=int, default=None, help="update throughput, 1 vs N (1 000; 300)"
    )
    parser.add_argument("--quick", action="store_true", help="1 000 reminders, 30 sessions")
    parser.add_argument("--url", help="a migrated database to use (emptied first!)")
    parser.add_argument("--dump", help="write the sessions' messages to this JSON file")
    parser.add_argument("--writes", type=int, default=200, help="settings writes timed (0: none)")
    args = parser.parse_args(list(argv))
    if args.instances < 1 or not 0 <= args.kill_at <= 1:
        parser.error("--instances ≥ 1 and 0 ≤ --kill-at ≤ 1 (0: kill nobody)")
    return Options(
        subscribers=args.subscribers or (1_000 if args.quick else 10_000),
        sessions=args.sessions if args.sessions is not None else (30 if args.quick else 300),
        instances=args.instances,
        kill_at=args.kill_at if args.instances > 1 else 0.0,
        time_scale=args.time_scale or (0.5 if args.quick else 1.0),
        starts_over=args.starts_over,
        strict_window=args.strict_window,
        url=args.url,
        dump=args.dump,
        writes=args.writes,
        paid=args.paid,
        updates=args.updates if args.updates is not None else (300 if args.quick else 1_000),
    )


@dataclass
class Results:
    """What a run leaves to report (seconds, counts)."""

    subscribers: int
    sessions: int
    counts: list[int]
    killed_at: int | None
    sends: int
    window: float
    too_many: int
    finished: int
    lateness: list[float]
    missing_cues: int = 0
    #: Sends that went as paid broadcasts (in the same window as ``sends``).
    paid_sends: int = 0
    #: Instances → (updates a second, CPU seconds of the instances) while handling them.
    throughput: dict[int, tuple[float, float]] = field(default_factory=dict)
    #: One settings write (``Store.change``), seconds each, by backend.
    writes: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    wall: float = 0.0
    #: Sends (first reminder to last) by the instance that made them (its TCP port's owner).
    by_instance: dict[str, int] = field(default_factory=dict)
    #: Each 429, described (when, which call, which chat, what the emulator had let through).
    refused: list[str] = field(default_factory=list)


def report(results: Results, options: Options, load: str) -> int:
    """Print the figures beside their targets; 1 if one is missed."""
    out = Report(
        f"scaleout: {results.subscribers} reminders + {results.sessions} sessions, "
        f"{options.instances} instance(s) behind the webhook round-robin, one PostgreSQL, "
        f"emulator in limits mode{' (strict window)' if options.strict_window else ''}"
    )
    delivered = sum(1 for count in results.counts if count)
    duplicated = sum(count - 1 for count in results.counts if count > 1)
    lost = results.subscribers - delivered
    bound = BATCH if options.kill_at else 0
    if results.killed_at is not None:
        out.figure("killed (SIGKILL) at", f"{results.killed_at} / {results.subscribers} delivered")
    out.figure("reminders delivered", f"{delivered} / {results.subscribers}")
    out.target("duplicated", str(duplicated), f"≤ {bound}", duplicated <= bound)
    out.target("lost", str(lost), f"≤ {bound}", lost <= bound)
    window = max(results.window, 1e-9)
    out.figure("reminders' rate", f"{delivered / window:.1f}/s, first to last")
    if options.paid:
        paid = results.paid_sends / window
        out.figure(
            "paid sends / PAID_BROADCAST_PER_SECOND",
            f"{paid:.1f}/s = {paid / options.paid:.3f} of {options.paid}/s",
        )
    rate = (results.sends - results.paid_sends) / window
    fraction = rate / TELEGRAM_RATE
    out.target(
        "free sends / Telegram's 30 a second",
        f"{rate:.2f}/s = {fraction:.3f} ({results.sends - results.paid_sends} in {window:.1f} s)",
        f"≥ {RATE_TARGET}",
        fraction >= RATE_TARGET or bool(options.paid),  # paid: the free sends are the sessions'
    )
    if len(results.by_instance) > 1:
        out.figure(
            "sends by instance, a second",
            ", ".join(f"{name} {n / window:.1f}" for name, n in results.by_instance.items()),
        )
    out.target("429 answers", str(results.too_many), "= 0", results.too_many == 0)
    for line in results.refused:
        out.figure("  429", line)
    out.target(
        "sessions completed",
        str(results.finished),
        f"= {results.sessions}",
        results.finished == results.sessions,
    )
    out.target("session cues missing", str(results.missing_cues), "= 0", not results.missing_cues)
    if results.lateness:
        out.figure("hold lateness", spread(results.lateness))
    p99 = percentile(results.lateness, 0.99) if results.lateness else 0.0
    out.target(
        "hold lateness p99 (take-overs too)",
        f"{p99:.3f} s",
        f"≤ {TAKE_OVER_P99_S} s",
        not results.lateness or p99 <= TAKE_OVER_P99_S,
    )
    for backend, times in results.writes.items():
        out.target(
            f"settings write, {backend}",
            spread(times),
            f"p99 ≤ {WRITE_P99_S * 1000:.0f} ms",
            percentile(times, 0.99) <= WRITE_P99_S,
        )
    for count, (rate, cpu_s) in sorted(results.throughput.items()):
        out.figure(f"updates handled, {count} instance(s)", f"{rate:.0f}/s ({cpu_s:.1f} s CPU)")
    cpu = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in results.cpu.items())
    out.figure("CPU", f"{cpu} in {results.wall:.0f} s wall")
    out.figure("load average (1, 5, 15 min) at end", load)
    return out.exit_code()


def cue_lateness(
    conversations: Sequence[Sequence[Seen]], time_scale: float
) -> tuple[list[float], int]:
    """Each timed hold's lateness (next cue's arrival − the hold's − its scaled length), and how
    many cues never came. The script's texts are aligned with the messages (longest matching
    blocks, as ``diff`` does; several cues share a text), so a question before the session, a
    cue sent twice or one missing does not shift the others."""
    script = compile_script(load_routines(CONTENT)["back"])
    shown = preview(script)  # the intro cue lists the routine's exercises
    texts = [parse_html(session_text.cue_text(cue, shown), "HTML")[0] for cue in script]
    lateness: list[float] = []
    missing = 0
    for conversation in conversations:
        arrivals: list[float | None] = [None] * len(texts)
        sent = [text for text, _, _ in conversation]
        matcher = difflib.SequenceMatcher(None, texts, sent, autojunk=False)
        for cue_at, message_at, size in matcher.get_matching_blocks():
            for offset in range(size):
                arrivals[cue_at + offset] = conversation[message_at + offset][2]
        missing += sum(1 for at in arrivals if at is None)
        for cue, at, next_at in zip(script, arrivals, arrivals[1:], strict=False):
            if cue.is_hold and at is not None and next_at is not None:
                lateness.append(next_at - at - cue.wait * time_scale)
    return lateness, missing


async def settings_writes(url: str, chat_ids: Sequence[int], count: int) -> dict[str, list[float]]:
    """``count`` settings writes (``Store.change``: read a chat, move its reminder, save it) of
    random chats on PostgreSQL (the run's database, under nothing else's load) and on TinyDB
    (the same chats, one file each, fsynced); seconds each."""
    import random

    from bot.storage.chatfiles import ChatFiles
    from bot.storage.postgres.pool import open_pool
    from bot.storage.postgres.store import PgStore
    from bot.storage.tinydb import TinyStore

    rng = random.Random(13)
    picked = [rng.choice(chat_ids) for _ in range(count)]

    def move(chat: Chat) -> Chat:
        times = (dt.time(rng.randrange(24), rng.choice((0, 15, 30, 45))),)
        return replace(chat, schedule=replace(chat.schedule, times=times))

    async def timed(store: Store) -> list[float]:
        times = []
        for chat_id in picked:
            started = time.perf_counter()
            await store.change(chat_id, move)
            times.append(time.perf_counter() - started)
        return times

    pool = await open_pool(url, min_size=1, max_size=2)
    try:
        pg = PgStore(pool)
        on_pg = await timed(pg)
        chats = [chat async for chat in pg.chats() if chat.chat_id in set(picked)]
    finally:
        await pool.close()
    with tempfile.TemporaryDirectory() as folder:
        files = ChatFiles.in_folder(Path(folder))
        files.add_chats(chats)
        on_tinydb = await timed(TinyStore(files))
    return {"PostgreSQL": on_pg, "TinyDB": on_tinydb}


async def update_throughput(
    url: str, count: int, updates: int, folder: Path
) -> tuple[float, float]:
    """``updates`` button presses the bot can only answer (stale data, no message: one
    answerCallbackQuery each, not counted against Telegram's limits), one per user, through
    ``count`` instances behind the round-robin; updates a second from the first delivery to
    the last one accepted, and the instances' CPU seconds meanwhile. Each is handled in full
    (the webhook answers after ``process_update``, the update's id recorded in PostgreSQL)."""
    with psycopg.connect(url, autocommit=True) as conn:
        # A new emulator numbers its updates and users from the start again: forget the last
        # run's update ids (de-duplication) and users' flood buckets, or they would be dropped.
        conn.execute("TRUNCATE updates_seen, flood")
    async with BotAPIEmulator() as emulator:
        # One press per user: the flood guard (shared on PostgreSQL) would drop a user's burst.
        warm = [emulator.add_user(f"W{i}") for i in range(50)]
        users = [emulator.add_user(f"T{i}") for i in range(updates)]
        async with instances(emulator, url, count, 1.0, folder) as bots:
            await _set_webhook(emulator, bots)
            for user in warm:  # warm-up: connections open, every code path run once
                emulator.send_callback_query(user, None, "stale:warm-up")
            await emulator.wait_for(lambda: not emulator.pending_updates, timeout=120)
            cpu = [cpu_seconds(bot.process.pid) for bot in bots]
            started = time.monotonic()
            for user in users:
                emulator.send_callback_query(user, None, "stale:timed")
            await emulator.wait_for(
                lambda: not emulator.pending_updates, timeout=60 + updates / 10
            )
            elapsed = time.monotonic() - started
            used = sum(cpu_seconds(b.process.pid) - c for b, c in zip(bots, cpu, strict=True))
            answered = len(emulator.callback_answers)
    if answered != updates + len(warm):
        raise RuntimeError(f"{answered} of {updates + len(warm)} button presses answered")
    return updates / elapsed, used


# -- the database --------------------------------------------------------------------------


def fill(url: str, reminded: Sequence[int], coached: Sequence[int], at: dt.datetime) -> None:
    """Empty the tables; a chat per user, the ``reminded`` ones with a reminder row due at
    ``at`` (the others' reminder, 03:00, has no row: it never comes during a run)."""
    slot = dt.time(at.hour, at.minute)
    data = json.dumps(occurrence_data(Occurrence(slot, at.date(), at)))
    created = at - dt.timedelta(days=1)

    def doc(chat_id: int, times: tuple[dt.time, ...]) -> str:
        schedule = Schedule(timezone="UTC", times=times)
        return json.dumps(chat_to_doc(Chat(chat_id, schedule=schedule, created_at=created)))

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("TRUNCATE chats, sessions, active_sessions, prompts, unreadable, timers")
        with conn.cursor() as cursor:
            with cursor.copy("COPY chats (chat_id, version, subscribed, doc) FROM STDIN") as copy:
                for chat_id in reminded:
                    copy.write_row((chat_id, 1, True, doc(chat_id, (slot,))))
                for chat_id in coached:
                    copy.write_row((chat_id, 1, True, doc(chat_id, (dt.time(3, 0),))))
            with cursor.copy(
                "COPY timers (name, kind, chat_id, due, urgent, data) FROM STDIN"
            ) as copy:
                for chat_id in reminded:
                    name = reminder_name(chat_id, slot.strftime("%H:%M"))
                    copy.write_row((name, REMINDER, chat_id, at, False, data))
        conn.execute("ANALYZE")


def _chat_ids(url: str) -> list[int]:
    with psycopg.connect(url) as conn:
        return [int(row[0]) for row in conn.execute("SELECT chat_id FROM chats")]


def reminder_rows_left(url: str, at: dt.datetime) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM timers WHERE kind = %s AND due <= %s", (REMINDER, at)
        ).fetchone()
    return int(row[0]) if row else 0


# -- processes and their CPU ---------------------------------------------------------------


def cpu_seconds(pid: int, *, children: bool = False) -> float:
    """User + system CPU of a process (and of its waited-for children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu(url: str) -> float:
    """CPU of every PostgreSQL server process (the backends' parent is the postmaster)."""
    with psycopg.connect(url) as conn:
        row = conn.execute("SELECT setting FROM pg_settings WHERE name = 'data_directory'")
        found = row.fetchone()
    if found is None:
        return 0.0
    postmaster = int(Path(found[0], "postmaster.pid").read_text().split()[0])
    total = cpu_seconds(postmaster, children=True)
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rpartition(")")[2].split()[1]) == postmaster:
                total += cpu_seconds(int(stat.parent.name))
    return total


@dataclass
class Instance:
    process: asyncio.subprocess.Process
    url: str
    cpu: float = 0.0


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.asynccontextmanager
async def instances(
    emulator: BotAPIEmulator,
    url: str,
    count: int,
    time_scale: float,
    folder: Path,
    paid: int | None = None,
) -> AsyncIterator[list[Instance]]:
    """``count`` ``python -m bot serve`` processes on ``url``, healthy; killed after."""
    import httpx

    started: list[Instance] = []
    try:
        for number in range(count):
            port = _free_port()
            env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
            env.update(
                TELEGRAM_BOT_TOKEN=emulator.token,
                TELEGRAM_API_BASE_URL=emulator.base_url,
                DATABASE_URL=url,
                DATA_DIR=str(folder / f"data{number}"),
                CONTENT_DIR=str(REPO / "content"),
                LOG_LEVEL="WARNING",
                STRETCHBOT_ENV_FILE=str(folder / "no.env"),
                WEBHOOK_SECRET=SECRET,
                WEBHOOK_LISTEN=f"127.0.0.1:{port}",
                TIME_SCALE=str(time_scale),
            )
            if paid:
                env["PAID_BROADCAST_PER_SECOND"] = str(paid)
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m", "bot", "serve", cwd=REPO, env=env,
                stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
            )  # fmt: skip
            started.append(Instance(process, f"http://127.0.0.1:{port}/telegram"))
        async with httpx.AsyncClient() as client:
            for instance in started:
                health = instance.url.replace("/telegram", "/healthz")
                deadline = time.monotonic() + 120
                while True:
                    if instance.process.returncode is not None:
                        raise RuntimeError("an instance exited during start-up")
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(health)).status_code == 200:
                            break
                    if time.monotonic() > deadline:
                        raise RuntimeError("an instance was not healthy within 120 s")
                    await asyncio.sleep(0.1)
        yield started
    finally:
        for instance in started:
            if instance.process.returncode is None:
                instance.process.send_signal(signal.SIGKILL)
            await instance.process.wait()


# -- the run -------------------------------------------------------------------------------


def _reminders(emulator: BotAPIEmulator, user: EmulatedUser) -> list[float]:
    return [m.sent_at for m in emulator.messages(user) if REMINDER_TEXT in m.text]


async def _start_sessions(
    emulator: BotAPIEmulator, users: Sequence[EmulatedUser], over: float
) -> None:
    """Each session user sends /go, one after another over ``over`` seconds."""
    for index, user in enumerate(users):
        emulator.send_text(user, "/go")
        if index + 1 < len(users):
            await asyncio.sleep(over / len(users))


async def run(options: Options, url: str) -> Results:
    """The scenario, start to end; the figures."""
    wall = time.monotonic()
    async with BotAPIEmulator(limits=True) as emulator:
        if options.strict_window:
            emulator.enable_limits(FloodLimits(strict_window=True))
        reminded = [emulator.add_user(f"R{i}") for i in range(options.subscribers)]
        coached = [emulator.add_user(f"S{i}") for i in range(options.sessions)]
        with tempfile.TemporaryDirectory() as folder:
            async with instances(
                emulator, url, options.instances, options.time_scale, Path(folder), options.paid
            ) as bots:
                await _set_webhook(emulator, bots)
                at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=5)
                fill(url, [u.id for u in reminded], [u.id for u in coached], at)
                due = time.monotonic() + (at - dt.datetime.now(dt.UTC)).total_seconds()
                await asyncio.sleep(max(0.0, due - time.monotonic()))
                starter = asyncio.create_task(
                    _start_sessions(emulator, coached, options.starts_over)
                )
                port = int(emulator.base_url.rstrip("/").rsplit(":", 1)[1].split("/")[0])
                async with PortWatch([b.process.pid for b in bots], port) as watch:
                    killed_at = await _kill_part_way(emulator, reminded, bots, options)
                    await _drain(emulator, reminded, url, at, options)
                await starter
                finished = await _sessions_done(emulator, coached, options)
                cpu = {f"instance {n + 1}": cpu_seconds(b.process.pid) for n, b in enumerate(bots)}
                for name, bot in zip(cpu, bots, strict=True):
                    cpu[name] = max(cpu[name], bot.cpu)
                cpu["PostgreSQL"] = postgres_cpu(url)
                cpu["emulator + bench"] = time.process_time()
        times = sorted(t for user in reminded for t in _reminders(emulator, user)[:1])
        first, last = (times[0], times[-1]) if times else (due, due)
        counted = [
            request
            for request in emulator.requests
            if request.method in SENDS and request.status == 200 and first <= request.at <= last
        ]
        conversations = [seen(emulator.messages(user)) for user in coached]
        pids = {b.process.pid: f"instance {n + 1}" for n, b in enumerate(bots)}
        by_instance = Counter(
            pids.get(watch.ports.get(r.peer_port or 0, 0), "not known") for r in counted
        )
        if options.dump:
            text = json.dumps(conversations, ensure_ascii=False, indent=1)
            Path(options.dump).write_text(text)  # noqa: ASYNC240 - once, after the run
        lateness, missing = cue_lateness(conversations, options.time_scale)
        refused = describe_429s(emulator.requests, first, {u.id for u in coached})
        return Results(
            subscribers=options.subscribers,
            sessions=options.sessions,
            counts=[len(_reminders(emulator, user)) for user in reminded],
            killed_at=killed_at,
            sends=len(counted),
            paid_sends=sum(1 for r in counted if r.params.get("allow_paid_broadcast")),
            window=last - first,
            too_many=emulator.too_many_requests,
            finished=finished,
            lateness=lateness,
            missing_cues=missing,
            cpu=cpu,
            wall=time.monotonic() - wall,
            refused=refused,
            by_instance=dict(sorted(by_instance.items())),
        )


def describe_429s(requests: Sequence[ApiRequest], start: float, coached: set[int]) -> list[str]:
    """Each 429: seconds from the first reminder, the call, the chat (a session user's or a
    reminder's), and the sends the emulator had let through in the second before it, overall
    and to that chat: whether the overall or the chat's limit refused it."""
    passed = [r for r in requests if r.method in SENDS and r.status == 200]
    lines = []
    for request in requests:
        if request.status != 429:
            continue
        chat = request.params.get("chat_id")
        recent = [r for r in passed if request.at - 1.0 < r.at <= request.at]
        to_chat = [r for r in recent if r.params.get("chat_id") == chat]
        bunched = sum(1 for r in recent if r.at > request.at - 0.35)
        arrivals = [request.at - 1.0, *(r.at for r in recent), request.at]
        gap = max(b - a for a, b in itertools.pairwise(arrivals))
        kind = "session" if chat in coached else "reminder"
        lines.append(
            f"+{request.at - start:.3f} s {request.method} to a {kind} chat"
            f"{' (paid)' if request.params.get('allow_paid_broadcast') else ''}: "
            f"{len(recent)} sends in the second before ({bunched} in the last 0.35 s, "
            f"none for {gap * 1000:.0f} ms at most), {len(to_chat)} to that chat "
            f"({', '.join(f'{r.method} -{request.at - r.at:.2f}' for r in to_chat)}); "
            f"{request.description}"
        )
    return lines


async def _set_webhook(emulator: BotAPIEmulator, bots: Sequence[Instance]) -> None:
    """As the operator would (``stretchbot set-webhook``), then the balancer in front."""
    import httpx

    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{emulator.base_url}{emulator.token}/setWebhook",
            json={"url": PUBLIC, "secret_token": SECRET},
        )
        answer.raise_for_status()
    emulator.balance(PUBLIC, [b.url for b in bots])


async def _kill_part_way(
    emulator: BotAPIEmulator,
    reminded: Sequence[EmulatedUser],
    bots: Sequence[Instance],
    options: Options,
) -> int | None:
    """SIGKILL the first instance once ``kill_at`` of the reminders arrived; take it out of the
    balancer (its health check fails). How many had arrived then."""
    if not options.kill_at:
        return None
    goal = options.kill_at * len(reminded)
    deadline = time.monotonic() + 60 + 2 * len(reminded) / TELEGRAM_RATE
    while time.monotonic() < deadline:
        arrived = sum(1 for user in reminded if _reminders(emulator, user))
        if arrived >= goal:
            doomed = bots[0]
            doomed.cpu = cpu_seconds(doomed.process.pid)
            doomed.process.send_signal(signal.SIGKILL)
            emulator.take_out(doomed.url)
            return arrived
        await asyncio.sleep(0.05)
    return None


async def _drain(
    emulator: BotAPIEmulator,
    reminded: Sequence[EmulatedUser],
    url: str,
    at: dt.datetime,
    options: Options,
) -> None:
    """Until every reminder row is claimed and nothing more arrives for 3 s."""
    deadline = time.monotonic() + 120 + 3 * len(reminded) / TELEGRAM_RATE
    last, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        arrived = sum(len(_reminders(emulator, user)) for user in reminded)
        if arrived != last:
            last, since = arrived, time.monotonic()
        elif time.monotonic() - since > 3 and reminder_rows_left(url, at) == 0:
            return
        await asyncio.sleep(0.5)


async def _sessions_done(
    emulator: BotAPIEmulator, coached: Sequence[EmulatedUser], options: Options
) -> int:
    from bench.harness import session_seconds

    deadline = time.monotonic() + 120 + 2 * session_seconds() * options.time_scale

    def done() -> int:
        return sum(
            1 for user in coached if any(DONE_TEXT in m.text for m in emulator.messages(user))
        )

    while True:
        finished = done()
        if finished == len(coached) or time.monotonic() > deadline:
            return finished
        await asyncio.sleep(1.0)


@contextlib.contextmanager
def _database(url: str | None) -> Iterator[str]:
    with database(url) as found:
        yield found


def main(argv: list[str]) -> int:
    options = parse(argv)
    with _database(options.url) as url:
        results = asyncio.run(run(options, url))
        for count in sorted({1, options.instances}) if options.updates else ():
            with tempfile.TemporaryDirectory() as folder:
                try:
                    results.throughput[count] = asyncio.run(
                        update_throughput(url, count, options.updates, Path(folder))
                    )
                except (RuntimeError, AssertionError) as exc:  # the run's figures still count
                    print(f"update throughput with {count} instance(s) not measured: {exc}")
        if options.writes:
            results.writes = asyncio.run(settings_writes(url, _chat_ids(url), options.writes))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return report(results, options, load)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
