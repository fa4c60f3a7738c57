"""The :class:`~bot.ports.Store` port in PostgreSQL, for several bot instances on one database.

A chat is one row: its JSON document (the same form the TinyDB files keep) and its version. A
unit of work (:meth:`PgStore.change`) locks the row (``SELECT … FOR UPDATE``), applies the
change and writes it back with the version bumped, in one short transaction that never waits
for Telegram; another instance's change to the same chat waits for the lock and then applies to
the newer copy, so a confirmed change is never lost. A row that does not read as a chat is set
aside (table ``unreadable``) and that chat starts afresh, as a damaged TinyDB file is.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import replace
from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb
from psycopg_pool import AsyncConnectionPool

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.core.documents import (
    active_from_doc,
    active_to_doc,
    chat_from_doc,
    chat_to_doc,
    record_from_doc,
    record_to_doc,
)
from bot.storage.postgres.revision import check

__all__ = ["PgStore", "StaleWrite"]

_LOGGER = logging.getLogger(__name__)
#: Rows read at a time when every chat is listed (start-up, /admin, /broadcast).
_BATCH = 1000


class StaleWrite(RuntimeError):
    """A new chat whose id is already stored (another /start got in first)."""


class PgStore:
    """Chats and their sessions in PostgreSQL, over a connection pool."""

    def __init__(self, pool: AsyncConnectionPool[AsyncConnection[Any]]) -> None:
        self.pool = pool

    async def open(self, url: str) -> None:
        """Check the schema is this bot's (:class:`~bot.storage.postgres.schema.SchemaError`
        otherwise: run ``stretchbot migrate``), then open the pool."""
        await check(url)
        await self.pool.open(wait=True, timeout=10)

    async def close(self) -> None:
        await self.pool.close()

    # Chats -----------------------------------------------------------------------------------

    async def chat(self, chat_id: int) -> Chat | None:
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute("SELECT doc, version FROM chats WHERE chat_id = %s", (chat_id,))
            ).fetchone()
            if row is None:
                return None
            return await self._read(conn, chat_id, row[0], row[1])

    async def create(self, chat: Chat) -> Chat:
        saved = replace(chat, version=1)
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "INSERT INTO chats (chat_id, version, subscribed, doc) VALUES (%s, 1, %s, %s)"
                " ON CONFLICT (chat_id) DO NOTHING",
                (chat.chat_id, chat.schedule.subscribed, Jsonb(chat_to_doc(saved))),
            )
            if cursor.rowcount != 1:
                raise StaleWrite(f"chat {chat.chat_id} is already stored")
        return saved

    async def change(self, chat_id: int, change: Callable[[Chat], Chat]) -> Chat | None:
        async with self.pool.connection() as conn, conn.transaction():
            row = await (
                await conn.execute(
                    "SELECT doc, version FROM chats WHERE chat_id = %s FOR UPDATE", (chat_id,)
                )
            ).fetchone()
            if row is None:
                return None
            current = await self._read(conn, chat_id, row[0], row[1])
            if current is None:
                return None
            changed = change(current)
            if changed == current:
                return current
            saved = replace(changed, version=current.version + 1)
            await conn.execute(
                "UPDATE chats SET doc = %s, version = %s, subscribed = %s, updated_at = now()"
                " WHERE chat_id = %s",
                (Jsonb(chat_to_doc(saved)), saved.version, saved.schedule.subscribed, chat_id),
            )
            return saved

    async def chats(self) -> AsyncIterator[Chat]:
        last = None
        while True:
            async with self.pool.connection() as conn:
                rows = await (
                    await conn.execute(
                        "SELECT chat_id, doc, version FROM chats"
                        " WHERE %s::bigint IS NULL OR chat_id > %s ORDER BY chat_id LIMIT %s",
                        (last, last, _BATCH),
                    )
                ).fetchall()
                found = [
                    chat
                    for chat_id, doc, version in rows
                    if (chat := await self._read(conn, chat_id, doc, version)) is not None
                ]
            for chat in found:
                yield chat
            if len(rows) < _BATCH:
                return
            last = rows[-1][0]

    async def _read(
        self, conn: AsyncConnection[Any], chat_id: int, doc: Mapping[str, Any], version: int
    ) -> Chat | None:
        """The chat in a row, or None after setting an unreadable row aside."""
        try:
            chat = chat_from_doc(doc)
            if chat.chat_id != chat_id:
                raise ValueError(f"it holds chat {chat.chat_id}, not {chat_id}")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            await self._set_aside(conn, chat_id, doc, f"{type(exc).__name__}: {exc}")
            return None
        return replace(chat, version=version)

    async def _set_aside(
        self, conn: AsyncConnection[Any], chat_id: int, doc: object, reason: str
    ) -> None:
        async with conn.transaction():
            await conn.execute(
                "INSERT INTO unreadable (chat_id, doc, reason) VALUES (%s, %s, %s)",
                (chat_id, str(doc), reason),
            )
            await conn.execute("DELETE FROM chats WHERE chat_id = %s", (chat_id,))
        _LOGGER.warning("Chat %s could not be read (%s): set aside", chat_id, reason)

    # Reminders -------------------------------------------------------------------------------

    async def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        claimed = False

        def claim(chat: Chat) -> Chat:
            nonlocal claimed
            previous = chat.delivery.last_sent.get(slot)
            claimed = previous is None or previous < at
            if not claimed:
                return chat
            last_sent = {**chat.delivery.last_sent, slot: at}
            return replace(chat, delivery=replace(chat.delivery, last_sent=last_sent))

        await self.change(chat_id, claim)
        return claimed

    async def release_reminder(
        self, chat_id: int, slot: str, at: dt.datetime, previous: dt.datetime | None
    ) -> None:
        def release(chat: Chat) -> Chat:
            if chat.delivery.last_sent.get(slot) != at:
                return chat
            last_sent = {k: v for k, v in chat.delivery.last_sent.items() if k != slot}
            if previous is not None:
                last_sent[slot] = previous
            return replace(chat, delivery=replace(chat.delivery, last_sent=last_sent))

        await self.change(chat_id, release)

    # Sessions --------------------------------------------------------------------------------

    async def begin_session(self, active: ActiveSession) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO active_sessions (chat_id, doc, version) VALUES (%s, %s, %s)"
                " ON CONFLICT (chat_id) DO UPDATE"
                " SET doc = excluded.doc, version = excluded.version",
                (active.chat_id, Jsonb(active_to_doc(active)), active.version),
            )

    async def active_session(self, chat_id: int) -> ActiveSession | None:
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute(
                    "SELECT doc, version FROM active_sessions WHERE chat_id = %s", (chat_id,)
                )
            ).fetchone()
        return None if row is None else replace(active_from_doc(row[0]), version=row[1])

    async def overdue_sessions(self, before: dt.datetime) -> list[int]:
        async with self.pool.connection() as conn:
            rows = await (
                await conn.execute(
                    "SELECT chat_id FROM active_sessions WHERE (doc->>'due')::timestamptz < %s",
                    (before,),
                )
            ).fetchall()
        return [chat_id for (chat_id,) in rows]

    async def save_session(self, active: ActiveSession) -> bool:
        # One statement each: the UPDATE's row lock makes a concurrent save wait, then find
        # the version moved on and change nothing (READ COMMITTED re-checks the WHERE).
        doc = Jsonb(active_to_doc(active))
        async with self.pool.connection() as conn:
            if active.version == 1:
                cursor = await conn.execute(
                    "INSERT INTO active_sessions (chat_id, doc, version) VALUES (%s, %s, 1)"
                    " ON CONFLICT (chat_id) DO NOTHING",
                    (active.chat_id, doc),
                )
            else:
                cursor = await conn.execute(
                    "UPDATE active_sessions SET doc = %s, version = %s"
                    " WHERE chat_id = %s AND version = %s",
                    (doc, active.version, active.chat_id, active.version - 1),
                )
            return cursor.rowcount == 1

    async def end_session(self, record: SessionRecord) -> None:
        async with self.pool.connection() as conn, conn.transaction():
            await conn.execute(
                "INSERT INTO sessions (chat_id, started_at, doc) VALUES (%s, %s, %s)"
                " ON CONFLICT (chat_id, started_at) DO UPDATE SET doc = excluded.doc",
                (record.chat_id, record.started_at, Jsonb(record_to_doc(record))),
            )
            await conn.execute("DELETE FROM active_sessions WHERE chat_id = %s", (record.chat_id,))

    async def clear_active_session(self, chat_id: int) -> None:
        async with self.pool.connection() as conn:
            await conn.execute("DELETE FROM active_sessions WHERE chat_id = %s", (chat_id,))

    async def active_sessions(self) -> list[ActiveSession]:
        async with self.pool.connection() as conn:
            rows = await (
                await conn.execute("SELECT doc, version FROM active_sessions")
            ).fetchall()
        return [replace(active_from_doc(doc), version=version) for doc, version in rows]

    async def history(self, chat_id: int) -> list[SessionRecord]:
        async with self.pool.connection() as conn:
            rows = await (
                await conn.execute(
                    "SELECT doc FROM sessions WHERE chat_id = %s ORDER BY started_at", (chat_id,)
                )
            ).fetchall()
        return [record_from_doc(doc) for (doc,) in rows]

    async def update_session(self, record: SessionRecord) -> bool:
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE sessions SET doc = %s WHERE chat_id = %s AND started_at = %s",
                (Jsonb(record_to_doc(record)), record.chat_id, record.started_at),
            )
            return cursor.rowcount == 1

    # Questions -------------------------------------------------------------------------------

    async def open_prompt(
        self, chat_id: int, kind: str, message_id: int, payload: str = ""
    ) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO prompts (chat_id, kind, message_id, payload) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (chat_id, kind) DO UPDATE"
                " SET message_id = excluded.message_id, payload = excluded.payload",
                (chat_id, kind, message_id, payload),
            )

    async def take_prompt(self, chat_id: int, kind: str, message_id: int) -> str | None:
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute(
                    "DELETE FROM prompts WHERE chat_id = %s AND kind = %s AND message_id = %s"
                    " RETURNING payload",
                    (chat_id, kind, message_id),
                )
            ).fetchone()
        return str(row[0]) if row is not None else None

    # The chat's data as a whole --------------------------------------------------------------

    async def forget(self, chat_id: int) -> None:
        async with self.pool.connection() as conn, conn.transaction():
            for table in ("chats", "sessions", "active_sessions", "prompts", "unreadable"):
                await conn.execute(f"DELETE FROM {table} WHERE chat_id = %s", (chat_id,))

    async def unreadable(self, chat_id: int) -> bool:
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute("SELECT 1 FROM unreadable WHERE chat_id = %s", (chat_id,))
            ).fetchone()
        return row is not None

    async def take_unreadable_notice(self, chat_id: int) -> bool:
        async with self.pool.connection() as conn:
            cursor = await conn.execute(
                "UPDATE unreadable SET told = true WHERE chat_id = %s AND NOT told", (chat_id,)
            )
            return cursor.rowcount > 0

    # Pictures' file_ids ------------------------------------------------------------------------

    async def file_id(self, key: str) -> str | None:
        async with self.pool.connection() as conn:
            row = await (
                await conn.execute("SELECT file_id FROM file_ids WHERE key = %s", (key,))
            ).fetchone()
        return str(row[0]) if row else None

    async def remember_file_id(self, key: str, file_id: str) -> None:
        async with self.pool.connection() as conn:
            await conn.execute(
                "INSERT INTO file_ids (key, file_id) VALUES (%s, %s) ON CONFLICT (key)"
                " DO UPDATE SET file_id = excluded.file_id, updated_at = now()",
                (key, file_id),
            )

    async def forget_file_id(self, key: str) -> None:
        async with self.pool.connection() as conn:
            await conn.execute("DELETE FROM file_ids WHERE key = %s", (key,))

    async def counts(self) -> dict[str, int]:
        """How many rows each table holds (``stretchbot migrate-store`` compares them)."""
        found = {}
        async with self.pool.connection() as conn:
            for table in ("chats", "sessions", "active_sessions", "prompts"):
                row = await (await conn.execute(f"SELECT count(*) FROM {table}")).fetchone()
                found[table] = int(row[0]) if row else 0
        return found
