"""Micro-breaks: when the next break prompt comes (inside the work-hours window, on reminder
days, away from reminders, sessions and a meeting), and reading /breaks and /workhours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.core.breaks import next_break, parse_breaks, parse_work_hours
from bot.core.chat import BreakPlan, Schedule
from bot.core.parsing import ParseError, Problem

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = dt.date(2026, 3, 2)
SPRING_SUNDAY = dt.date(2026, 3, 29)  # 02:00 → 03:00 in Europe/Berlin
MIN = dt.timedelta(minutes=1)
ON = BreakPlan(minutes=45)


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    """A Berlin wall-clock time as a UTC instant."""
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=BERLIN).astimezone(dt.UTC)


def schedule(**changes: object) -> Schedule:
    """A Berlin schedule with its reminder at 07:00, outside the default window."""
    fields: dict[str, object] = {"timezone": "Europe/Berlin", "times": (dt.time(7, 0),)}
    fields.update(changes)
    return Schedule(**fields)  # type: ignore[arg-type]


def test_breaks_come_every_interval_inside_the_window() -> None:
    """From 09:00 the breaks come at 09:45, 10:30… as long as they are inside the window."""
    s, after, seen = schedule(), at(MONDAY, 9), []
    for _ in range(11):
        found = next_break(s, ON, after, 45 * MIN)
        assert found is not None
        seen.append(found)
        after = found
    assert seen[:3] == [at(MONDAY, 9, 45), at(MONDAY, 10, 30), at(MONDAY, 11, 15)]
    assert seen[9] == at(MONDAY, 16, 30)  # the last of the day inside 09:00–17:00
    assert seen[10] == at(MONDAY + dt.timedelta(days=1), 9, 45)  # then the next morning


def test_a_break_at_the_window_end_counts_but_not_after() -> None:
    """The window's end is inside it; one minute later is the next work day."""
    s = schedule()
    assert next_break(s, ON, at(MONDAY, 16, 15), 45 * MIN) == at(MONDAY, 17)
    assert next_break(s, ON, at(MONDAY, 16, 16), 45 * MIN) == at(MONDAY + dt.timedelta(1), 9, 45)


def test_before_the_window_the_first_break_is_one_interval_after_its_start() -> None:
    """Turned on at night (past midnight), the first break is at start + interval."""
    found = next_break(schedule(), ON, at(MONDAY, 0, 5), 30 * MIN)
    assert found == at(MONDAY, 9, 30)
    late = next_break(schedule(), ON, at(MONDAY, 23, 50), 30 * MIN)
    assert late == at(MONDAY + dt.timedelta(days=1), 9, 30)


def test_off_days_pauses_and_skipped_days_get_no_breaks() -> None:
    """Friday evening leads to Monday with Mon–Fri days; a pause and a skip are jumped."""
    friday = MONDAY + dt.timedelta(days=4)
    weekdays = schedule(days=frozenset(range(5)))
    next_monday = MONDAY + dt.timedelta(days=7)
    assert next_break(weekdays, ON, at(friday, 16, 30), 45 * MIN) == at(next_monday, 9, 45)
    paused = schedule(pauses=((MONDAY, MONDAY + dt.timedelta(days=2)),))
    assert next_break(paused, ON, at(MONDAY, 9), 45 * MIN) == at(MONDAY + dt.timedelta(2), 9, 45)
    skipped = schedule(skipped_day=MONDAY)
    assert next_break(skipped, ON, at(MONDAY, 9), 45 * MIN) == at(MONDAY + dt.timedelta(1), 9, 45)


def test_no_break_within_30_minutes_of_a_reminder_inside_the_window() -> None:
    """A reminder at 12:00: a break due at 11:45 (before it) or 12:15 (after) moves to 12:30."""
    s = schedule(times=(dt.time(12, 0),))
    assert next_break(s, ON, at(MONDAY, 11), 45 * MIN) == at(MONDAY, 12, 30)
    assert next_break(s, ON, at(MONDAY, 11, 30), 45 * MIN) == at(MONDAY, 12, 30)
    assert next_break(s, ON, at(MONDAY, 10, 30), 45 * MIN) == at(MONDAY, 11, 15)  # 45 min before


def test_a_day_that_is_not_a_reminder_day_has_no_breaks() -> None:
    """With /days set to Mondays, Tuesday gets no breaks."""
    s = schedule(times=(dt.time(12, 0),), days=frozenset({0}))
    # Tuesday has no reminder and no breaks (not a reminder day): Monday next week then.
    found = next_break(s, ON, at(MONDAY, 16, 30), 45 * MIN)
    assert found == at(MONDAY + dt.timedelta(days=7), 9, 45)


def test_no_break_within_30_minutes_after_a_session() -> None:
    """A session that ended at 10:20 keeps the 10:30 break away until 10:50."""
    found = next_break(
        schedule(), ON, at(MONDAY, 9, 45), 45 * MIN, sessions_ended=[at(MONDAY, 10, 20)]
    )
    assert found == at(MONDAY, 10, 50)


def test_a_meeting_mutes_until_its_end() -> None:
    """Muted until 11:40, the 10:30 break comes at 11:40."""
    plan = BreakPlan(minutes=45, muted_until=at(MONDAY, 11, 40))
    assert next_break(schedule(), plan, at(MONDAY, 9, 45), 45 * MIN) == at(MONDAY, 11, 40)


