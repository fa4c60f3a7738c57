"""Reading reminder times, time-zone names and session words as people type them."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator

import pytest

from bot.core.parsing import (
    MAX_TIMES,
    ParseError,
    normalize_words,
    parse_days,
    parse_nudge,
    parse_pause,
    parse_time,
    parse_times,
    parse_timezone,
)
from bot.telegram.render import schedule as schedule_text
from tests.factories import plain


@contextlib.contextmanager
def says(pattern: str) -> Iterator[pytest.ExceptionInfo[ParseError]]:
    """Expect a ParseError whose reply to the user (as rendered) matches ``pattern``."""
    with pytest.raises(ParseError) as caught:
        yield caught
    assert re.search(pattern, plain(schedule_text.parse_error(caught.value))), caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:30", dt.time(7, 30)),
        ("07:30", dt.time(7, 30)),
        ("07.30", dt.time(7, 30)),
        ("7.30", dt.time(7, 30)),
        ("19:30", dt.time(19, 30)),
        ("7:30pm", dt.time(19, 30)),
        ("7:30PM", dt.time(19, 30)),
        ("7:30 p.m.", dt.time(19, 30)),
        ("7:30am", dt.time(7, 30)),
        ("12:15am", dt.time(0, 15)),
        ("12:15pm", dt.time(12, 15)),
        ("7pm", dt.time(19, 0)),
        ("7", dt.time(7, 0)),
        ("0730", dt.time(7, 30)),
        ("00:00", dt.time(0, 0)),
        ("23:59", dt.time(23, 59)),
        ("noon", dt.time(12, 0)),
        ("Midnight", dt.time(0, 0)),
    ],
)
def test_time_forms(text: str, expected: dt.time) -> None:
    """Every documented way of writing a time reads as the same wall-clock time."""
    assert parse_time(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("25:61", "hours go 0–23 and minutes 0–59"),
        ("24:00", "hours go 0–23"),
        ("7:60", "minutes 0–59"),
        ("13pm", "with am/pm the hour goes from 1 to 12"),
        ("0am", "with am/pm the hour goes from 1 to 12"),
        ("730", "isn't a time I understand"),
        ("7:3", "isn't a time I understand"),
        ("soon", "isn't a time I understand"),
        ("-1:00", "isn't a time I understand"),
    ],
)
def test_bad_times_explain_themselves(text: str, message: str) -> None:
    """A time that can't be read gets a message saying what is wrong and what would work."""
    with says(message):
        parse_time(text)


def test_several_times_are_sorted_and_deduplicated() -> None:
    """Several times, with spaces, commas and split am/pm, become one sorted list."""
    assert parse_times("17:45, 07:30 13:00 7:30am 5:45 pm") == (
        dt.time(7, 30),
        dt.time(13, 0),
        dt.time(17, 45),
    )


def test_empty_and_too_many_times_are_refused() -> None:
    """No time at all, or more than the daily maximum, is refused with a reason."""
    with says("Which time"):
        parse_times("  ")
    many = " ".join(f"{hour:02d}:00" for hour in range(MAX_TIMES + 1))
    with says(f"at most {MAX_TIMES}"):
        parse_times(many)


def test_one_bad_time_refuses_the_whole_list() -> None:
    """A list with one bad time changes nothing rather than half of it."""
    with says("25:00"):
        parse_times("07:30 25:00")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("EUROPE/BERLIN", "Europe/Berlin"),
        ("america/new_york", "America/New_York"),
        ("America/New York", "America/New_York"),
        ("berlin", "Europe/Berlin"),
        ("utc", "UTC"),
        ("Pacific/Auckland", "Pacific/Auckland"),
    ],
)
def test_timezone_names(text: str, expected: str) -> None:
    """IANA names in any case, and unique city names, give the canonical zone."""
    assert parse_timezone(text) == expected


