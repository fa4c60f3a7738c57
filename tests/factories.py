"""Builders for test objects, kept apart from the tests (as PTB keeps its tests/auxil)."""

from __future__ import annotations

import datetime as dt
import html
import json
import random
import re
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.core.chat import (
    ActiveSession,
    Chat,
    Coaching,
    Delivery,
    Schedule,
    SessionRecord,
    SessionStatus,
)
from bot.core.documents import chat_to_doc, record_to_doc
from bot.core.loader import load_routines, parse_routine
from bot.core.preview import preview
from bot.core.routines import Routine, RoutineBook
from bot.core.session import Cue, GuidedSession, compile_script
from bot.storage.chatfiles import ChatFiles
from bot.telegram.context import BotApp
from bot.telegram.render import session as session_text

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"
NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def routines() -> RoutineBook:
    return load_routines(CONTENT)


def guided_session(time_scale: float = 1.0, chat_id: int = 42) -> GuidedSession:
    routine = routines().default
    return GuidedSession(
        chat_id=chat_id,
        routine=routine,
        script=compile_script(routine),
        started_at=NOW,
        local_date=NOW.date(),
        started_mono=0.0,
        time_scale=time_scale,
    )


def cue_texts(script: tuple[Cue, ...]) -> list[str]:
    """What each cue of ``script`` says, as Telegram shows it (the intro with its preview)."""
    shown = preview(script)
    return [plain(session_text.cue_text(cue, shown)) for cue in script]


def plain(markup: str) -> str:
    """What Telegram shows for an HTML text: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


#: A routine as a physio might send it (the README shows the same format).
PHYSIO_ROUTINE = """\
id = "sam"
title = "Desk stretches from Sam"
summary = "Two gentle stretches for the neck and lower back."
source = "Sam Physio, 2026"
disclaimer = "Stop if anything hurts."

[[exercises]]
title = "Chin tucks"
target = "the muscles at the back of your neck"

  [[exercises.steps]]
  text = "Sit tall."

  [[exercises.steps]]
  text = "Draw your chin straight back, as if making a double chin."
  hold = 15
  progress = { min = 10, max = 30, step = 5 }

[[exercises]]
title = "Seated side bend"
target = "the sides of your lower back"
sides = "both"

  [[exercises.steps]]
  text = "Reach your right arm overhead and lean gently to the left."
  hold = 20
