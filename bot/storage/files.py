"""Chat files on disk: written atomically, read strictly, many at once with one sync.

Writes go through :class:`AtomicJSONStorage`: TinyDB's own JSONStorage rewrites the file in
place, so a crash mid-write leaves broken JSON and the chat is lost. A write returns only once it
is on disk (fsync of the file and its folder). Reads refuse anything that is not a JSON object
of tables (:class:`~bot.storage.quarantine.CorruptChat`): the store never writes such a file, so
it is damage, not a new chat.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage as TinyStorage

from bot.storage.quarantine import CorruptChat

__all__ = [
    "PRIVATE_FOLDER",
    "AtomicJSONStorage",
    "chat_name",
    "fsync_dir",
    "read_json",
    "write_many",
]

#: The data folders are created for their owner only; the files are too (mkstemp makes them
#: 0600 and the rename keeps that mode), since they hold who uses the bot and when.
PRIVATE_FOLDER = 0o700
#: Folders the chat files are spread over, so no folder holds a hundred thousand files.
_BUCKETS = 256


class AtomicJSONStorage(TinyStorage):
    """JSON file storage that replaces the file atomically on every write.

    The new content goes to a temporary file in the same folder, is fsynced, then renamed over
    the old file with ``os.replace`` (atomic on POSIX and Windows); the folder is fsynced too, so
    the rename itself survives a power cut.

    Reads come from memory after the first: this process is the file's only writer, and every
    write goes to disk before it returns (unlike TinyDB's CachingMiddleware, which delays
    writes). TinyDB treats what ``read`` returns as its own to modify before ``write``, as it
    does with CachingMiddleware's cache.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__()
        self._path = Path(path)
        self._path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        self._cache: dict[str, dict[str, Any]] | None = None

    def read(self) -> dict[str, dict[str, Any]] | None:
        if self._cache is not None:
            return self._cache
        data = read_json(self._path)
        if data is None:
            return None
        self._cache = data
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # Until the write is known to have succeeded, the file is the truth, not memory.
        self._cache = None
        payload = encode(data)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{self._path.name}.", dir=self._path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(payload)
                handle.flush()
                os.fsync(handle.fileno())
            Path(tmp_name).replace(self._path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                Path(tmp_name).unlink()
            raise
        fsync_dir(self._path.parent)
        self._cache = data

    def close(self) -> None:
        """Nothing is held open between operations."""


def encode(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; its rename is durable enough.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_json(path: str | Path) -> dict[str, Any] | None:
    """A chat file's tables; None if there is no file. Anything that is not a JSON object of
    tables (empty, truncated, a folder, a list) is :class:`CorruptChat`: the store never
    writes such a file, so it is damage, not a new chat."""
    # os.open/os.read, not open(): a start-up reads 100 000 small files, and building a
    # buffered file object for each costs four times as much as the reading.
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CorruptChat(path, exc.strerror or str(exc)) from None
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 16):
            chunks.append(chunk)
    except OSError as exc:
        raise CorruptChat(path, exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    text = b"".join(chunks)
    if not text.strip():
        raise CorruptChat(path, "empty file")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CorruptChat(path, f"not JSON ({exc})") from None
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise CorruptChat(path, "not a JSON object of tables")
    return data


def chat_name(chat_id: int) -> str:
    """A chat file's path under ``chats/``: 256 buckets, so no folder holds 100 000 files."""
    return f"{abs(chat_id) % _BUCKETS:02x}/{chat_id}.json"


def write_many(
    root: Path, files: Iterable[tuple[str, Mapping[str, Any]]], *, staged: bool = False
) -> None:
    """Write many files under ``root``, then make them all durable with one sync.

    One fsync per file would make a 100 000-chat upgrade take minutes; ``os.sync`` flushes
    everything at once, before this returns. Each file is replaced atomically, unless
    ``staged``: the whole folder is new and only renamed into place after this returns.
    Plain str paths and os calls: pathlib and buffered files doubled an upgrade's time.
    """
    if not hasattr(os, "sync"):  # pragma: no cover - Windows: one atomic write each
        for name, data in files:
            AtomicJSONStorage(root / name).write(dict(data))
        return
    folders: set[str] = set()
    for name, data in files:
        path = f"{root}/{name}"
        folder = path.rpartition("/")[0]
        if folder not in folders:
            Path(folder).mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
            folders.add(folder)
        target = path if staged else f"{folder}/.{name.rpartition('/')[2]}.new"
        # Private to the bot's user, like the mkstemp files of single writes.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            payload = memoryview(encode(data))
            while payload:
                payload = payload[os.write(fd, payload) :]
        finally:
            os.close(fd)
        if not staged:
            os.replace(target, path)  # noqa: PTH105 - str paths on purpose, see above
    os.sync()
