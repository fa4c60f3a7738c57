"""The operator's commands besides running the bot: ``stretchbot migrate`` (the PostgreSQL
schema) and ``stretchbot migrate-store`` (a TinyDB data folder into PostgreSQL).

Each prints what it did in a few lines and returns an exit status; a problem is one line.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import psycopg

from bot.clock import Clock
from bot.core.routines import Routine, RoutineBook
from bot.features.reminders import Reminders
from bot.ports import Lane, Note
from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.copy import TimerCopy, copy_store
from bot.storage.postgres.pool import open_pool
from bot.storage.postgres.revision import SchemaError, check
from bot.storage.postgres.schema import migrate
from bot.storage.postgres.store import PgStore

__all__ = ["migrate_schema", "migrate_store"]

Say = Callable[[str], None]


def migrate_schema(url: str, say: Say) -> int:
    """Bring the database's schema to the newest revision this bot knows."""
    before, after = migrate(url)
    if before == after:
        say(f"The database schema is up to date ({after}).")
    else:
        say(f"Migrated the database schema from {before or 'nothing'} to {after}.")
    return 0


def migrate_store(source: Path, url: str, say: Say) -> int:
    """Copy every chat, session and session in progress from ``source`` that the database
    lacks, printing the counts on both sides; 1 if they differ. Safe to run again: what is
    already in the database (perhaps changed since by a running bot) is kept as it is."""
    if not (source / "store.json").exists() and not (source / "stretchbot.json").exists():
        say(f"{source} is not a stretch-bot data folder (no store.json)")
        return 2
    try:
        asyncio.run(check(url))
    except SchemaError as exc:
        say(str(exc))
        return 2
    files = ChatFiles.in_folder(source)
    result = asyncio.run(copy_store(files, url))
    width = max(len(name) for name in result.before)
    for name, count in result.before.items():
        say(
            f"{name:<{width}}  {count:>9} in {source}  →  {result.after[name]:>9} in the database"
            f" ({result.added[name]} new)"
        )
        if result.duplicates[name]:
            say(f"{'':<{width}}  ({result.duplicates[name]} more with a repeated key, kept once)")
    if result.before != result.after:
        say("The counts differ: the copy is incomplete.")
        return 1
    say("All copied; the counts match.")
    count = asyncio.run(schedule_reminders(url))
    say(f"{count} reminder timer(s) scheduled in the database.")
    return 0


class _Silent:
    """Outbox and sessions for scheduling alone: nothing is sent while timers are written."""

    async def send(
        self, chat_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE, sound: bool = False
    ) -> int:
        raise RuntimeError("scheduling sends nothing")

    async def edit(
        self, chat_id: int, message_id: int, note: Note, *, lane: Lane = Lane.INTERACTIVE
    ) -> bool:
        raise RuntimeError("scheduling edits nothing")

    async def drop_buttons(self, chat_id: int, message_id: int) -> None:
        raise RuntimeError("scheduling edits nothing")

    @contextlib.asynccontextmanager
    async def bulk_slot(self) -> AsyncIterator[object]:
        yield self

    async def running(self, chat_id: int) -> object | None:
        return None

    def script_seconds(self, routine: Routine) -> float:
        return 0.0


async def schedule_reminders(url: str) -> int:
    """Write every chat's reminder timers (and pending snoozes and follow-ups) as rows, once:
    on PostgreSQL they are kept up to date by every change, not rebuilt at each start-up. The
    instances claim them; a reminder missed within the grace window is caught up. The rows go
    in by COPY (:class:`TimerCopy`), in one transaction."""
    pool = await open_pool(url, min_size=1, max_size=2)
    try:
        clock, silent = Clock(), _Silent()
        async with await psycopg.AsyncConnection.connect(url) as conn, conn.transaction():
            timers = TimerCopy(conn)
            reminders = Reminders(
                PgStore(pool), timers, silent, clock, RoutineBook({}, ""), silent
            )
            count = await reminders.rebuild()
            await timers.close()
        return count
    finally:
        await pool.close()
