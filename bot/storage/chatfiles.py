"""The embedded store: every chat in its own small TinyDB file, in the data folder.

**One TinyDB file per chat.** TinyDB reads and rewrites its whole file on every operation, so with
one file for everybody a settings change cost grew linearly with the number of users (15 ms at
1 000 users with their history, 150 ms at 10 000, 2.8 s at 100 000; see ``bench/README.md``).
Each chat has its own small TinyDB file (see :mod:`bot.storage.layout`), so one chat's write
rewrites about a kilobyte whatever the total. This was chosen over an append-only journal
compacted into snapshots: TinyDB stays the format on disk, each write is one atomic replace
(:mod:`bot.storage.files`), no compaction runs, and forgetting or exporting a chat is one file.
The price is start-up, which parses every file once (about 2 s of 5 s at 100 000 chats).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from tinydb import Query, TinyDB
from tinydb.table import Document

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.core.documents import (
    active_from_doc,
    active_to_doc,
    chat_from_doc,
    chat_to_doc,
    record_from_doc,
    record_to_doc,
)
from bot.storage.files import (
    PRIVATE_FOLDER,
    AtomicJSONStorage,
    chat_name,
    fsync_dir,
    read_json,
    write_many,
)
from bot.storage.layout import (
    ACTIVE,
    ACTIVE_SESSION,
    CHATS,
    ONLY,
    PROMPTS,
    QUARANTINE,
    SESSIONS,
    SUBSCRIBER,
    open_layout,
)
from bot.storage.quarantine import CorruptChat, Quarantine

__all__ = ["ChatFiles", "StaleWrite"]

_T = TypeVar("_T")
_LOGGER = logging.getLogger(__name__)


class StaleWrite(RuntimeError):
    """A save of a chat read before some later save (it would undo that change): a unit of
    work (``TinyStore.change``) re-reads and re-applies; a plain :meth:`ChatFiles.save` raises."""


class ChatFiles:
    """Chats, active sessions and session history, one TinyDB file per chat.

    Every method is one synchronous operation on one chat's file. Each save checks the version
    it read is still the stored one (:class:`StaleWrite` otherwise); units of work over that
    rule are :class:`bot.storage.tinydb.TinyStore`'s.

    **Damaged files** are set aside by :class:`~bot.storage.quarantine.Quarantine` the first
    time they are read: that chat starts afresh, every other chat is served as usual.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder
        self._chats = folder / CHATS
        self._active = folder / ACTIVE
        self.quarantine = Quarantine(folder / QUARANTINE, PRIVATE_FOLDER)
        open_layout(self.path)
        # Made here, not by the mkdir of a file's folder, whose parents get the default mode.
        for folder in (self._chats, self._active):
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
            folder.chmod(PRIVATE_FOLDER)
        try:  # a data folder that already existed (the repository's data/) is made private too
            folder.parent.chmod(PRIVATE_FOLDER)
        except PermissionError:  # someone else's folder (a mounted volume): say so, carry on
            _LOGGER.warning("Could not make %s private (mode 0700)", folder.parent)

    @classmethod
    def in_folder(cls, folder: Path) -> ChatFiles:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        return cls(folder)

    def close(self) -> None:  # nothing is held open between operations
        pass

    def chat_file(self, chat_id: int) -> Path:
        """The TinyDB file holding everything about one chat (forget it by deleting it)."""
        return self._chats / chat_name(chat_id)

    def _open(self, chat_id: int, operation: Callable[[TinyDB], _T]) -> _T:
        """Run ``operation`` on the chat's TinyDB file. A file that cannot be read as a chat
        is set aside first, and the operation runs on a fresh (empty) file instead."""
        for _ in range(2):
            db = TinyDB(self.chat_file(chat_id), storage=AtomicJSONStorage)
            try:
                return operation(db)
            except CorruptChat as exc:
                self._set_aside(chat_id, exc.reason)
            finally:
                db.close()
        raise CorruptChat(self.chat_file(chat_id), "still unreadable after setting it aside")

    def _set_aside(self, chat_id: int, reason: str) -> None:
        self.quarantine.set_aside(self.chat_file(chat_id), chat_id, reason)
        (self._active / str(chat_id)).unlink(missing_ok=True)

    # Chats -----------------------------------------------------------------------------------

    def chat(self, chat_id: int) -> Chat | None:
        def read(db: TinyDB) -> Chat | None:
            doc = db.table(SUBSCRIBER).get(doc_id=ONLY)
            return _chat(doc, chat_id, self.chat_file(chat_id)) if doc is not None else None

        return self._open(chat_id, read)

    def save(self, chat: Chat) -> Chat:
        """Store ``chat`` if it is the version stored (0 for a new chat); returns it with its
        new version. Raises :class:`StaleWrite` for an out-of-date copy."""
        path = self.chat_file(chat.chat_id)

        def write(db: TinyDB) -> Chat:
            table = db.table(SUBSCRIBER)
            doc = table.get(doc_id=ONLY)
            stored = _chat(doc, chat.chat_id, path).version if doc is not None else 0
            if stored != chat.version:
                raise StaleWrite(
                    f"chat {chat.chat_id}: saving version {chat.version}, "
                    f"but version {stored} is stored"
                )
            saved = replace(chat, version=stored + 1)
            table.upsert(Document(chat_to_doc(saved), doc_id=ONLY))
            return saved

        return self._open(chat.chat_id, write)

    def add_chats(self, chats: Iterable[Chat]) -> None:
        """Add many new chats with one sync to disk (imports, benchmarks); existing ids fail
        before anything is written."""
        new = list(chats)
        ids = [chat.chat_id for chat in new]
        taken = [chat_id for chat_id in ids if self.chat(chat_id) is not None]
        if taken or len(set(ids)) != len(ids):
            raise ValueError(f"chats already exist: {sorted(set(taken)) or ids}")
        files = []
        for chat in new:
            data = read_json(self.chat_file(chat.chat_id)) or {}
            data[SUBSCRIBER] = {str(ONLY): chat_to_doc(chat)}
            files.append((chat_name(chat.chat_id), data))
        write_many(self._chats, files)

    def chats(self) -> Iterator[Chat]:
        """Every chat that has ever subscribed, subscribed or not; damaged files are set aside
        (and skipped) on the way."""
        for path, chat_id, data in self._all_chats():
            doc = data.get(SUBSCRIBER, {}).get(str(ONLY))
            if doc is None:
                continue
            try:
                yield _chat(doc, chat_id, path)
            except CorruptChat as exc:
                self._set_aside_file(path, chat_id, exc.reason)

    def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        """Record that the reminder for ``slot`` at instant ``at`` is being sent.

        Returns False if it (or a later one for the same slot) was already sent: the guard that
        keeps a reminder from going out twice, across restarts and duplicate jobs. Synchronous:
        read and write happen with no await between them, so this is a unit of work in itself.
        """
        current = self.chat(chat_id)
        if current is None:
            return False
        delivery = current.delivery
        previous = delivery.last_sent.get(slot)
        if previous is not None and previous >= at:
            return False
        last_sent = {**delivery.last_sent, slot: at}
        self.save(replace(current, delivery=replace(delivery, last_sent=last_sent)))
        return True

    def release_reminder(
        self, chat_id: int, slot: str, at: dt.datetime, previous: dt.datetime | None
    ) -> None:
        """Undo :meth:`claim_reminder` after a send that failed, so a retry (or the catch-up
        after a restart) may claim it again; ``previous`` is what ``last_sent`` held before."""
        current = self.chat(chat_id)
        if current is None or current.delivery.last_sent.get(slot) != at:
            return
        delivery = current.delivery
        last_sent = {key: value for key, value in delivery.last_sent.items() if key != slot}
        if previous is not None:
            last_sent[slot] = previous
        self.save(replace(current, delivery=replace(delivery, last_sent=last_sent)))

    # Confirmation prompts ------------------------------------------------------------------

    def open_prompt(self, chat_id: int, kind: str, message_id: int, payload: str = "") -> None:
        """Remember the one live question of this ``kind`` ("forget", "broadcast") in the chat:
        its message, and what it is about."""

        def write(db: TinyDB) -> None:
            table = db.table(PROMPTS)
            prompts = dict(table.get(doc_id=ONLY) or {})
            prompts[kind] = {"message_id": message_id, "payload": payload}
            table.upsert(Document(prompts, doc_id=ONLY))

        self._open(chat_id, write)

    def take_prompt(self, chat_id: int, kind: str, message_id: int) -> str | None:
        """Close the question if ``message_id`` is the live one: its payload, once; None for a
        second press, an older question, or after /forget."""
        path = self.chat_file(chat_id)
        if not path.exists():
            return None

        def take(db: TinyDB) -> str | None:
            table = db.table(PROMPTS)
            prompts = dict(table.get(doc_id=ONLY) or {})
            prompt = prompts.get(kind)
            if not isinstance(prompt, dict) or prompt.get("message_id") != message_id:
                return None
            del prompts[kind]
            if prompts:
                table.upsert(Document(prompts, doc_id=ONLY))
            else:  # leave the file as it was before the question
                db.drop_table(PROMPTS)
            return str(prompt.get("payload", ""))

        return self._open(chat_id, take)

    # Sessions ------------------------------------------------------------------------------

    def begin_session(self, active: ActiveSession) -> None:
        # The marker first: a marker without a session is skipped, a session without a marker
        # would never be closed as interrupted. Each cue saves the session: marked once.
        marker = self._active / str(active.chat_id)
        if not marker.exists():
            self._active.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
            marker.touch()
            fsync_dir(self._active)
        doc = active_to_doc(active)
        self._open(
            active.chat_id,
            lambda db: db.table(ACTIVE_SESSION).upsert(Document(doc, doc_id=ONLY)),
        )

    def end_session(self, record: SessionRecord) -> None:
        """Move a session from active to the history."""
        self._open(record.chat_id, lambda db: db.table(SESSIONS).insert(record_to_doc(record)))
        self.clear_active_session(record.chat_id)

    def clear_active_session(self, chat_id: int) -> None:
        def clear(db: TinyDB) -> None:
            table = db.table(ACTIVE_SESSION)
            if table.contains(doc_id=ONLY):
                table.remove(doc_ids=[ONLY])

        if self.chat_file(chat_id).exists():
            self._open(chat_id, clear)
        (self._active / str(chat_id)).unlink(missing_ok=True)

    def active_session(self, chat_id: int) -> ActiveSession | None:
        def read(db: TinyDB) -> ActiveSession | None:
            doc = db.table(ACTIVE_SESSION).get(doc_id=ONLY)
            path = self.chat_file(chat_id)
            return None if doc is None else _parsed(path, lambda: active_from_doc(doc))

        return self._open(chat_id, read) if self.chat_file(chat_id).exists() else None

    def active_sessions(self) -> list[ActiveSession]:
        try:
            names = sorted(path.name for path in self._active.iterdir())
        except FileNotFoundError:
            return []
        sessions = []
        for name in names:
            if not name.lstrip("-").isdigit():
                continue
            chat_id = int(name)
            path = self.chat_file(chat_id)
            try:
                data = read_json(path) or {}
                doc = data.get(ACTIVE_SESSION, {}).get(str(ONLY))
                if doc is not None:
                    sessions.append(_parsed(path, functools.partial(active_from_doc, doc)))
            except CorruptChat as exc:
                self._set_aside_file(path, chat_id, exc.reason)
        return sessions

    def forget_chat(self, chat_id: int) -> None:
        """Delete everything stored about a chat (/forget): its file, its marker, and any
        copy set aside in quarantine."""
        path = self.chat_file(chat_id)
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        path.unlink(missing_ok=True)
        if path.parent.exists():
            fsync_dir(path.parent)
        (self._active / str(chat_id)).unlink(missing_ok=True)
        self.quarantine.remove(chat_id)

    def update_session(self, record: SessionRecord) -> bool:
        """Replace the history entry of the same start (a late pain answer); False if there
        is none."""
        found = self._open(
            record.chat_id,
            lambda db: db.table(SESSIONS).update(
                record_to_doc(record), Query().started_at == record.started_at.isoformat()
            ),
        )
        return bool(found)

    def history(self, chat_id: int) -> list[SessionRecord]:
        """A chat's sessions, oldest first."""
        path = self.chat_file(chat_id)

        def read(db: TinyDB) -> list[SessionRecord]:
            docs = db.table(SESSIONS).all()
            return [_parsed(path, functools.partial(record_from_doc, doc)) for doc in docs]

        return sorted(self._open(chat_id, read), key=lambda record: record.started_at)

    # The whole store -----------------------------------------------------------------------

    def dump(self) -> str:
        """Everything stored, as one text: lets a test see that nothing changed."""
        files = {
            path.relative_to(self.path).as_posix(): path.read_text(encoding="utf-8")
            for folder in (self._chats, self._active)
            if folder.exists()
            for path in sorted(folder.rglob("*"))
            if path.is_file()
        }
        return json.dumps(files, indent=1, sort_keys=True)

    def _set_aside_file(self, path: Path, chat_id: int | None, reason: str) -> None:
        self.quarantine.set_aside(path, chat_id, reason)
        if chat_id is not None:
            (self._active / str(chat_id)).unlink(missing_ok=True)

    def _all_chats(self) -> Iterator[tuple[Path, int, dict[str, Any]]]:
        """Every chat file with its chat id and content; a file deleted meanwhile is skipped,
        and one that cannot be read is set aside."""
        # os.scandir and str paths: at 100 000 files, pathlib objects cost a second of start-up.
        try:
            with os.scandir(self._chats) as found:
                buckets = sorted(entry.path for entry in found if entry.is_dir())
        except FileNotFoundError:
            return
        for bucket in buckets:
            with os.scandir(bucket) as entries:
                names = [
                    (entry.path, entry.name[: -len(".json")])
                    for entry in entries
                    if entry.name.endswith(".json") and not entry.name.startswith(".")
                ]
            for name, stem in names:
                chat_id = int(stem) if stem.lstrip("-").isdigit() else None
                try:
                    if chat_id is None:
                        raise CorruptChat(name, "the file name is not a chat id")
                    data = read_json(name)
                except CorruptChat as exc:
                    self._set_aside_file(Path(name), chat_id, exc.reason)
                    continue
                if data is not None and chat_id is not None:
                    yield Path(name), chat_id, data


def _parsed(path: str | Path, parse: Callable[[], _T]) -> _T:
    """A stored document read by ``parse``; any error in it makes the file CorruptChat."""
    try:
        return parse()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptChat(path, f"{type(exc).__name__}: {exc}") from None


def _chat(doc: Mapping[str, Any], chat_id: int, path: str | Path) -> Chat:
    chat = _parsed(path, lambda: chat_from_doc(doc))
    if chat.chat_id != chat_id:
        raise CorruptChat(path, f"it holds chat {chat.chat_id}, not {chat_id}")
    return chat
