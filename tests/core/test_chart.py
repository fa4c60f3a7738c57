"""The /stats chart's data: days and sessions, the current streak, holds per side over time,
the weekly pain; None before the first completed session."""

from __future__ import annotations

import datetime as dt
import random

from bot.core.chart import CHART_DAYS, chart_data, side_of
from bot.core.chat import SessionRecord, SessionStatus
from bot.core.stats import DayMark, progress

EVERY_DAY = frozenset(range(7))
MON_FRI = frozenset(range(5))
WED = dt.date(2026, 11, 25)  # a Wednesday


def session(
    day: dt.date,
    status: SessionStatus = SessionStatus.COMPLETED,
    holds: dict[str, float] | None = None,
    pain: tuple[int | None, int | None] = (None, None),
) -> SessionRecord:
    started = dt.datetime.combine(day, dt.time(12), dt.UTC)
    return SessionRecord(
        chat_id=42,
        routine_id="back",
        started_at=started,
        ended_at=started + dt.timedelta(minutes=5),
        local_date=day,
        status=status,
        duration=300.0,
        holds=holds or {},
        pain_before=pain[0],
        pain_after=pain[1],
    )


def days_ago(n: int) -> dt.date:
    return WED - dt.timedelta(days=n)


def test_no_completed_session_means_no_chart() -> None:
    """A new user, or one whose sessions all ended early, gets text: no chart data at all."""
    assert chart_data([], today=WED, reminder_days=EVERY_DAY) is None
    partial = [session(days_ago(1), SessionStatus.PARTIAL, {"Bridge": 15.0})]
    assert chart_data(partial, today=WED, reminder_days=EVERY_DAY) is None


def test_the_days_are_the_last_four_weeks_ending_today() -> None:
    """28 days, oldest first, today last; two sessions on one day count two; a missed day is
    marked missed and a day off off."""
    records = [session(days_ago(0)), session(days_ago(0)), session(days_ago(3))]
    data = chart_data(records, today=WED, reminder_days=MON_FRI, since=days_ago(10))
    assert data is not None
    assert len(data.days) == CHART_DAYS
    assert (data.days[0].day, data.days[-1].day) == (days_ago(CHART_DAYS - 1), WED)
    by_day = {day.day: day for day in data.days}
    assert by_day[WED].sessions == 2
    assert by_day[days_ago(3)].sessions == 1  # Sunday: done on a day off still counts
    assert by_day[days_ago(1)].mark is DayMark.MISSED  # Tuesday
    assert by_day[days_ago(4)].mark is DayMark.OFF  # Saturday
    assert by_day[days_ago(20)].mark is DayMark.BLANK  # before the chat existed


def test_the_streak_spans_days_off_and_not_a_missed_day() -> None:
    """Done Fri, off Sat and Sun, done Mon and Tue, today not yet: a streak of three, marked
    on those three days; the done day before the missed Thursday is not part of it."""
    records = [session(days_ago(n)) for n in (1, 2, 5, 7)]
    data = chart_data(records, today=WED, reminder_days=MON_FRI)
    assert data is not None
    assert data.streak == 3
    assert {day.day for day in data.days if day.streak} == {days_ago(n) for n in (1, 2, 5)}


def test_the_streak_agrees_with_progress_on_random_histories() -> None:
    """The chart's streak is the one the text states, for any history, schedule and pause."""
    rng = random.Random(14)
    for _ in range(200):
        records = [session(days_ago(n)) for n in range(60) if rng.random() < 0.6]
        days = frozenset(d for d in range(7) if rng.random() < 0.7) or EVERY_DAY
        start = days_ago(rng.randrange(40))
        paused = [(start, start + dt.timedelta(days=rng.randrange(1, 9)))]
        data = chart_data(records, today=WED, reminder_days=days, paused=paused)
        expected = progress(records, today=WED, reminder_days=days, paused=paused)
        assert (data.streak if data else 0) == expected.current_streak
        if data:
            assert sum(day.streak for day in data.days) == min(data.streak, CHART_DAYS)


def test_holds_are_averaged_per_side_and_day() -> None:
    """Each side's holds that day are averaged (several timed steps, several sessions); sided
    series come first; a one-sided exercise is its own series; holds of a session that ended
    early still count."""
    records = [
        session(days_ago(2), holds={"Iliopsoas stretch · left": 20, "Bridge": 15}),
        session(
            days_ago(1),
            holds={
                "Iliopsoas stretch · left": 22,
                "Side bend · left": 30,
                "Iliopsoas stretch · right": 25,
            },
        ),
        session(days_ago(1), SessionStatus.STOPPED, holds={"Iliopsoas stretch · left": 23}),
    ]
    data = chart_data(records, today=WED, reminder_days=EVERY_DAY)
    assert data is not None
    series = {s.side: s.points for s in data.holds}
    assert [s.side for s in data.holds] == ["left", "right", ""]
    assert series["left"] == ((days_ago(2), 20.0), (days_ago(1), 25.0))
    assert series["right"] == ((days_ago(1), 25.0),)
    assert series[""] == ((days_ago(2), 15.0),)


def test_a_step_number_is_not_a_side() -> None:
    """ "Title · left · step 2" is the left side; "Title · step 2" is one-sided."""
    assert side_of("Iliopsoas stretch · left · step 2") == "left"
    assert side_of("Bridge · step 2") == ""
    assert side_of("Bridge") == ""


def test_pain_covers_up_to_a_year_of_weeks() -> None:
    """The pain panel has every week with an answer in the last year, oldest first."""
    records = [
        session(days_ago(300), pain=(6, 4)),
        session(days_ago(2), pain=(4, None)),
        session(days_ago(1), pain=(2, 1)),
        session(days_ago(400), pain=(9, 9)),
    ]
    data = chart_data(records, today=WED, reminder_days=EVERY_DAY)
    assert data is not None
    assert [(before, after) for _, before, after in data.pain] == [(6, 4), (3, 1)]


def test_a_year_of_history_is_at_most_a_year_of_points() -> None:
    """Holds older than the chart's year are left out, so a long history draws as fast."""
    records = [session(days_ago(n), holds={"Bridge": 15}) for n in range(800)]
    data = chart_data(records, today=WED, reminder_days=EVERY_DAY)
    assert data is not None
    (series,) = data.holds
    assert len(series.points) == 52 * 7
