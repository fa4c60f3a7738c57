"""The operator's commands besides running the bot: ``stretchbot migrate`` (the PostgreSQL
schema) and ``stretchbot migrate-store`` (a TinyDB data folder into PostgreSQL).

Each prints what it did in a few lines and returns an exit status; a problem is one line.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.copy import copy_store
from bot.storage.postgres.schema import SchemaError, check, migrate

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
    """Copy every chat, session and session in progress from ``source`` into the database,
    printing the counts on both sides; 1 if they differ or the database is not empty."""
    if not (source / "store.json").exists() and not (source / "stretchbot.json").exists():
        say(f"{source} is not a stretch-bot data folder (no store.json)")
        return 2
    try:
        check(url)
    except SchemaError as exc:
        say(str(exc))
        return 2
    files = ChatFiles.in_folder(source)
    result = asyncio.run(copy_store(files, url))
    if result.refused:
        say(result.refused)
        return 2
    width = max(len(name) for name in result.before)
    for name, count in result.before.items():
        say(f"{name:<{width}}  {count:>9} in {source}  →  {result.after[name]:>9} in the database")
    if result.before != result.after:
        say("The counts differ: the copy is incomplete.")
        return 1
    say("All copied; the counts match.")
    return 0
