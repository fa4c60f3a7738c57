"""The file_ids Telegram gave the pictures the bot uploaded, in one small file of the data
folder (``file_ids.json``), written atomically like a chat file.

It is a cache, not data anybody owns: a damaged or missing file costs one upload per picture,
never a refused start, and it is not part of a chat's export or of ``/forget``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.storage.files import AtomicJSONStorage
from bot.storage.quarantine import CorruptChat

__all__ = ["FILE_IDS", "FileIdFile"]

_LOGGER = logging.getLogger(__name__)

#: The file in the data folder.
FILE_IDS = "file_ids.json"
_TABLE = "file_ids"


class FileIdFile:
    """Picture key → file_id, read once, every change written through."""

    def __init__(self, folder: Path) -> None:
        self._storage = AtomicJSONStorage(folder / FILE_IDS)
        self._ids: dict[str, str] | None = None

    def _read(self) -> dict[str, str]:
        if self._ids is None:
            try:
                tables = self._storage.read() or {}
            except CorruptChat as exc:
                _LOGGER.warning("%s; pictures will be uploaded again", exc)
                tables = {}
            docs = tables.get(_TABLE, {})
            self._ids = {key: str(doc["file_id"]) for key, doc in docs.items() if "file_id" in doc}
        return self._ids

    def get(self, key: str) -> str | None:
        return self._read().get(key)

    def put(self, key: str, file_id: str) -> None:
        ids = self._read()
        if ids.get(key) != file_id:
            ids[key] = file_id
            self._write(ids)

    def drop(self, key: str) -> None:
        ids = self._read()
        if ids.pop(key, None) is not None:
            self._write(ids)

    def _write(self, ids: dict[str, str]) -> None:
        self._storage.write({_TABLE: {key: {"file_id": value} for key, value in ids.items()}})
