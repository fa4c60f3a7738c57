"""Draw the sample /stats chart for the docs: ``python tools/stats_sample.py [PATH]``.

Two months of the factory history the tests and the chart benchmark use
(``tests.factories.practice_history``), drawn by the bot's own renderer with the bot's words,
to ``docs/images/stats-sample.png`` by default.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.charts.draw import draw  # noqa: E402 - after the path
from bot.core.chart import chart_data  # noqa: E402
from bot.telegram.render.progress import chart_words  # noqa: E402
from tests.factories import practice_history  # noqa: E402

TODAY = dt.date(2026, 11, 25)
DAYS = 60


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else ROOT / "docs" / "images" / "stats-sample.png"
    data = chart_data(
        practice_history(1, TODAY, DAYS), today=TODAY, reminder_days=frozenset(range(7))
    )
    assert data is not None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(draw(data, chart_words()))
    print(f"{target}: {target.stat().st_size // 1000} KB")  # noqa: T201 - a command-line tool
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
