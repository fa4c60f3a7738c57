"""Copying a TinyDB data folder into PostgreSQL (``stretchbot migrate-store``).

Rows go in by ``COPY`` into temporary staging tables, then ``INSERT … SELECT … ON CONFLICT DO
NOTHING`` into the real ones, over one connection in one transaction: a copy that fails half-way
leaves the database as it was, and running it again copies only what is missing (a row already
in the database — perhaps changed since by a running bot — is never overwritten). The counts
returned are the folder's rows and how many of those same keys the database holds afterwards,
for the operator to compare. Reminder timer rows go in the same way (:class:`TimerCopy`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bot.core.documents import active_to_doc, chat_to_doc, record_to_doc
from bot.ports import Timer, TimerHandler
from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.timers import CHANNEL

__all__ = ["Copied", "TimerCopy", "copy_store"]

#: table: (its key columns, the columns copied)
_TABLES = {
    "chats": ("chat_id", "chat_id, version, subscribed, doc"),
    "sessions": ("chat_id, started_at", "chat_id, started_at, doc"),
    "active_sessions": ("chat_id", "chat_id, doc"),
}


@dataclass(frozen=True, slots=True)
class Copied:
    """Rows per table in the folder (``before``, one per key), the database's rows with those
    keys afterwards (``after``), how many of them this run added (``added``), and rows of the
    folder that repeat another's key (``duplicates``: a chat's two sessions with the same start,
    which the database keeps once)."""

    before: dict[str, int]
    after: dict[str, int]
    added: dict[str, int]
    duplicates: dict[str, int]


async def _stage(
    cursor: psycopg.AsyncCursor[Any], table: str, rows: Iterable[tuple[Any, ...]]
) -> int:
    """COPY ``rows`` into a fresh staging table ``<table>_in`` (dropped at commit); how many."""
    columns = _TABLES[table][1]
    await cursor.execute(
        f"CREATE TEMP TABLE {table}_in (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    count = 0
    async with cursor.copy(f"COPY {table}_in ({columns}) FROM STDIN") as copy:
        for row in rows:
            await copy.write_row(row)
            count += 1
    return count


async def _merge(cursor: psycopg.AsyncCursor[Any], table: str) -> tuple[int, int, int]:
    """Insert the staged rows whose keys are new; (rows added, distinct keys staged, staged keys
    now in the table)."""
    keys, columns = _TABLES[table]
    await cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_in ON CONFLICT DO NOTHING"
    )
    added = max(cursor.rowcount, 0)
    await cursor.execute(
        f"SELECT count(*), count({table}.{keys.split(',')[0]})"
        f" FROM (SELECT DISTINCT {keys} FROM {table}_in) k LEFT JOIN {table} USING ({keys})"
    )
    row = await cursor.fetchone()
    assert row is not None
    return added, int(row[0]), int(row[1])


async def copy_store(files: ChatFiles, url: str) -> Copied:
    """Copy chats, session histories and sessions in progress that the database lacks."""
    before: dict[str, int] = {}
    after: dict[str, int] = {}
    added: dict[str, int] = {}
    duplicates: dict[str, int] = {}
    chat_ids: list[int] = []

    def chat_rows() -> Iterable[tuple[Any, ...]]:
        for chat in files.chats():
            chat_ids.append(chat.chat_id)
            saved = replace(chat, version=max(chat.version, 1))
            yield (
                chat.chat_id,
                saved.version,
                chat.schedule.subscribed,
                Jsonb(chat_to_doc(saved)),
            )

    def session_rows() -> Iterable[tuple[Any, ...]]:
        for chat_id in chat_ids:
            for record in files.history(chat_id):
                yield (record.chat_id, record.started_at, Jsonb(record_to_doc(record)))

    def active_rows() -> Iterable[tuple[Any, ...]]:
        for active in files.active_sessions():
            yield (active.chat_id, Jsonb(active_to_doc(active)))

    async with (
        await psycopg.AsyncConnection.connect(url) as conn,
        conn.transaction(),
        conn.cursor() as cursor,
    ):
        for table, rows in (
            ("chats", chat_rows()),
            ("sessions", session_rows()),
            ("active_sessions", active_rows()),
        ):
            staged = await _stage(cursor, table, rows)
            added[table], before[table], after[table] = await _merge(cursor, table)
            duplicates[table] = staged - before[table]
    return Copied(before, after, added, duplicates)


class TimerCopy:
    """The :class:`~bot.ports.Timers` port for writing many timer rows at once (``migrate-store``
    scheduling every chat's reminders): :meth:`set` stages rows for ``COPY``, :meth:`close`
    upserts them all into ``timers`` in one statement and wakes the running instances, if any.
    Nothing here runs a timer."""

    def __init__(self, conn: psycopg.AsyncConnection[Any], *, flush_every: int = 5000) -> None:
        self._conn = conn
        self._flush_every = flush_every
        self._rows: list[tuple[str, str, int, dt.datetime, bool, Jsonb]] = []
        self._staged = False
        #: Timer rows written.
        self.written = 0

    def on(self, kind: str, handler: TimerHandler) -> None:
        """Ignored: copying timers runs none."""

    async def set(self, timer: Timer) -> None:
        self._rows.append(
            (timer.name, timer.kind, timer.chat_id, timer.due, False, Jsonb(dict(timer.data)))
        )
        if len(self._rows) >= self._flush_every:
            await self._flush()

    async def cancel(self, name: str) -> None:
        raise RuntimeError("copying timers cancels none")

    async def pending(self, chat_id: int | None = None) -> list[Timer]:
        return []

    async def _flush(self) -> None:
        async with self._conn.cursor() as cursor:
            if not self._staged:
                await cursor.execute(
                    "CREATE TEMP TABLE timers_in (LIKE timers INCLUDING DEFAULTS) ON COMMIT DROP"
                )
                self._staged = True
            async with cursor.copy(
                "COPY timers_in (name, kind, chat_id, due, urgent, data) FROM STDIN"
            ) as copy:
                for row in self._rows:
                    await copy.write_row(row)
        self._rows.clear()

    async def close(self) -> None:
        """Write every staged row (a name already there takes the new due time and data)."""
        await self._flush()
        async with self._conn.cursor() as cursor:
            await cursor.execute(
                "INSERT INTO timers (name, kind, chat_id, due, urgent, data)"
                " SELECT DISTINCT ON (name) name, kind, chat_id, due, urgent, data FROM timers_in"
                " ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind,"
                " chat_id = EXCLUDED.chat_id, due = EXCLUDED.due, urgent = EXCLUDED.urgent,"
                " data = EXCLUDED.data"
            )
            self.written = max(cursor.rowcount, 0)
            await cursor.execute("SELECT pg_notify(%s, '')", (CHANNEL,))
