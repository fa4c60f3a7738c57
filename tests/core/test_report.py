"""The CSV report for a physio: one row per session, every hold column, spreadsheet-safe."""

from __future__ import annotations

import csv
import datetime as dt
import io

from bot.core.chat import SessionRecord, SessionStatus
from bot.core.report import FIXED_COLUMNS, sessions_csv

START = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


def record(day: int, **changes: object) -> SessionRecord:
    values: dict[str, object] = {
        "chat_id": 1,
        "routine_id": "back",
        "started_at": START + dt.timedelta(days=day),
        "ended_at": START + dt.timedelta(days=day, minutes=6),
        "local_date": START.date() + dt.timedelta(days=day),
        "status": SessionStatus.COMPLETED,
        "duration": 363.0,
    }
    values.update(changes)
    return SessionRecord(**values)  # type: ignore[arg-type]


def test_rows_match_the_history() -> None:
    """Each session is a row; hold columns are the union in order of first use, blank where a
    session did not reach them; pain and minutes as recorded."""
    history = [
        record(0, holds={"Iliopsoas stretch · left": 30.0}, pain_before=5, pain_after=3),
        record(
            1,
            routine_id="mine",
            status=SessionStatus.STOPPED,
            hurt=True,
            holds={"Iliopsoas stretch · left": 27.0, "Chin tuck": 15.5},
        ),
        record(2, status=SessionStatus.INTERRUPTED, duration=None),
    ]
    data = sessions_csv(history, {"back": 'Flexibility, "Strength"; back'})
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == [*FIXED_COLUMNS, "Iliopsoas stretch · left (s)", "Chin tuck (s)"]
    assert rows[1] == [
        "2026-11-23",
        'Flexibility, "Strength"; back',
        "yes",
        "completed",
        "6",
        "5",
        "3",
        "no",
        "30",
        "",
    ]
    assert rows[2] == ["2026-11-24", "mine", "no", "stopped", "6", "", "", "yes", "27", "15.5"]
    assert rows[3] == [
        "2026-11-25",
        'Flexibility, "Strength"; back',
        "no",
        "interrupted",
        "",
        "",
        "",
        "no",
        "",
        "",
    ]


def test_empty_history_is_a_header() -> None:
    """With no sessions the file still opens, with just the header row."""
    rows = list(csv.reader(io.StringIO(sessions_csv([], {}).decode("utf-8-sig"))))
    assert rows == [list(FIXED_COLUMNS)]
