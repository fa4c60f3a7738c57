"""The one description of a schedule, phrased from an Outlook (no Telegram, no clock)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.core.outlook import outlook
from bot.telegram.render import i18n
from bot.telegram.render import schedule as texts
from bot.telegram.render import settings as render_settings
from tests.factories import make_chat, plain

#: Thursday 26 November 2026, 10:00 UTC.
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("days", "phrase"),
    [
        ({0, 1, 2, 3, 4, 5, 6}, "every day"),
        ({0, 1, 2, 3, 4}, "on weekdays"),
        ({5, 6}, "on weekends"),
        ({2}, "on Wednesdays"),
        ({0, 2}, "on Mon and Wed"),
        ({0, 2, 4}, "on Mon, Wed and Fri"),
        ({1, 2, 3, 4, 5}, "on Tue–Sat"),
        ({4, 5, 6, 0}, "on Fri–Mon"),
        ({0, 1, 3, 4}, "on Mon, Tue, Thu and Fri"),
    ],
)
def test_day_sets_read_as_english(days: set[int], phrase: str) -> None:
    """Day sets continue a sentence: no "on every day", runs as ranges, lists with "and"."""
    assert texts.on_days(frozenset(days)) == phrase


def _described(**changes: Any) -> str:
    """The schedule of a chat with reminders at 09:00 and 18:00 UTC, changed by ``changes``."""
    subscriber = make_chat(1, timezone="UTC", times=(dt.time(9, 0), dt.time(18, 0)), **changes)
    return plain(texts.schedule(outlook(subscriber, NOW)))


def test_schedule_names_the_next_reminder() -> None:
    """The plain case: days, times, zone and the next reminder."""
    assert _described() == "every day at 09:00 and 18:00 (UTC time). Next: today at 18:00."


def test_schedule_says_why_today_is_skipped() -> None:
    """A skip that holds back today's 18:00 is named as the reason the next is tomorrow."""
    assert _described(skipped_day=NOW.date()).endswith(
        "Today is skipped, so the next one is tomorrow at 09:00."
    )


def test_schedule_names_a_pause() -> None:
    """A running pause is named, with the day reminders come back."""
    pause = ((NOW.date(), dt.date(2026, 12, 1)),)
    assert _described(pauses=pause) == (
        "every day at 09:00 and 18:00 (UTC time), paused until Tue 1 Dec (they come back by "
        "themselves that day). Next: Tue 1 Dec at 09:00."
    )


def test_schedule_says_reminders_are_off() -> None:
    """After /stop the schedule is kept and shown, with how to turn it on."""
    assert _described(subscribed=False).endswith(
        "Reminders are off at the moment: /start turns them on."
    )


@pytest.mark.parametrize(
    ("language", "days", "names"),
    [
        ("de", {0, 2}, ("Mo.", "Mi.")),
        ("es", {1, 2, 3, 4, 5}, ("mar", "sáb")),
        ("ru", {0, 2, 4}, ("пн", "ср", "пт")),
    ],
)
def test_day_names_are_the_languages_own(
    language: str, days: set[int], names: tuple[str, ...]
) -> None:
    """Short day names come from Babel for the language spoken, not from the English table."""
    with i18n.speaking(language):
        phrase = texts.on_days(frozenset(days))
    assert all(name in phrase for name in names), phrase
    assert not any(english in phrase for english in ("Mon", "Tue", "Wed", "Fri", "Sat"))


def test_dates_are_written_as_the_language_writes_them() -> None:
    """A near date is Babel's month-weekday-day: "Tue 1 Dec" in English, "Di., 1. Dez." in
    German."""
    date = dt.date(2026, 12, 1)
    assert texts.day(date) == "Tue 1 Dec"
    with i18n.speaking("de"):
        assert texts.day(date) == "Di., 1. Dez."


@pytest.mark.parametrize(
    ("minutes", "said"),
    [
        (60, "1 hour later"),
        (120, "2 hours later"),
        (1, "1 minute later"),
        (90, "90 minutes later"),
    ],
)
def test_follow_up_delays_count_in_the_right_form(minutes: int, said: str) -> None:
    """The follow-up delay takes the singular for one and the plural otherwise (via ngettext)."""
    assert texts.after_minutes(minutes) == said


@pytest.mark.parametrize(
    ("days", "label"), [(1, "1 day"), (3, "3 days"), (7, "1 week"), (14, "2 weeks")]
)
def test_pause_buttons_count_days_or_weeks(days: int, label: str) -> None:
    """A pause of whole weeks is said in weeks, with the singular for one."""
    assert render_settings.pause_button(days) == label
