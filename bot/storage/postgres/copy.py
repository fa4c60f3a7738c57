"""Copying a TinyDB data folder into an empty PostgreSQL database (``stretchbot migrate-store``).

Rows go in batches with ``executemany`` over one connection, in one transaction: a copy that
fails half-way leaves the database as empty as it was. The counts on both sides are returned
for the operator to compare.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from bot.core.chat import Chat
from bot.core.documents import active_to_doc, chat_to_doc, record_to_doc
from bot.storage.chatfiles import ChatFiles

__all__ = ["Copied", "copy_store"]

_BATCH = 1000


@dataclass(frozen=True, slots=True)
class Copied:
    """Rows per table in the folder (``before``) and in the database afterwards (``after``);
    ``refused`` says why nothing was copied."""

    before: dict[str, int]
    after: dict[str, int]
    refused: str = ""


def _batches(rows: Iterator[tuple[Any, ...]]) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


async def copy_store(files: ChatFiles, url: str) -> Copied:
    """Copy chats, session histories and sessions in progress; the database must be empty."""
    before = {"chats": 0, "sessions": 0, "active_sessions": 0}
    async with await psycopg.AsyncConnection.connect(url) as conn:
        row = await (await conn.execute("SELECT count(*) FROM chats")).fetchone()
        if row is not None and row[0]:
            return Copied(before, before, "The database already holds chats: not copying.")
        chats: list[Chat] = []

        def chat_rows() -> Iterator[tuple[Any, ...]]:
            for chat in files.chats():
                chats.append(chat)
                saved = replace(chat, version=max(chat.version, 1))
                yield (
                    chat.chat_id,
                    saved.version,
                    chat.schedule.subscribed,
                    Jsonb(chat_to_doc(saved)),
                )

        async with conn.transaction(), conn.cursor() as cursor:
            for batch in _batches(chat_rows()):
                await cursor.executemany(
                    "INSERT INTO chats (chat_id, version, subscribed, doc)"
                    " VALUES (%s, %s, %s, %s)",
                    batch,
                )
            before["chats"] = len(chats)
            session_rows = (
                (record.chat_id, record.started_at, Jsonb(record_to_doc(record)))
                for chat in chats
                for record in files.history(chat.chat_id)
            )
            for batch in _batches(session_rows):
                before["sessions"] += len(batch)
                await cursor.executemany(
                    "INSERT INTO sessions (chat_id, started_at, doc) VALUES (%s, %s, %s)",
                    batch,
                )
            active = files.active_sessions()
            before["active_sessions"] = len(active)
            if active:
                await cursor.executemany(
                    "INSERT INTO active_sessions (chat_id, doc) VALUES (%s, %s)",
                    [(a.chat_id, Jsonb(active_to_doc(a))) for a in active],
                )
        after = {}
        for table in before:
            row = await (await conn.execute(f"SELECT count(*) FROM {table}")).fetchone()
            after[table] = int(row[0]) if row is not None else 0
    return Copied(before, after)