def test_unknown_timezone_gives_an_example() -> None:
    """An unknown zone gets a reply with an example of a valid one."""
    with says("I don't know the time zone “Mars/Olympus”") as caught:
        parse_timezone("Mars/Olympus")
    assert "Europe/Berlin" in plain(schedule_text.parse_error(caught.value))


def test_misspelt_timezone_gets_a_suggestion() -> None:
    """A near miss suggests the zone that was probably meant."""
    with says("Did you mean Europe/Berlin"):
        parse_timezone("Europe/Berln")


@pytest.mark.parametrize(
    "text", ["start", "Start", "START", "  start  ", "start!", "Start.", "¡start!", "▶️ start"]
)
def test_words_ignore_case_space_and_punctuation(text: str) -> None:
    """“start” is recognised whatever the case, spacing and punctuation around it."""
    assert normalize_words(text) == "start"


def test_words_keep_inner_words() -> None:
    """Inner words and spacing are kept (collapsed), so "start  quick" reads as two words."""
    assert normalize_words("  Start   Quick!! ") == "start quick"
    assert normalize_words("startle") == "startle"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("Mon - Fri", {0, 1, 2, 3, 4}),
        ("mon wed fri", {0, 2, 4}),
        ("Mon, Wed, Fri", {0, 2, 4}),
        ("every day", set(range(7))),
        ("daily", set(range(7))),
        ("weekdays", {0, 1, 2, 3, 4}),
        ("weekends", {5, 6}),
        ("fri-mon", {4, 5, 6, 0}),
        ("saturday sunday", {5, 6}),
    ],
)
def test_days_forms(text: str, expected: set[int]) -> None:
    """Ranges, lists, names and groups of weekdays all read as weekday numbers (0 = Monday)."""
    assert parse_days(text) == frozenset(expected)


@pytest.mark.parametrize(("text", "message"), [("", "Which days"), ("someday", "someday")])
def test_bad_days(text: str, message: str) -> None:
    """An empty or unknown day is explained."""
    with says(message):
        parse_days(text)


TODAY = dt.date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "until"),
    [
        ("7", dt.date(2026, 12, 2)),
        ("1", dt.date(2026, 11, 26)),
        ("2 weeks", dt.date(2026, 12, 9)),
        ("3d", dt.date(2026, 11, 28)),
        ("2026-12-27", dt.date(2026, 12, 27)),
    ],
)
def test_pause_forms(text: str, until: dt.date) -> None:
    """A number of days or weeks, or a date, gives the date reminders come back."""
    assert parse_pause(text, TODAY) == until


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0", "1 to 365 days"),
        ("400", "1 to 365 days"),
        ("2026-11-25", "isn't in the future"),
        ("2030-01-01", "at most a year"),
        ("soon", "for how many days"),
    ],
)
def test_bad_pauses(text: str, message: str) -> None:
    """Zero, too long, past dates and words are refused with a reason."""
    with says(message):
        parse_pause(text, TODAY)


def test_pause_limit_on_a_leap_day() -> None:
    """On 29 February the year-long limit is a real date: 365 days on, 28 February."""
    leap_day = dt.date(2028, 2, 29)
    with says(r"at most a year \(until 2029-02-28\)"):
        parse_pause("2030-01-01", leap_day)
    assert parse_pause("2029-02-28", leap_day) == dt.date(2029, 2, 28)
    with says("at most a year"):
        parse_pause("2029-03-01", leap_day)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("off", None), ("on", 60), ("", 60), ("30", 30), ("45m", 45), ("2h", 120), ("1 hour", 60)],
)
def test_nudge_forms(text: str, minutes: int | None) -> None:
    """The follow-up delay in minutes, "on" for an hour, "off" for none."""
    assert parse_nudge(text) == minutes


@pytest.mark.parametrize("text", ["1", "5h", "sometimes"])
def test_bad_nudges(text: str) -> None:
    """Delays outside 5 minutes to 4 hours, and words, are refused."""
    with pytest.raises(ParseError):
        parse_nudge(text)
