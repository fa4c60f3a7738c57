"""The one store of record: subscribers, their schedules and session history, in TinyDB.

The API is narrow and returns dataclasses, so another backend can replace TinyDB later without
touching handlers. TinyDB reads and rewrites the whole file on every operation, in the event loop;
that is fine for the hundreds of users this is built for (see ``bench/``), not for millions.

Writes go through :class:`AtomicJSONStorage`: TinyDB's own JSONStorage rewrites the file in
place, so a crash mid-write leaves broken JSON and every subscriber is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.storages import Storage as TinyStorage
from tinydb.table import Document

from bot.parsing import ALL_DAYS, format_time

__all__ = [
    "ActiveSession",
    "AtomicJSONStorage",
    "SessionRecord",
    "SessionStatus",
    "Storage",
    "Subscriber",
]

DB_FILE = "stretchbot.json"
#: The data folder is created for its owner only; the file is too (mkstemp makes it 0600 and
#: the rename keeps that mode), since it holds who uses the bot and when.
PRIVATE_FOLDER = 0o700
SCHEMA_VERSION = 1


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
        try:
            text = self._path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        if not text.strip():
            return None
        data: dict[str, dict[str, Any]] = json.loads(text)
        self._cache = data
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        # Until the write is known to have succeeded, the file is the truth, not memory.
        self._cache = None
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
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


def _fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # Windows cannot open a folder; its rename is durable enough.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class SessionStatus(StrEnum):
    COMPLETED = "completed"
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

    def paused_on(self, day: dt.date) -> bool:
        return any(start <= day < end for start, end in self.pauses)

    def paused_until(self, today: dt.date) -> dt.date | None:
        """The date reminders come back, if they are paused today or later."""
        ends = [end for _, end in self.pauses if end > today]
        return max(ends) if ends else None

    def reminds_on(self, day: dt.date) -> bool:
        """Whether reminders happen on this local date (weekday, pauses, skip today)."""
        return day.weekday() in self.days and day != self.skipped_day and not self.paused_on(day)

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
            "snoozed_until": _iso(self.snoozed_until),
            "nudge_due": _iso(self.nudge_due),
            "blocked_at": _iso(self.blocked_at),
            "holds": dict(self.holds),
            "hurt": sorted(self.hurt),
            "pain_check": self.pain_check,
            "own_routine": self.own_routine,
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Subscriber:
        return cls(
            chat_id=int(doc["chat_id"]),
            timezone=str(doc["timezone"]),
            times=tuple(dt.time.fromisoformat(time) for time in doc["times"]),
            subscribed=bool(doc.get("subscribed", True)),
            name=str(doc.get("name", "")),
            last_sent={
                slot: dt.datetime.fromisoformat(at)
                for slot, at in doc.get("last_sent", {}).items()
            },
            created_at=_datetime(doc.get("created_at")),
            days=frozenset(doc.get("days", ALL_DAYS)),
            pauses=tuple(
                (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
                for start, end in doc.get("pauses", ())
            ),
            skipped_day=_date(doc.get("skipped_day")),
            nudge_minutes=doc.get("nudge_minutes", DEFAULT_NUDGE_MINUTES),
            routine_id=doc.get("routine_id"),
            reminder_message_id=doc.get("reminder_message_id"),
            snoozed_until=_datetime(doc.get("snoozed_until")),
            nudge_due=_datetime(doc.get("nudge_due")),
            blocked_at=_datetime(doc.get("blocked_at")),
            holds={str(key): float(value) for key, value in doc.get("holds", {}).items()},
            hurt=frozenset(doc.get("hurt", ())),
            pain_check=bool(doc.get("pain_check", True)),
            own_routine=str(doc.get("own_routine", "")),
        )


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
    #: Time in position per timed step and side reached, by label ("Iliopsoas stretch · left").
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


class Storage:
    """Subscribers, active sessions and session history in one TinyDB file.

    Every method is synchronous and complete in itself, so it is atomic with respect to other
    coroutines. A sequence that reads, awaits (a message send), then writes must hold
    :meth:`lock` for the chat, or a concurrent update to the same chat is lost.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = TinyDB(path, storage=AtomicJSONStorage)
        self._subscribers = self._db.table("subscribers")
        self._active = self._db.table("active_sessions")
        self._history = self._db.table("sessions")
        self._locks: dict[int, asyncio.Lock] = {}
        meta = self._db.table("meta")
        if not meta.get(doc_id=1):
            meta.insert(Document({"schema": SCHEMA_VERSION}, doc_id=1))

    @classmethod
    def in_folder(cls, folder: Path) -> Storage:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        return cls(folder / DB_FILE)

    def close(self) -> None:
        self._db.close()

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The lock for read → await → write sequences on one chat."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    # Subscribers ---------------------------------------------------------------------------

    def subscriber(self, chat_id: int) -> Subscriber | None:
        doc = self._subscribers.get(doc_id=chat_id)
        return Subscriber.from_doc(doc) if doc else None

    def save_subscriber(self, subscriber: Subscriber) -> None:
        self._subscribers.upsert(Document(subscriber.to_doc(), doc_id=subscriber.chat_id))

    def add_subscribers(self, subscribers: Iterable[Subscriber]) -> None:
        """Add many new subscribers in one write (imports, benchmarks); existing ids fail."""
        self._subscribers.insert_multiple(
            Document(subscriber.to_doc(), doc_id=subscriber.chat_id) for subscriber in subscribers
        )

    def subscribers(self) -> Iterator[Subscriber]:
        """Every chat that has ever subscribed, subscribed or not."""
        for doc in self._subscribers.all():
            yield Subscriber.from_doc(doc)

    def claim_reminder(self, chat_id: int, slot: str, at: dt.datetime) -> bool:
        """Record that the reminder for ``slot`` at instant ``at`` is being sent.

        Returns False if it (or a later one for the same slot) was already sent: the guard that
        keeps a reminder from going out twice, across restarts and duplicate jobs.
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

    # Sessions ------------------------------------------------------------------------------

    def begin_session(self, active: ActiveSession) -> None:
        doc = {
            "chat_id": active.chat_id,
            "routine_id": active.routine_id,
            "started_at": active.started_at.isoformat(),
            "local_date": active.local_date.isoformat(),
        }
        self._active.upsert(Document(doc, doc_id=active.chat_id))

    def end_session(self, record: SessionRecord) -> None:
        """Move a session from active to the history."""
        self._history.insert(record.to_doc())
        self.clear_active_session(record.chat_id)

    def clear_active_session(self, chat_id: int) -> None:
        if self._active.contains(doc_id=chat_id):
            self._active.remove(doc_ids=[chat_id])

    def active_sessions(self) -> list[ActiveSession]:
        return [
            ActiveSession(
                chat_id=int(doc["chat_id"]),
                routine_id=str(doc["routine_id"]),
                started_at=dt.datetime.fromisoformat(doc["started_at"]),
                local_date=dt.date.fromisoformat(doc["local_date"]),
            )
            for doc in self._active.all()
        ]

    def forget_chat(self, chat_id: int) -> None:
        """Delete everything stored about a chat: settings, active session, history (/forget)."""
        if self._subscribers.contains(doc_id=chat_id):
            self._subscribers.remove(doc_ids=[chat_id])
        self.clear_active_session(chat_id)
        self._history.remove(Query().chat_id == chat_id)

    def update_session(self, record: SessionRecord) -> bool:
        """Replace the history entry of the same chat and start (a late pain answer); False
        if there is none."""
        entry = Query()
        found = self._history.update(
            record.to_doc(),
            (entry.chat_id == record.chat_id)
            & (entry.started_at == record.started_at.isoformat()),
        )
        return bool(found)

    def history(self, chat_id: int) -> list[SessionRecord]:
        """A chat's sessions, oldest first."""
        docs = self._history.search(Query().chat_id == chat_id)
        return sorted((SessionRecord.from_doc(doc) for doc in docs), key=lambda r: r.started_at)
