"""/stats with its chart: the caption is the summary (and the details when they fit Telegram's
1 024 characters); past that, the details follow as a message."""

from __future__ import annotations

import datetime as dt

from bot.core.progression import SideHold
from bot.core.stats import DayMark, Progress
from bot.features.account import Stats
from bot.telegram.fitting import visible_length
from bot.telegram.render import i18n
from bot.telegram.render.progress import MAX_CAPTION, chart, chart_words, stats_photo

PNG = b"\x89PNG\r\n\x1a\n"
PROGRESS = Progress(2, 5, 40, 6, 9, 210.0)
WEEKS = ((dt.date(2026, 11, 23), (DayMark.DONE,) * 7),)
PAIN = ((dt.date(2026, 11, 16), 4.5, 2.0), (dt.date(2026, 11, 23), 4.0, 2.0))


def holds(routines: int) -> dict[str, list[tuple[str, list[SideHold]]]]:
    """``routines`` routines with three two-sided stretches each."""
    return {
        f"Routine number {r}": [
            (
                f"Stretch {r}.{n} with a long name",
                [SideHold("left", 24.0, True), SideHold("right", 30.0, True)],
            )
            for n in range(3)
        ]
        for r in range(routines)
    }


def test_a_short_stats_reply_is_one_captioned_photo() -> None:
    """Summary, holds and pain fit: all in the caption, no text chart, nothing follows."""
    note = Stats(PROGRESS, WEEKS, 0, holds(1), PAIN)
    photo, rest = stats_photo(note, PNG)
    assert photo.photo == PNG
    assert rest is None
    assert "Current streak: 6 days in a row (longest: 9 days)" in photo.text
    assert "Your holds" in photo.text
    assert "w/c 23 Nov: 4.0 → 2.0" in photo.text
    assert "<pre>" not in photo.text
    assert visible_length(photo.text) <= MAX_CAPTION


def test_a_long_stats_reply_sends_the_details_after_the_photo() -> None:
    """Too many holds for a caption: the caption is the summary, and the holds and the pain
    trend follow, whole."""
    note = Stats(PROGRESS, WEEKS, 0, holds(8), PAIN)
    photo, rest = stats_photo(note, PNG)
    assert rest is not None
    assert visible_length(photo.text) <= MAX_CAPTION
    assert "Current streak" in photo.text
    assert "Your holds" not in photo.text
    assert "Your holds" in rest
    assert "Stretch 7.2 with a long name" in rest
    assert "w/c 23 Nov: 4.0 → 2.0" in rest


def test_the_text_chart_writes_weekdays_and_mondays_as_the_language_does() -> None:
    """The text chart's weekday initials and Monday dates come from Babel for the language
    spoken, padded so that the marks stay in columns."""
    weeks = ((dt.date(2026, 11, 16), (DayMark.DONE,) * 7), (dt.date(2026, 11, 23), ()))
    with i18n.speaking("de"):
        lines = chart(weeks).splitlines()
    assert lines[0] == "         M D M D F S S"
    assert lines[1].startswith("16. Nov. ■ ■")
    assert lines[2] == "23. Nov."
    with i18n.speaking("ru"):
        assert chart(weeks).splitlines()[0].endswith("П В С Ч П С В")


def test_the_chart_words_follow_the_language_spoken() -> None:
    """The picture's words are made per call in the language spoken, and its dates name that
    language's locale (the worker draws "1. Dez." for German)."""
    english = chart_words()
    assert english.sessions == "Sessions, last 4 weeks"
    assert english.side("left") == "left"
    assert english.locale == "en_GB"
    with i18n.speaking("de"):
        german = chart_words()
    assert german.locale == "de_DE"
    assert german.side("left") == "links"
