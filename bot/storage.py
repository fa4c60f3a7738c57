"""The one store of record: subscribers, their schedules and session history, in TinyDB.

The API is narrow and returns dataclasses, so the layout below can change without touching
handlers.

**One TinyDB file per chat.** TinyDB reads and rewrites its whole file on every operation, so with
one file for everybody a settings change cost grew linearly with the number of users (15 ms at
1 000 users with their history, 150 ms at 10 000, 2.8 s at 100 000; see ``bench/README.md``).
Each chat now has its own small TinyDB file, ``chats/<bucket>/<chat_id>.json`` (tables
``subscriber``, ``active_session``, ``sessions``), so one chat's write rewrites about a kilobyte
whatever the total. This was chosen over an append-only journal compacted into snapshots because
it keeps TinyDB as the real format on disk, keeps crash safety as simple as it was (each write is
still one atomic replace), needs no background compaction, and makes per-chat work trivial:
forgetting a chat deletes one file, exporting one reads one file, new fields ride on
``to_doc``/``from_doc``. The price is start-up, which opens and parses every file once (about
2 s of a 5 s start-up at 100 000 chats) instead of parsing one big file.

``active/<chat_id>`` marker files index the chats with a session in progress, so start-up finds
interrupted sessions without opening every chat. ``store.json`` records the layout version; it
is written last when the store is created or upgraded, so its presence means the layout is whole.

Writes go through :class:`AtomicJSONStorage`: TinyDB's own JSONStorage rewrites the file in
place, so a crash mid-write leaves broken JSON and the chat is lost. A write returns only once it
is on disk (fsync of the file and its folder).

**Upgrade.** A store in the original single-file format (``stretchbot.json``) is split into chat
files on first start, into temporary folders that are renamed into place before ``store.json``
is written; the old file is then kept as ``stretchbot.json.v1-backup``. A crash at any point
leaves either the old file (the upgrade starts over) or a complete new store.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from tinydb import Query, TinyDB
from tinydb.storages import Storage as TinyStorage
from tinydb.table import Document

from bot.parsing import ALL_DAYS, format_time
from bot.quarantine import CorruptChat, Quarantine
from bot.zones import zone_of

_T = TypeVar("_T")

__all__ = [
    "ActiveSession",
    "AtomicJSONStorage",
    "SessionRecord",
    "SessionStatus",
    "StaleWrite",
    "Storage",
    "Subscriber",
]

#: The data folders are created for their owner only; the files are too (mkstemp makes them
#: 0600 and the rename keeps that mode), since they hold who uses the bot and when.
PRIVATE_FOLDER = 0o700
#: 1: one TinyDB file for everybody; 2: one per chat.
SCHEMA_VERSION = 2
_LOGGER = logging.getLogger(__name__)
#: The original single-file store, upgraded on first start and then kept with BACKUP_SUFFIX.
LEGACY_FILE = "stretchbot.json"
BACKUP_SUFFIX = ".v1-backup"
#: Written last when the store is created or upgraded: its presence means the layout is whole.
LAYOUT_FILE = "store.json"
_CHATS = "chats"
_ACTIVE = "active"
#: Folders the chat files are spread over, so no folder holds a hundred thousand files.
_BUCKETS = 256
# The tables of a chat file; subscriber and active_session hold one document each.
_SUBSCRIBER = "subscriber"
_ACTIVE_SESSION = "active_session"
_SESSIONS = "sessions"
#: Open confirmation questions (/forget, /broadcast): which message asks, so only one answer
#: to it counts.
_PROMPTS = "prompts"
_QUARANTINE = "quarantine"
_ONLY = 1


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
        data = _read_json(self._path)
        if data is None:
            return None
        self._cache = data
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # Until the write is known to have succeeded, the file is the truth, not memory.
        self._cache = None
        payload = _encode(data)
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
        _fsync_dir(self._path.parent)
        self._cache = data

    def close(self) -> None:
        """Nothing is held open between operations."""


def _encode(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; its rename is durable enough.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SessionStatus(StrEnum):
    #: Reached the end with most of the routine's hold time held (bot.session.DONE_SHARE).
    COMPLETED = "completed"
    #: Reached the end, but mostly skipped: not praised as complete, not a streak day.
    PARTIAL = "partial"
    STOPPED = "stopped"
    #: Cut by a restart or crash; closed at the next start-up.
    INTERRUPTED = "interrupted"


#: Half-open ranges of local dates, ``[start, end)``, when reminders were or are paused.
DateRange = tuple[dt.date, dt.date]
#: Minutes after an unanswered reminder that the one follow-up comes; None turns it off.
DEFAULT_NUDGE_MINUTES = 60


@dataclass(frozen=True, slots=True)
class Subscriber:
    """A chat that has used /start: its reminder schedule and what was last sent."""

    chat_id: int
    timezone: str
    times: tuple[dt.time, ...]
    subscribed: bool = True
    name: str = ""
    #: Per slot ("HH:MM"), the instant of the last reminder sent, so none is sent twice.
    last_sent: Mapping[str, dt.datetime] = field(default_factory=dict)
    created_at: dt.datetime | None = None
    #: Weekdays reminders happen on, 0 = Monday.
    days: frozenset[int] = ALL_DAYS
    #: Every pause ever set, kept so streaks can tell a paused day from a missed one.
    pauses: tuple[DateRange, ...] = ()
    #: "Skip today": no more reminders on this local date.
    skipped_day: dt.date | None = None
    nudge_minutes: int | None = DEFAULT_NUDGE_MINUTES
    #: The routine reminders offer; None means the content's default.
    routine_id: str | None = None
    #: The latest reminder message, whose snooze and skip buttons are the live ones.
    reminder_message_id: int | None = None
    #: The live reminder's number (its instant, in seconds), carried by its buttons: set
    #: before the send, so its buttons work even while Telegram is still answering it.
    reminder_number: int | None = None
    #: When a snoozed reminder is due again.
    snoozed_until: dt.datetime | None = None
    #: When the follow-up to an unanswered reminder is due; cleared by any reaction.
    nudge_due: dt.datetime | None = None
    #: When a send got 403 (the user blocked the bot); reminders are off until they write again.
    blocked_at: dt.datetime | None = None
    # Coaching (issue 7) ---------------------------------------------------------------------
    #: Adapted time in position per step and side (keys: bot/progression.py); none = the file's.
    holds: Mapping[str, float] = field(default_factory=dict)
    #: Exercises ("routine:index") that hurt last time: no increase until the next session.
    hurt: frozenset[str] = frozenset()
    #: Ask "How is your back, 0–10?" before and after sessions (/pain off turns it off).
    pain_check: bool = True
    #: The chat's own routine, uploaded as a TOML file: kept as sent, validated again on load.
    own_routine: str = ""
    #: Bumped by every save; a save of an older version is refused (:class:`StaleWrite`).
    version: int = 0

    @property
    def zone(self) -> dt.tzinfo:
        """The chat's zone for calendar arithmetic (see :func:`bot.zones.zone_of`)."""
        return zone_of(self.timezone)

    def paused_on(self, day: dt.date) -> bool:
        return any(start <= day < end for start, end in self.pauses)

    def paused_until(self, today: dt.date) -> dt.date | None:
        """The date reminders come back, if they are paused today or later."""
        ends = [end for _, end in self.pauses if end > today]
        return max(ends) if ends else None

    def reminds_on(self, day: dt.date) -> bool:
        """Whether reminders happen on this local date (weekday, pauses, skip today)."""
        return day.weekday() in self.days and day != self.skipped_day and not self.paused_on(day)

    def calendar_key(self) -> Hashable:
        """Everything reminder instants depend on besides the slot: chats with equal keys share
        them (``scheduling.Planner``). A field that :meth:`reminds_on` reads must be in it."""
        return (self.timezone, self.days, self.pauses, self.skipped_day)

    def to_doc(self) -> dict[str, Any]:
        return {
            "chat_id": self.chat_id,
            "timezone": self.timezone,
            "times": [format_time(time) for time in self.times],
            "subscribed": self.subscribed,
            "name": self.name,
            "last_sent": {slot: at.isoformat() for slot, at in self.last_sent.items()},
            "created_at": _iso(self.created_at),
            "days": sorted(self.days),
            "pauses": [[start.isoformat(), end.isoformat()] for start, end in self.pauses],
            "skipped_day": _iso(self.skipped_day),
            "nudge_minutes": self.nudge_minutes,
            "routine_id": self.routine_id,
            "reminder_message_id": self.reminder_message_id,
            "reminder_number": self.reminder_number,
            "snoozed_until": _iso(self.snoozed_until),
            "nudge_due": _iso(self.nudge_due),
            "blocked_at": _iso(self.blocked_at),
            "holds": dict(self.holds),
            "hurt": sorted(self.hurt),
            "pain_check": self.pain_check,
            "own_routine": self.own_routine,
            "version": self.version,
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Subscriber:
        """Read a stored document strictly: anything malformed is a ValueError naming the field,
        so a damaged file is set aside (see :class:`Storage`) instead of failing later."""
        read = _Fields(doc)
        days = frozenset(read.ints("days", ALL_DAYS))
        if not days <= ALL_DAYS:
            raise ValueError("days: weekday numbers go from 0 to 6")
        timezone = read.text("timezone")
        try:
            zone_of(timezone)
        except ValueError as exc:
            raise ValueError(f"timezone: {exc}") from None
        nudge = read.optional(int, "nudge_minutes", DEFAULT_NUDGE_MINUTES)
        return cls(
            chat_id=read.whole("chat_id"),
            timezone=timezone,
            times=tuple(dt.time.fromisoformat(time) for time in read.texts("times")),
            subscribed=read.flag("subscribed", True),
            name=read.text("name", ""),
            last_sent={
                slot: dt.datetime.fromisoformat(at) for slot, at in read.table("last_sent").items()
            },
            created_at=_datetime(read.optional(str, "created_at")),
            days=days,
            pauses=tuple(
                (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
                for start, end in read.pairs("pauses")
            ),
            skipped_day=_date(read.optional(str, "skipped_day")),
            nudge_minutes=nudge,
            routine_id=read.optional(str, "routine_id"),
            reminder_message_id=read.optional(int, "reminder_message_id"),
            reminder_number=read.optional(int, "reminder_number"),
            snoozed_until=_datetime(read.optional(str, "snoozed_until")),
            nudge_due=_datetime(read.optional(str, "nudge_due")),
            blocked_at=_datetime(read.optional(str, "blocked_at")),
            holds={key: float(value) for key, value in read.table("holds").items()},
            hurt=frozenset(read.texts("hurt", ())),
            pain_check=read.flag("pain_check", True),
            own_routine=read.text("own_routine", ""),
            version=read.whole("version", 0),
        )


class _Fields:
    """Typed access to a stored document's fields; a wrong type is a ValueError naming it.

    JSON gives back whatever was written, and a hand-edited or damaged file can hold a list
    where a text belongs: ``str([])`` or ``frozenset("abc")`` would not fail, only mislead.
    """

    _MISSING = object()

    def __init__(self, doc: Mapping[str, Any]) -> None:
        if not isinstance(doc, Mapping):
            raise ValueError(f"a document must be an object, not {type(doc).__name__}")
        self._doc = doc

    def _get(self, key: str, default: object) -> object:
        value = self._doc.get(key, default)
        if value is _Fields._MISSING:
            raise ValueError(f"{key}: missing")
        return value

    def whole(self, key: str, default: object = _MISSING) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{key}: not a whole number")
        return value

    def text(self, key: str, default: object = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str):
            raise ValueError(f"{key}: not text")
        return value

    def flag(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise ValueError(f"{key}: not true or false")
        return value

    def optional(self, kind: type[_T], key: str, default: _T | None = None) -> _T | None:
        value = self._get(key, default)
        if value is None:
            return None
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValueError(f"{key}: not {kind.__name__}")
        return value

    def texts(self, key: str, default: object = _MISSING) -> list[str]:
        value = self._get(key, default)
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{key}: not a list of texts")
        return list(value)

    def ints(self, key: str, default: object = _MISSING) -> list[int]:
        value = self._get(key, default)
        if not isinstance(value, list | tuple | frozenset) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in value
        ):
            raise ValueError(f"{key}: not a list of whole numbers")
        return list(value)

    def pairs(self, key: str) -> list[tuple[str, str]]:
        value = self._get(key, [])
        if not isinstance(value, list) or not all(
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(v, str) for v in pair)
            for pair in value
        ):
            raise ValueError(f"{key}: not a list of [start, end] dates")
        return [(start, end) for start, end in value]

    def table(self, key: str) -> dict[str, Any]:
        value = self._get(key, {})
        if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
            raise ValueError(f"{key}: not an object")
        if key == "holds" and not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in value.values()
        ):
            raise ValueError(f"{key}: not numbers")
        if key == "last_sent" and not all(isinstance(v, str) for v in value.values()):
            raise ValueError(f"{key}: not instants")
        return value


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _datetime(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


@dataclass(frozen=True, slots=True)
class ActiveSession:
    """A guided session in progress, stored so a restart can close it instead of losing it."""

    chat_id: int
    routine_id: str
    started_at: dt.datetime
    local_date: dt.date


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One guided session in the history, however it ended."""

    chat_id: int
    routine_id: str
    started_at: dt.datetime
    ended_at: dt.datetime
    #: The day it counts for, in the chat's zone when it started.
    local_date: dt.date
    status: SessionStatus
    #: Seconds from start to end; unknown (None) for an interrupted session.
    duration: float | None
    skipped: int = 0
    #: Time in position per timed step and side held to its release, by label ("Iliopsoas
    #: stretch · left"); before issue 11, per side reached.
    holds: Mapping[str, float] = field(default_factory=dict)
    #: The answers to "How is your back, 0–10?" before and after; None if not asked or skipped.
    pain_before: int | None = None
    pain_after: int | None = None
    #: Stopped because it hurt.
    hurt: bool = False

    def to_doc(self) -> dict[str, Any]:
        doc = asdict(self)
        doc.update(
            holds=dict(self.holds),
            started_at=self.started_at.isoformat(),
            ended_at=self.ended_at.isoformat(),
            local_date=self.local_date.isoformat(),
            status=str(self.status),
        )
        return doc

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> SessionRecord:
        return cls(
            chat_id=int(doc["chat_id"]),
            routine_id=str(doc["routine_id"]),
            started_at=dt.datetime.fromisoformat(doc["started_at"]),
            ended_at=dt.datetime.fromisoformat(doc["ended_at"]),
            local_date=dt.date.fromisoformat(doc["local_date"]),
            status=SessionStatus(doc["status"]),
            duration=doc.get("duration"),
            skipped=int(doc.get("skipped", 0)),
            holds={str(key): float(value) for key, value in doc.get("holds", {}).items()},
            pain_before=doc.get("pain_before"),
            pain_after=doc.get("pain_after"),
            hurt=bool(doc.get("hurt", False)),
        )


class StaleWrite(RuntimeError):
    """A save of a subscriber read before some later save: applying it would undo that change.

    :meth:`Storage.change` re-reads and re-applies its change when it meets one; a plain
    :meth:`Storage.save_subscriber` of an old copy raises it instead of losing an update.
    """


#: How often :meth:`Storage.change` re-reads and re-applies after a conflicting save.
_CHANGE_ATTEMPTS = 5


class Storage:
    """Subscribers, active sessions and session history, one TinyDB file per chat.

    **Units of work.** Every change to a chat's settings is one read → change → write, done by
    :meth:`change` under the chat's lock, and never across a Telegram call: a reminder that
    waits 1.5 s for Telegram's answer must not write back the subscriber it read before, over a
    ``/time`` confirmed meanwhile. Each save checks the version it read is still the stored one
    (:class:`StaleWrite` otherwise), the same rule a database backend needs across processes.

    **Damaged files** are set aside by :class:`~bot.quarantine.Quarantine` the first time they
    are read: that chat starts afresh, every other chat is served as usual.
    """

    def __init__(self, folder: Path) -> None:
        self.path = folder
        self._chats = folder / _CHATS
        self._active = folder / _ACTIVE
        self._locks: dict[int, asyncio.Lock] = {}
        self.quarantine = Quarantine(folder / _QUARANTINE, PRIVATE_FOLDER)
        self._open_layout()
        # Made here, not by the mkdir of a file's folder, whose parents get the default mode.
        for folder in (self._chats, self._active):
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
            folder.chmod(PRIVATE_FOLDER)
        try:  # a data folder that already existed (the repository's data/) is made private too
            folder.parent.chmod(PRIVATE_FOLDER)
        except PermissionError:  # someone else's folder (a mounted volume): say so, carry on
            _LOGGER.warning("Could not make %s private (mode 0700)", folder.parent)

    @classmethod
    def in_folder(cls, folder: Path) -> Storage:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        return cls(folder)

    def close(self) -> None:
        """Nothing is held open between operations."""

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The chat's lock for units of work (:meth:`change`); never held across a send."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    def chat_file(self, chat_id: int) -> Path:
        """The TinyDB file holding everything about one chat (forget it by deleting it)."""
        return self._chats / _chat_name(chat_id)

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

    # Subscribers ---------------------------------------------------------------------------

    def subscriber(self, chat_id: int) -> Subscriber | None:
        def read(db: TinyDB) -> Subscriber | None:
            doc = db.table(_SUBSCRIBER).get(doc_id=_ONLY)
            return _subscriber(doc, chat_id, self.chat_file(chat_id)) if doc is not None else None

        return self._open(chat_id, read)

    def save_subscriber(self, subscriber: Subscriber) -> Subscriber:
        """Store ``subscriber`` if it is the version stored (0 for a new chat); returns it
        with its new version. Raises :class:`StaleWrite` for an out-of-date copy."""
        path = self.chat_file(subscriber.chat_id)

        def write(db: TinyDB) -> Subscriber:
            table = db.table(_SUBSCRIBER)
            doc = table.get(doc_id=_ONLY)
            stored = _subscriber(doc, subscriber.chat_id, path).version if doc is not None else 0
            if stored != subscriber.version:
                raise StaleWrite(
                    f"chat {subscriber.chat_id}: saving version {subscriber.version}, "
                    f"but version {stored} is stored"
                )
            saved = replace(subscriber, version=stored + 1)
            table.upsert(Document(saved.to_doc(), doc_id=_ONLY))
            return saved

        return self._open(subscriber.chat_id, write)

    async def change(
        self, chat_id: int, change: Callable[[Subscriber], Subscriber]
    ) -> Subscriber | None:
        """One unit of work: apply ``change`` to the chat's current settings and save the
        result; returns what was saved, or None if the chat has no settings.

        ``change`` must be a pure function of the subscriber it is given: if another save got
        in first, it is applied again to the newer copy, so a confirmed change is never lost
        and never fails. Nothing is written if it returns an equal subscriber.
        """
        async with self.lock(chat_id):
            for _ in range(_CHANGE_ATTEMPTS):
                current = self.subscriber(chat_id)
                if current is None:
                    return None
                changed = change(current)
                if changed == current:
                    return current
                try:
                    return self.save_subscriber(changed)
                except StaleWrite:
                    _LOGGER.info("Chat %s changed meanwhile; applying the change again", chat_id)
        raise StaleWrite(f"chat {chat_id}: gave up after {_CHANGE_ATTEMPTS} conflicting saves")

    def add_subscribers(self, subscribers: Iterable[Subscriber]) -> None:
        """Add many new subscribers with one sync to disk (imports, benchmarks); existing ids
        fail before anything is written."""
        new = list(subscribers)
        ids = [subscriber.chat_id for subscriber in new]
        taken = [chat_id for chat_id in ids if self.subscriber(chat_id) is not None]
        if taken or len(set(ids)) != len(ids):
            raise ValueError(f"subscribers already exist: {sorted(set(taken)) or ids}")
        files = []
        for subscriber in new:
            data = _read_json(self.chat_file(subscriber.chat_id)) or {}
            data[_SUBSCRIBER] = {str(_ONLY): subscriber.to_doc()}
            files.append((_chat_name(subscriber.chat_id), data))
        _write_many(self._chats, files)

    def subscribers(self) -> Iterator[Subscriber]:
        """Every chat that has ever subscribed, subscribed or not; damaged files are set aside
        (and skipped) on the way."""
        for path, chat_id, data in self._all_chats():
            doc = data.get(_SUBSCRIBER, {}).get(str(_ONLY))
            if doc is None:
                continue
            try:
                yield _subscriber(doc, chat_id, path)
            except CorruptChat as exc:
                self._set_aside_file(path, chat_id, exc.reason)

    def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        """Record that the reminder for ``slot`` at instant ``at`` is being sent.

        Returns False if it (or a later one for the same slot) was already sent: the guard that
        keeps a reminder from going out twice, across restarts and duplicate jobs. Synchronous:
        read and write happen with no await between them, so this is a unit of work in itself.
        """
        current = self.subscriber(chat_id)
        if current is None:
            return False
        previous = current.last_sent.get(slot)
        if previous is not None and previous >= at:
            return False
        self.save_subscriber(replace(current, last_sent={**current.last_sent, slot: at}))
        return True

    def release_reminder(
        self, chat_id: int, slot: str, at: dt.datetime, previous: dt.datetime | None
    ) -> None:
        """Undo :meth:`claim_reminder` after a send that failed, so a retry (or the catch-up
        after a restart) may claim it again; ``previous`` is what ``last_sent`` held before."""
        current = self.subscriber(chat_id)
        if current is None or current.last_sent.get(slot) != at:
            return
        last_sent = {key: value for key, value in current.last_sent.items() if key != slot}
        if previous is not None:
            last_sent[slot] = previous
        self.save_subscriber(replace(current, last_sent=last_sent))

    # Confirmation prompts ------------------------------------------------------------------

    def open_prompt(self, chat_id: int, kind: str, message_id: int, payload: str = "") -> None:
        """Remember the one live question of this ``kind`` ("forget", "broadcast") in the chat:
        its message, and what it is about."""

        def write(db: TinyDB) -> None:
            table = db.table(_PROMPTS)
            prompts = dict(table.get(doc_id=_ONLY) or {})
            prompts[kind] = {"message_id": message_id, "payload": payload}
            table.upsert(Document(prompts, doc_id=_ONLY))

        self._open(chat_id, write)

    def take_prompt(self, chat_id: int, kind: str, message_id: int) -> str | None:
        """Close the question if ``message_id`` is the live one: its payload, once; None for a
        second press, an older question, or after /forget."""
        path = self.chat_file(chat_id)
        if not path.exists():
            return None

        def take(db: TinyDB) -> str | None:
            table = db.table(_PROMPTS)
            prompts = dict(table.get(doc_id=_ONLY) or {})
            prompt = prompts.get(kind)
            if not isinstance(prompt, dict) or prompt.get("message_id") != message_id:
                return None
            del prompts[kind]
            if prompts:
                table.upsert(Document(prompts, doc_id=_ONLY))
            else:  # leave the file as it was before the question
                db.drop_table(_PROMPTS)
            return str(prompt.get("payload", ""))

        return self._open(chat_id, take)

    # Sessions ------------------------------------------------------------------------------

    def begin_session(self, active: ActiveSession) -> None:
        # The marker first: a marker without a session is skipped, a session without a marker
        # would never be closed as interrupted.
        self._active.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
        (self._active / str(active.chat_id)).touch()
        _fsync_dir(self._active)
        doc = {
            "chat_id": active.chat_id,
            "routine_id": active.routine_id,
            "started_at": active.started_at.isoformat(),
            "local_date": active.local_date.isoformat(),
        }
        self._open(
            active.chat_id,
            lambda db: db.table(_ACTIVE_SESSION).upsert(Document(doc, doc_id=_ONLY)),
        )

    def end_session(self, record: SessionRecord) -> None:
        """Move a session from active to the history."""
        self._open(record.chat_id, lambda db: db.table(_SESSIONS).insert(record.to_doc()))
        self.clear_active_session(record.chat_id)

    def clear_active_session(self, chat_id: int) -> None:
        def clear(db: TinyDB) -> None:
            table = db.table(_ACTIVE_SESSION)
            if table.contains(doc_id=_ONLY):
                table.remove(doc_ids=[_ONLY])

        if self.chat_file(chat_id).exists():
            self._open(chat_id, clear)
        (self._active / str(chat_id)).unlink(missing_ok=True)

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
                data = _read_json(path) or {}
                doc = data.get(_ACTIVE_SESSION, {}).get(str(_ONLY))
                if doc is not None:
                    sessions.append(_parsed(path, functools.partial(_active_session, doc)))
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
            _fsync_dir(path.parent)
        (self._active / str(chat_id)).unlink(missing_ok=True)
        self.quarantine.remove(chat_id)

    def update_session(self, record: SessionRecord) -> bool:
        """Replace the history entry of the same start (a late pain answer); False if there
        is none."""
        found = self._open(
            record.chat_id,
            lambda db: db.table(_SESSIONS).update(
                record.to_doc(), Query().started_at == record.started_at.isoformat()
            ),
        )
        return bool(found)

    def history(self, chat_id: int) -> list[SessionRecord]:
        """A chat's sessions, oldest first."""
        path = self.chat_file(chat_id)

        def read(db: TinyDB) -> list[SessionRecord]:
            docs = db.table(_SESSIONS).all()
            return [_parsed(path, functools.partial(SessionRecord.from_doc, doc)) for doc in docs]

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
                    data = _read_json(name)
                except CorruptChat as exc:
                    self._set_aside_file(Path(name), chat_id, exc.reason)
                    continue
                if data is not None and chat_id is not None:
                    yield Path(name), chat_id, data

    def _open_layout(self) -> None:
        layout, legacy = self.path / LAYOUT_FILE, self.path / LEGACY_FILE
        if not layout.exists():
            if legacy.exists():
                self._upgrade(legacy)
            _write_layout(layout)
        backup = legacy.with_name(legacy.name + BACKUP_SUFFIX)
        if legacy.exists() and not backup.exists():  # upgraded, not yet renamed
            legacy.replace(backup)
            _fsync_dir(self.path)

    def _upgrade(self, legacy: Path) -> None:
        """Split a single-file store into chat files, in folders renamed into place whole."""
        text = legacy.read_text(encoding="utf-8")
        tables: dict[str, dict[str, Any]] = json.loads(text) if text.strip() else {}
        chats: dict[int, dict[str, dict[str, Any]]] = {}

        def chat(doc: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
            return chats.setdefault(int(doc["chat_id"]), {})

        for doc in tables.get("subscribers", {}).values():
            chat(doc)[_SUBSCRIBER] = {str(_ONLY): doc}
        for doc in tables.get("active_sessions", {}).values():
            chat(doc)[_ACTIVE_SESSION] = {str(_ONLY): doc}
        for doc in tables.get("sessions", {}).values():
            sessions = chat(doc).setdefault(_SESSIONS, {})
            sessions[str(len(sessions) + 1)] = doc
        staging = {
            final: final.with_name(final.name + ".upgrading")
            for final in (
                self._chats,
                self._active,
            )
        }
        for folder in (*staging, *staging.values()):  # leftovers of an upgrade cut short
            shutil.rmtree(folder, ignore_errors=True)
        chats_dir, active_dir = staging[self._chats], staging[self._active]
        active_dir.mkdir()
        for chat_id, data in chats.items():
            if _ACTIVE_SESSION in data:
                (active_dir / str(chat_id)).touch()
        # The folder is renamed into place only once whole: no file needs its own atomic write.
        _write_many(
            chats_dir,
            ((_chat_name(chat_id), data) for chat_id, data in chats.items()),
            staged=True,
        )
        for final, staged in staging.items():
            staged.replace(final)
        _fsync_dir(self.path)
        _LOGGER.info("Upgraded %s: %d chats, one file each", legacy.name, len(chats))


def _read_json(path: str | Path) -> dict[str, Any] | None:
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


def _parsed(path: str | Path, parse: Callable[[], _T]) -> _T:
    """A stored document read by ``parse``; any error in it makes the file CorruptChat."""
    try:
        return parse()
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CorruptChat(path, f"{type(exc).__name__}: {exc}") from None


def _subscriber(doc: Mapping[str, Any], chat_id: int, path: str | Path) -> Subscriber:
    subscriber = _parsed(path, lambda: Subscriber.from_doc(doc))
    if subscriber.chat_id != chat_id:
        raise CorruptChat(path, f"it holds chat {subscriber.chat_id}, not {chat_id}")
    return subscriber


def _active_session(doc: Mapping[str, Any]) -> ActiveSession:
    return ActiveSession(
        chat_id=int(doc["chat_id"]),
        routine_id=str(doc["routine_id"]),
        started_at=dt.datetime.fromisoformat(doc["started_at"]),
        local_date=dt.date.fromisoformat(doc["local_date"]),
    )


def _write_layout(path: Path) -> None:
    db = TinyDB(path, storage=AtomicJSONStorage)
    db.table("meta").upsert(Document({"schema": SCHEMA_VERSION, "layout": "chat-files"}, 1))
    db.close()


def _chat_name(chat_id: int) -> str:
    """A chat file's path under ``chats/``: 256 buckets, so no folder holds 100 000 files."""
    return f"{abs(chat_id) % _BUCKETS:02x}/{chat_id}.json"


def _write_many(
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
            payload = memoryview(_encode(data))
            while payload:
                payload = payload[os.write(fd, payload) :]
        finally:
            os.close(fd)
        if not staged:
            os.replace(target, path)  # noqa: PTH105 - str paths on purpose, see above
    os.sync()
