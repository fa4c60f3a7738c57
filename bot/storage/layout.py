"""The layout of a data folder, and the one-off upgrade from the original single file.

A data folder holds ``chats/<bucket>/<chat_id>.json`` (one small TinyDB file per chat, tables
``subscriber``, ``active_session``, ``sessions`` and ``prompts``), ``active/<chat_id>`` markers
for chats with a session in progress, ``quarantine/`` for files that could not be read, and
``store.json``, which records the layout version. ``store.json`` is written last when the
store is created or upgraded, so its presence means the layout is whole.

**Upgrade.** A store in the original single-file format (``stretchbot.json``) is split into chat
files on first start, into temporary folders that are renamed into place before ``store.json``
is written; the old file is then kept as ``stretchbot.json.v1-backup``. A crash at any point
leaves either the old file (the upgrade starts over) or a complete new store.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.table import Document

from bot.storage.files import AtomicJSONStorage, chat_name, fsync_dir, write_many

__all__ = [
    "ACTIVE",
    "ACTIVE_SESSION",
    "BACKUP_SUFFIX",
    "CHATS",
    "LAYOUT_FILE",
    "LEGACY_FILE",
    "ONLY",
    "PROMPTS",
    "QUARANTINE",
    "SCHEMA_VERSION",
    "SESSIONS",
    "SUBSCRIBER",
    "open_layout",
]

_LOGGER = logging.getLogger(__name__)

#: 1: one TinyDB file for everybody; 2: one per chat.
SCHEMA_VERSION = 2
#: The original single-file store, upgraded on first start and then kept with BACKUP_SUFFIX.
LEGACY_FILE = "stretchbot.json"
BACKUP_SUFFIX = ".v1-backup"
#: Written last when the store is created or upgraded: its presence means the layout is whole.
LAYOUT_FILE = "store.json"
CHATS = "chats"
ACTIVE = "active"
QUARANTINE = "quarantine"
# The tables of a chat file; subscriber and active_session hold one document each.
SUBSCRIBER = "subscriber"
ACTIVE_SESSION = "active_session"
SESSIONS = "sessions"
#: Open confirmation questions (/forget, /broadcast): which message asks, so only one answer
#: to it counts.
PROMPTS = "prompts"
#: The document id of a table that holds one document.
ONLY = 1


def open_layout(folder: Path) -> None:
    """Make ``folder`` a complete store: upgrade an old single file, or start a new layout."""
    layout, legacy = folder / LAYOUT_FILE, folder / LEGACY_FILE
    if not layout.exists():
        if legacy.exists():
            _upgrade(folder, legacy)
        _write_layout(layout)
    backup = legacy.with_name(legacy.name + BACKUP_SUFFIX)
    if legacy.exists() and not backup.exists():  # upgraded, not yet renamed
        legacy.replace(backup)
        fsync_dir(folder)


def _upgrade(folder: Path, legacy: Path) -> None:
    """Split a single-file store into chat files, in folders renamed into place whole."""
    text = legacy.read_text(encoding="utf-8")
    tables: dict[str, dict[str, Any]] = json.loads(text) if text.strip() else {}
    chats: dict[int, dict[str, dict[str, Any]]] = {}

    def chat(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
        return chats.setdefault(int(doc["chat_id"]), {})

    for doc in tables.get("subscribers", {}).values():
        chat(doc)[SUBSCRIBER] = {str(ONLY): doc}
    for doc in tables.get("active_sessions", {}).values():
        chat(doc)[ACTIVE_SESSION] = {str(ONLY): doc}
    for doc in tables.get("sessions", {}).values():
        sessions = chat(doc).setdefault(SESSIONS, {})
        sessions[str(len(sessions) + 1)] = doc
    finals = (folder / CHATS, folder / ACTIVE)
    staging = {final: final.with_name(final.name + ".upgrading") for final in finals}
    for leftover in (*staging, *staging.values()):  # of an upgrade cut short
        shutil.rmtree(leftover, ignore_errors=True)
    chats_dir, active_dir = staging[folder / CHATS], staging[folder / ACTIVE]
    active_dir.mkdir()
    for chat_id, data in chats.items():
        if ACTIVE_SESSION in data:
            (active_dir / str(chat_id)).touch()
    # The folder is renamed into place only once whole: no file needs its own atomic write.
    write_many(
        chats_dir,
        ((chat_name(chat_id), data) for chat_id, data in chats.items()),
        staged=True,
    )
    for final, staged in staging.items():
        staged.replace(final)
    fsync_dir(folder)
    _LOGGER.info("Upgraded %s: %d chats, one file each", legacy.name, len(chats))


def _write_layout(path: Path) -> None:
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("meta").upsert(Document({"schema": SCHEMA_VERSION, "layout": "chat-files"}, 1))
    db.close()
