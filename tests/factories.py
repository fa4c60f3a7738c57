"""Builders for test objects, kept apart from the tests (as PTB keeps its tests/auxil)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from bot.content import RoutineBook, load_routines
from bot.session import GuidedSession, compile_script

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


def plain(markup: str) -> str:
    """What Telegram shows for an HTML text: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))