def test_an_interval_longer_than_the_window_gives_no_break() -> None:
    """Three hours between breaks in a two-hour window: never (and found at once)."""
    plan = BreakPlan(minutes=180, start=dt.time(9), end=dt.time(11))
    assert next_break(schedule(), plan, at(MONDAY, 8), 180 * MIN) is None
    assert next_break(schedule(), BreakPlan(), at(MONDAY, 8), 45 * MIN) is None  # off


def test_breaks_keep_elapsed_time_across_the_spring_change() -> None:
    """Window 01:00–05:00 on the night 02:00 becomes 03:00: 01:45, then 03:30 (45 min later)."""
    plan = BreakPlan(minutes=45, start=dt.time(1), end=dt.time(5))
    s = schedule(times=(dt.time(12),))
    first = next_break(s, plan, at(SPRING_SUNDAY, 0, 0), 45 * MIN)
    assert first == at(SPRING_SUNDAY, 1, 45)
    assert first is not None
    second = next_break(s, plan, first, 45 * MIN)
    assert second == first + 45 * MIN
    assert second is not None
    assert second.astimezone(BERLIN).time() == dt.time(3, 30)


def test_a_scaled_interval_fits_many_breaks_in_the_window() -> None:
    """Scaled by TIME_SCALE, the interval is short; the window stays wall-clock."""
    seconds = dt.timedelta(seconds=2)
    assert next_break(schedule(), ON, at(MONDAY, 16, 59), seconds) == at(MONDAY, 16, 59) + seconds
    beyond = next_break(schedule(), ON, at(MONDAY, 17), seconds)
    assert beyond == at(MONDAY + dt.timedelta(days=1), 9) + seconds


@pytest.mark.parametrize(
    ("text", "minutes"), [("45", 45), ("20", 20), ("180m", 180), ("1h", 60), ("off", None)]
)
def test_breaks_reads_minutes_and_off(text: str, minutes: int | None) -> None:
    """/breaks takes 20–180 minutes, or off."""
    assert parse_breaks(text) == minutes


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("19", Problem.BREAKS_OUT_OF_RANGE),
        ("181", Problem.BREAKS_OUT_OF_RANGE),
        ("often", Problem.BREAKS_UNREADABLE),
        ("", Problem.BREAKS_UNREADABLE),
    ],
)
def test_breaks_refuses_other_input(text: str, problem: Problem) -> None:
    """Out of range or not a number: a ParseError naming why."""
    with pytest.raises(ParseError) as caught:
        parse_breaks(text)
    assert caught.value.problem is problem


def test_work_hours_reads_a_window() -> None:
    """09:00-17:30, 9–17:30 and 9 to 5pm are windows."""
    assert parse_work_hours("09:00-17:30") == (dt.time(9), dt.time(17, 30))
    assert parse_work_hours("9 – 17:30") == (dt.time(9), dt.time(17, 30))
    assert parse_work_hours("9 to 5pm") == (dt.time(9), dt.time(17))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", Problem.HOURS_UNREADABLE),
        ("9", Problem.HOURS_UNREADABLE),
        ("9-25", Problem.HOURS_UNREADABLE),
        ("17:00-09:00", Problem.HOURS_REVERSED),
        ("9-9", Problem.HOURS_REVERSED),
    ],
)
def test_work_hours_refuses_empty_bad_or_reversed_windows(text: str, problem: Problem) -> None:
    """An empty, unreadable or reversed window is refused with its reason."""
    with pytest.raises(ParseError) as caught:
        parse_work_hours(text)
    assert caught.value.problem is problem


def test_breaks_round_trip_through_the_chat_document_and_old_records_read_off() -> None:
    """Stored on both backends as the chat's JSON: kept whole, and absent means off, 9–17."""
    from bot.core.documents import chat_from_doc, chat_to_doc
    from tests.factories import make_chat

    plan = BreakPlan(45, dt.time(8), dt.time(16, 30), at(MONDAY, 12), at(MONDAY, 11), 7, 9, 3)
    chat = make_chat(1)
    chat = type(chat)(chat_id=1, breaks=plan)
    assert chat_from_doc(chat_to_doc(chat)).breaks == plan
    old = chat_to_doc(chat)
    del old["breaks"]
    assert chat_from_doc(old).breaks == BreakPlan()


def test_the_micro_routine_is_quick_with_short_holds_found_but_not_listed() -> None:
    """quick.toml's [micro] form: its exercises marked added with 10 s holds (40 s in position,
    under two and a half minutes with reading), found by id (a session of it runs) but not
    among the routines people pick."""
    from bot.core.session import compile_script, script_seconds
    from tests.factories import routines

    book = routines()
    micro = book.micro
    assert micro is not None
    assert book[micro.id] is micro
    assert micro.id not in list(book)
    assert [e.title for e in micro.exercises] == [e.title for e in book["quick"].exercises]
    assert all(e.added and e.note for e in micro.exercises)
    holds = [s.hold for e in micro.exercises for s in e.steps if s.hold]
    assert holds == [10.0, 10.0]
    assert 60 <= script_seconds(compile_script(micro)) <= 150
