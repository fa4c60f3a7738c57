"""Builders for test objects, kept apart from the tests (as PTB keeps its tests/auxil)."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

from bot.content import Routine, RoutineBook, load_routines, parse_routine
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
