"""/export csv: a chat's sessions as a CSV a physio can open in a spreadsheet.

One row per session, oldest first. UTF-8 with a byte-order mark: Excel reads a BOM-less CSV in
the machine's legacy code page and garbles "·" or any non-ASCII routine title; LibreOffice,
Numbers and Python's ``utf-8-sig`` all accept the BOM. Rows end in CRLF as RFC 4180 says.
Hold columns are the union of every timed step and side held in the history, in order of
first appearance, so a column means the same thing in every row. "completed" is yes only for
a completed session; a mostly skipped one has status "partial" (bot/session.py says why).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence

from bot.core.chat import SessionRecord, SessionStatus

__all__ = ["FIXED_COLUMNS", "sessions_csv"]

FIXED_COLUMNS = (
    "date",
    "routine",
    "completed",
    "status",
    "minutes",
    "pain before (0-10)",
    "pain after (0-10)",
    "stopped because it hurt",
)


def _cell(value: float | int | None) -> str:
    return "" if value is None else f"{value:g}"


def sessions_csv(history: Sequence[SessionRecord], titles: Mapping[str, str]) -> bytes:
    """The CSV file's bytes; ``titles`` names routines by id (an unknown id is shown as is)."""
    holds: dict[str, None] = {}
    for record in history:
        holds.update(dict.fromkeys(record.holds))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*FIXED_COLUMNS, *(f"{label} (s)" for label in holds)])
    for record in history:
        minutes = round(record.duration / 60, 1) if record.duration is not None else None
        writer.writerow(
            [
                record.local_date.isoformat(),
                titles.get(record.routine_id, record.routine_id),
                "yes" if record.status is SessionStatus.COMPLETED else "no",
                str(record.status),
                _cell(minutes),
                _cell(record.pain_before),
                _cell(record.pain_after),
                "yes" if record.hurt else "no",
                *(_cell(record.holds.get(label)) for label in holds),
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