"""


def physio_routine() -> Routine:
    return parse_routine(PHYSIO_ROUTINE.encode(), "physio.toml")


def session_record(chat_id: int, days_ago: int) -> SessionRecord:
    """A completed five-minute session that started ``days_ago`` days before NOW."""
    started = NOW - dt.timedelta(days=days_ago)
    return SessionRecord(
        chat_id=chat_id,
        routine_id="back",
        started_at=started,
        ended_at=started + dt.timedelta(minutes=5),
        local_date=started.date(),
        status=SessionStatus.COMPLETED,
        duration=300.0,
    )


def practice_history(
    chat_id: int, today: dt.date, days: int, *, seed: int = 14
) -> list[SessionRecord]:
    """``days`` days of someone practising up to ``today``: a session on about four days in
    five (every one of the last six), holds per side that grow as the weeks go by (the left
    side tighter), a bridge held on one side, the pain check answered most days and lower
    after than before. Deterministic for a ``seed``: the sample chart, its tests and the
    chart benchmark draw the same history."""
    rng = random.Random(seed)
    records = []
    for back in range(days, -1, -1):
        if back >= 6 and rng.random() < 0.2:
            continue
        day = today - dt.timedelta(days=back)
        grown = (days - back) / max(days, 1)
        started = dt.datetime.combine(day, dt.time(8, 30), dt.UTC)
        before = rng.choice((3, 4, 4, 5, 6)) if rng.random() < 0.8 else None
        records.append(
            SessionRecord(
                chat_id=chat_id,
                routine_id="back",
                started_at=started,
                ended_at=started + dt.timedelta(minutes=6),
                local_date=day,
                status=SessionStatus.COMPLETED,
                duration=360.0,
                holds={
                    "Iliopsoas stretch · left": round(18 + 9 * grown),
                    "Iliopsoas stretch · right": round(21 + 9 * grown),
                    "Quadratus lumborum stretch · left": 20,
                    "Quadratus lumborum stretch · right": 20,
                    "Bridge": 15,
                },
                pain_before=before,
                pain_after=max(0, before - rng.choice((1, 2, 2, 3))) if before else None,
            )
        )
    return records


def write_legacy_store(
    folder: Path,
    subscribers: list[Chat],
    records: list[SessionRecord],
    active: list[ActiveSession],
) -> Path:
    """A store in the original single-file TinyDB format (before one file per chat)."""
    data = {
        "subscribers": {str(s.chat_id): chat_to_doc(s) for s in subscribers},
        "active_sessions": {
            str(a.chat_id): {
                "chat_id": a.chat_id,
                "routine_id": a.routine_id,
                "started_at": a.started_at.isoformat(),
                "local_date": a.local_date.isoformat(),
            }
            for a in active
        },
        "sessions": {str(index): record_to_doc(r) for index, r in enumerate(records, start=1)},
        "meta": {"1": {"schema": 1}},
    }
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "stretchbot.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _chat_doc(chat: int, **changes: object) -> bytes:
    doc = {
        **chat_to_doc(Chat(chat, schedule=Schedule(timezone="UTC", times=(dt.time(9, 0),)))),
        **changes,
    }
    return json.dumps({"subscriber": {"1": doc}}).encode()


def _folder(path: Path) -> None:
    path.mkdir()
    (path / "inside").write_text("x")


#: What a damaged chat file can look like, and how to make one for a chat at ``path``.
DAMAGE: dict[str, Callable[[Path, int], object]] = {
    "truncated": lambda path, chat: path.write_bytes(_chat_doc(chat)[:37]),
    "empty": lambda path, chat: path.write_bytes(b""),
    "a list": lambda path, chat: path.write_bytes(b"[]"),
    "a list for a table": lambda path, chat: path.write_bytes(b'{"subscriber": []}'),
    "chat id not a number": lambda path, chat: path.write_bytes(_chat_doc(chat, chat_id="abc")),
    "unknown zone": lambda path, chat: path.write_bytes(_chat_doc(chat, timezone="Mars/Base")),
    "days as text": lambda path, chat: path.write_bytes(_chat_doc(chat, days="mon")),
    "someone else's chat": lambda path, chat: path.write_bytes(_chat_doc(chat + 1)),
    "a folder": lambda path, chat: _folder(path),
}


def damage(storage: ChatFiles, chat_id: int, kind: str) -> Path:
    """Damage the chat's file the way ``kind`` (a key of DAMAGE) says; returns its path."""
    path = storage.chat_file(chat_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        path.unlink()
    DAMAGE[kind](path, chat_id)
    return path


def bench_application(folder: Path, storage: ChatFiles, clock: Clock) -> BotApp:
    """A built (never started) application on ``storage``, for JobQueue tests and benchmarks."""
    settings = Settings(token="1:test", data_dir=folder, content_dir=CONTENT)
    return build_application(settings, storage=storage, clock=clock)


_PARTS = {
    **dict.fromkeys(
        ("timezone", "times", "subscribed", "days", "pauses", "skipped_day", "nudge_minutes"),
        "schedule",
    ),
    **dict.fromkeys(
        (
            "last_sent",
            "reminder_message_id",
            "reminder_number",
            "snoozed_until",
            "nudge_due",
            "blocked_at",
        ),
        "delivery",
    ),
    **dict.fromkeys(("routine_id", "holds", "hurt", "pain_check", "own_routine"), "coaching"),
}


def make_chat(chat_id: int = 42, **fields: Any) -> Chat:
    """A chat from flat field names (``times=…``, ``holds=…``), each put in its part."""
    parts: dict[str, dict[str, Any]] = {"schedule": {}, "delivery": {}, "coaching": {}}
    top: dict[str, Any] = {}
    for name, value in fields.items():
        if name in _PARTS:
            parts[_PARTS[name]][name] = value
        else:
            top[name] = value
    return Chat(
        chat_id,
        schedule=Schedule(**parts["schedule"]),
        delivery=Delivery(**parts["delivery"]),
        coaching=Coaching(**parts["coaching"]),
        **top,
    )


def routine_toml(
    routine_id: str = "tiny",
    *,
    title: str = "Tiny",
    step: str = "Lean to the left.",
    hold: float = 10,
    followup: tuple[str, float] | None = ("Further", 20),
    sides: str = "both",
    progress: str = "",
    pictures: str = "",
) -> str:
    """A one-exercise routine file for tests: one timed step (and a follow-up), on ``sides``;
    ``progress`` is a TOML table such as ``{ min = 12, max = 30, step = 3 }``; ``pictures``
    are the exercise's ``image`` lines, as TOML."""
    lines = [
        f'id = "{routine_id}"',
        f'title = "{title}"',
        'summary = "A routine for tests."',
        'source = "Test"',
        'disclaimer = "Not medical advice."',
        "",
        "[[exercises]]",
        'title = "Stretch"',
        'target = "the back"',
        f'sides = "{sides}"',
        pictures,
        "",
        "  [[exercises.steps]]",
        f'  text = "{step}"',
        f"  hold = {hold:g}",
    ]
    if followup is not None:
        lines.append(f'  followups = [{{ text = "{followup[0]}", hold = {followup[1]:g} }}]')
    if progress:
        lines.append(f"  progress = {progress}")
    return "\n".join(lines) + "\n"


def png(width: int, height: int, *, padding: int = 0) -> bytes:
    """A valid grey PNG of this size (standard library only); ``padding`` bytes of an unknown
    ancillary chunk make it as large on disk as a test needs."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + body))
        return struct.pack(">I", len(body)) + kind + body + crc

    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", header),
            chunk(b"teSt", b"\x00" * padding) if padding else b"",
            chunk(b"IDAT", zlib.compress(rows)),
            chunk(b"IEND", b""),
        )
    )


def content_folder(folder: Path, *routines: str) -> Path:
    """A content folder holding these routine files (as ``routine_toml`` makes them)."""
    folder.mkdir(parents=True, exist_ok=True)
    for number, text in enumerate(routines):
        (folder / f"routine{number}.toml").write_text(text, encoding="utf-8")
    return folder
