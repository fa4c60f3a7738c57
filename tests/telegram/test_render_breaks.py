"""Micro-breaks in words: the next break's day as the language writes it, the interval's
plural, and "meeting" typed in any shipped language."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.chat import BreakPlan
from bot.features.breaks import BreaksNow
from bot.telegram.render import i18n
from bot.telegram.render.breaks import breaks_line, breaks_now, meeting_words

TODAY = dt.date(2026, 12, 3)  # a Thursday
PLAN = BreakPlan(minutes=45, start=dt.time(9), end=dt.time(17, 30))


@pytest.mark.parametrize(
    ("at", "when"),
    [
        (dt.datetime(2026, 12, 3, 10, 45, tzinfo=dt.UTC), "today at 10:45"),
        (dt.datetime(2026, 12, 4, 9, 45, tzinfo=dt.UTC), "tomorrow at 09:45"),
        (dt.datetime(2026, 12, 7, 9, 45, tzinfo=dt.UTC), "Mon 7 Dec at 09:45"),
    ],
)
def test_the_next_break_is_today_tomorrow_or_its_day(at: dt.datetime, when: str) -> None:
    """/breaks names the next break by today, tomorrow, or its weekday and date."""
    text = breaks_now(BreaksNow(PLAN, at, today=TODAY))
    assert f"Next break: {when}." in text.splitlines()


def test_a_later_day_is_written_by_babel_for_the_language() -> None:
    """A German reader sees the next break's day as German writes it ("Mo., 7. Dez.")."""
    with i18n.speaking("de"):
        text = breaks_now(
            BreaksNow(PLAN, dt.datetime(2026, 12, 7, 9, 45, tzinfo=dt.UTC), today=TODAY)
        )
    assert "Mo., 7. Dez." in text


def test_the_interval_takes_its_plural() -> None:
    """One minute is singular, more are plural; breaks off says so."""
    assert breaks_line(PLAN).startswith("every 45 minutes, 09:00–17:30")
    assert breaks_line(BreakPlan(minutes=1)).startswith("every 1 minute, ")
    assert breaks_line(BreakPlan()) == "off"


def test_meeting_is_understood_in_english_whatever_is_spoken() -> None:
    """The English word works for everyone, beside each language's own (from the catalogs)."""
    assert "meeting" in meeting_words()
    with i18n.speaking("ru"):
        assert "meeting" in meeting_words()
