"""What /export hands over: everything stored about one chat, as a document.

Pure functions over the storage's dataclasses, so a new format (CSV…) is one more function and
one more entry in :data:`EXPORTERS`; the handler only picks one by name.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.chat import ActiveSession, Chat, SessionRecord
from bot.core.documents import chat_to_doc, record_to_doc
from bot.core.report import sessions_csv

__all__ = ["EXPORTERS", "ChatData", "Export", "export_csv", "export_json"]


@dataclass(frozen=True, slots=True)
class ChatData:
    """Everything the bot stores about one chat."""

    chat_id: int
    subscriber: Chat | None
    sessions: Sequence[SessionRecord]
    active: ActiveSession | None
    #: Routine titles by id, the chat's own routine included, for formats meant for people.
    titles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Export:
    """A file to send: its name, media type and bytes."""

    filename: str
    mime_type: str
    data: bytes


def export_json(data: ChatData, now: dt.datetime) -> Export:
    """All of it, as the database keeps it (same field names), with when it was exported."""
    active: dict[str, Any] | None = None
    if data.active is not None:
        active = {
            "routine_id": data.active.routine_id,
            "started_at": data.active.started_at.isoformat(),
            "local_date": data.active.local_date.isoformat(),
        }
    document = {
        "exported_at": now.isoformat(),
        "chat_id": data.chat_id,
        "settings": chat_to_doc(data.subscriber) if data.subscriber else None,
        "active_session": active,
        "sessions": [record_to_doc(record) for record in data.sessions],
    }
    text = json.dumps(document, ensure_ascii=False, indent=2)
    return Export(f"stretchbot-{data.chat_id}.json", "application/json", text.encode())


def export_csv(data: ChatData, now: dt.datetime) -> Export:
    """The session history for a physio: one row per session (see bot/report.py)."""
    return Export(
        f"stretch-sessions-{now:%Y-%m-%d}.csv",
        "text/csv",
        sessions_csv(data.sessions, data.titles),
    )


#: Formats by the name ``/export <name>`` takes; the first is the default.
EXPORTERS: dict[str, Callable[[ChatData, dt.datetime], Export]] = {
    "json": export_json,
    "csv": export_csv,
}
