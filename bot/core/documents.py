"""The JSON form of a chat and its sessions: what a store keeps and what /export hands over.

Flat documents with the same field names since the first version, so old files and old exports
keep reading. Reading is strict: a field of the wrong type is a ValueError naming it, so a
damaged document is noticed (and set aside by the store) instead of misleading later.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, TypeVar

from bot.core.chat import (
    DEFAULT_NUDGE_MINUTES,
    ActiveSession,
    BreakPlan,
    Chat,
    Coaching,
    Delivery,
    Schedule,
    SessionRecord,
    SessionStatus,
)
from bot.core.parsing import ALL_DAYS, format_time
from bot.core.zones import zone_of

__all__ = [
    "active_from_doc",
    "active_to_doc",
    "chat_from_doc",
    "chat_to_doc",
    "record_from_doc",
    "record_to_doc",
]

_T = TypeVar("_T")


def chat_to_doc(chat: Chat) -> dict[str, Any]:
    schedule, delivery, coaching = chat.schedule, chat.delivery, chat.coaching
    return {
        "chat_id": chat.chat_id,
        "timezone": schedule.timezone,
        "times": [format_time(time) for time in schedule.times],
        "subscribed": schedule.subscribed,
        "name": chat.name,
        "language": chat.language,
        "last_sent": {slot: at.isoformat() for slot, at in delivery.last_sent.items()},
        "created_at": _iso(chat.created_at),
        "days": sorted(schedule.days),
        "pauses": [[start.isoformat(), end.isoformat()] for start, end in schedule.pauses],
        "skipped_day": _iso(schedule.skipped_day),
        "nudge_minutes": schedule.nudge_minutes,
        "routine_id": coaching.routine_id,
        "reminder_message_id": delivery.reminder_message_id,
        "reminder_number": delivery.reminder_number,
        "snoozed_until": _iso(delivery.snoozed_until),
        "nudge_due": _iso(delivery.nudge_due),
        "blocked_at": _iso(delivery.blocked_at),
        "holds": dict(coaching.holds),
        "hurt": sorted(coaching.hurt),
        "pain_check": coaching.pain_check,
        "own_routine": coaching.own_routine,
        "sound": coaching.sound,
        "breaks": _breaks_to_doc(chat.breaks),
        "version": chat.version,
    }


def chat_from_doc(doc: Mapping[str, Any]) -> Chat:
    """A chat from its document, strictly (ValueError naming the field if malformed)."""
    read = _Fields(doc)
    days = frozenset(read.ints("days", ALL_DAYS))
    if not days <= ALL_DAYS:
        raise ValueError("days: weekday numbers go from 0 to 6")
    timezone = read.text("timezone")
    try:
        zone_of(timezone)
    except ValueError as exc:
        raise ValueError(f"timezone: {exc}") from None
    schedule = Schedule(
        timezone=timezone,
        times=tuple(dt.time.fromisoformat(time) for time in read.texts("times")),
        subscribed=read.flag("subscribed", True),
        days=days,
        pauses=tuple(
            (dt.date.fromisoformat(start), dt.date.fromisoformat(end))
            for start, end in read.pairs("pauses")
        ),
        skipped_day=_date(read.optional(str, "skipped_day")),
        nudge_minutes=read.optional(int, "nudge_minutes", DEFAULT_NUDGE_MINUTES),
    )
    delivery = Delivery(
        last_sent={
            slot: dt.datetime.fromisoformat(at) for slot, at in read.table("last_sent").items()
        },
        reminder_message_id=read.optional(int, "reminder_message_id"),
        reminder_number=read.optional(int, "reminder_number"),
        snoozed_until=_datetime(read.optional(str, "snoozed_until")),
        nudge_due=_datetime(read.optional(str, "nudge_due")),
        blocked_at=_datetime(read.optional(str, "blocked_at")),
    )
    coaching = Coaching(
        routine_id=read.optional(str, "routine_id"),
        holds={key: float(value) for key, value in read.table("holds").items()},
        hurt=frozenset(read.texts("hurt", ())),
        pain_check=read.flag("pain_check", True),
        own_routine=read.text("own_routine", ""),
        sound=read.flag("sound", False),
    )
    return Chat(
        chat_id=read.whole("chat_id"),
        name=read.text("name", ""),
        created_at=_datetime(read.optional(str, "created_at")),
        schedule=schedule,
        delivery=delivery,
        coaching=coaching,
        breaks=_breaks_from_doc(read.table("breaks")),
        language=read.optional(str, "language"),
        version=read.whole("version", 0),
    )


def _breaks_to_doc(plan: BreakPlan) -> dict[str, Any]:
    return {
        "minutes": plan.minutes,
        "start": format_time(plan.start),
        "end": format_time(plan.end),
        "muted_until": _iso(plan.muted_until),
        "last_at": _iso(plan.last_at),
        "number": plan.number,
        "message_id": plan.message_id,
        "taken": plan.taken,
    }


def _breaks_from_doc(doc: Mapping[str, Any]) -> BreakPlan:
    """Breaks as stored; a record from before breaks has none: off, 09:00–17:00."""
    read, default = _Fields(doc), BreakPlan()
    return BreakPlan(
        minutes=read.optional(int, "minutes"),
        start=dt.time.fromisoformat(read.text("start", format_time(default.start))),
        end=dt.time.fromisoformat(read.text("end", format_time(default.end))),
        muted_until=_datetime(read.optional(str, "muted_until")),
        last_at=_datetime(read.optional(str, "last_at")),
        number=read.optional(int, "number"),
        message_id=read.optional(int, "message_id"),
        taken=read.whole("taken", 0),
    )


def record_to_doc(record: SessionRecord) -> dict[str, Any]:
    doc = asdict(record)
    doc.update(
        holds=dict(record.holds),
        started_at=record.started_at.isoformat(),
        ended_at=record.ended_at.isoformat(),
        local_date=record.local_date.isoformat(),
        status=str(record.status),
    )
    return doc


def record_from_doc(doc: Mapping[str, Any]) -> SessionRecord:
    return SessionRecord(
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


def active_to_doc(active: ActiveSession) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "chat_id": active.chat_id,
        "routine_id": active.routine_id,
        "started_at": active.started_at.isoformat(),
        "local_date": active.local_date.isoformat(),
    }
    if active.state is not None:
        doc["state"] = dict(active.state)
        doc["version"] = active.version
    if active.due is not None:
        doc["due"] = active.due.isoformat()
    return doc


def active_from_doc(doc: Mapping[str, Any]) -> ActiveSession:
    return ActiveSession(
        chat_id=int(doc["chat_id"]),
        routine_id=str(doc["routine_id"]),
        started_at=dt.datetime.fromisoformat(doc["started_at"]),
        local_date=dt.date.fromisoformat(doc["local_date"]),
        state=dict(state) if isinstance(state := doc.get("state"), dict) else None,
        version=int(doc.get("version", 0)),
        due=dt.datetime.fromisoformat(due) if isinstance(due := doc.get("due"), str) else None,
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
