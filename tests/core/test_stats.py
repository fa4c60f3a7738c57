"""/stats: counts, streaks over off and paused days, minutes, the text chart and the reply."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from html.parser import HTMLParser
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.core.chat import SessionRecord, SessionStatus
from bot.core.stats import (
    MAX_WEEKS,
    Progress,
    counts_as_done,
    day_marks,
    pain_weeks,
    progress,
)
from bot.telegram.render import progress as render
from bot.telegram.render.progress import stats_text, streak_phrase

EVERY_DAY = frozenset(range(7))


def chart(records: list[SessionRecord], **marks: Any) -> str:
    """The text chart of the days :func:`day_marks` finds."""
    return render.chart(day_marks(records, **marks))


MON_FRI = frozenset(range(5))
AUCKLAND = ZoneInfo("Pacific/Auckland")
WED = dt.date(2026, 11, 25)  # a Wednesday


def session(
    day: dt.date,
    status: SessionStatus = SessionStatus.COMPLETED,
    duration: float | None = 300.0,
) -> SessionRecord:
    """A session that started at noon UTC and counts for local date ``day``."""
    started = dt.datetime.combine(day, dt.time(12), dt.UTC)
    return SessionRecord(
        chat_id=42,
        routine_id="full",
        started_at=started,
        ended_at=started + dt.timedelta(seconds=duration or 0),
        local_date=day,
        status=status,
        duration=duration,
    )


def session_at(local: dt.datetime) -> SessionRecord:
    """A completed session started at a local wall-clock instant, dated the way the bot does."""
    started = local.astimezone(dt.UTC)
    return SessionRecord(
        chat_id=42,
        routine_id="full",
        started_at=started,
        ended_at=started + dt.timedelta(minutes=5),
        local_date=local.date(),
        status=SessionStatus.COMPLETED,
        duration=300.0,
    )


def days(start: dt.date, *offsets: int) -> list[dt.date]:
    return [start + dt.timedelta(days=offset) for offset in offsets]


def streaks(
    dates: list[dt.date],
    today: dt.date,
    reminder_days: frozenset[int] = EVERY_DAY,
    paused: tuple[tuple[dt.date, dt.date], ...] = (),
) -> tuple[int, int]:
    result = progress(
        [session(day) for day in dates], today=today, reminder_days=reminder_days, paused=paused
    )
    return result.current_streak, result.longest_streak


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        self.seen.add(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open[-1:] == [tag], f"unbalanced </{tag}>"
        self.open.pop()


def assert_well_formed(html: str) -> None:
    """Every tag is closed in order, and is one Telegram's HTML mode knows."""
    checker = _TagChecker()
    checker.feed(html)
    checker.close()
    assert not checker.open
    assert checker.seen <= {"b", "i", "pre", "code"}


# Counts -------------------------------------------------------------------------------------


def test_week_starts_on_monday_and_month_on_the_first() -> None:
    """Sunday before today's week is last week; Monday 30 Nov is this week but last month."""
    today = dt.date(2026, 12, 2)  # Wednesday
    dates = [dt.date(2026, 11, 29), dt.date(2026, 11, 30), dt.date(2026, 12, 1), today]
    result = progress([session(day) for day in dates], today=today, reminder_days=EVERY_DAY)
    assert (result.this_week, result.this_month, result.total) == (3, 2, 4)


def test_week_reaches_back_into_last_month_on_the_first() -> None:
    """On Sunday 1 Nov the week began on Monday 26 Oct, while the month is that day alone."""
    today = dt.date(2026, 11, 1)
    dates = [dt.date(2026, 10, 25), dt.date(2026, 10, 26), dt.date(2026, 10, 31), today]
    result = progress([session(day) for day in dates], today=today, reminder_days=EVERY_DAY)
    assert (result.this_week, result.this_month, result.total) == (3, 1, 4)


def test_iso_week_spans_new_year_and_same_month_last_year_is_not_this_month() -> None:
    """On Thu 1 Jan the week includes Mon 29 Dec; January of last year is not this month."""
    today = dt.date(2026, 1, 1)
    dates = [dt.date(2025, 1, 1), dt.date(2025, 12, 29), today]
    result = progress([session(day) for day in dates], today=today, reminder_days=EVERY_DAY)
    assert (result.this_week, result.this_month, result.total) == (2, 1, 3)


def test_several_sessions_in_a_day_count_each_but_make_one_streak_day() -> None:
    """Three sessions on one day are three sessions and a one-day streak."""
    result = progress([session(WED)] * 3, today=WED, reminder_days=EVERY_DAY)
    assert (result.this_week, result.total) == (3, 3)
    assert (result.current_streak, result.longest_streak) == (1, 1)


def test_only_completed_sessions_count() -> None:
    """Stopped and interrupted sessions add nothing, and do not save a reminder day."""
    records = [
        session(WED - dt.timedelta(days=2)),
        session(WED - dt.timedelta(days=1), SessionStatus.STOPPED, 120.0),
        session(WED, SessionStatus.INTERRUPTED, None),
    ]
    result = progress(records, today=WED, reminder_days=EVERY_DAY)
    assert result == Progress(
        this_week=1,
        this_month=1,
        total=1,
        current_streak=0,
        longest_streak=1,
        minutes=5.0,
    )


def test_minutes_sum_completed_durations_and_unknown_counts_zero() -> None:
    """Minutes are completed sessions' seconds over 60; None adds nothing, stopped ones neither."""
    records = [
        session(WED, duration=300.0),
        session(WED, duration=None),
        session(WED, duration=90.0),
        session(WED, SessionStatus.STOPPED, duration=600.0),
    ]
    assert progress(records, today=WED, reminder_days=EVERY_DAY).minutes == 6.5


def test_no_history_is_all_zero() -> None:
    """Without sessions every figure is zero."""
    assert progress([], today=WED, reminder_days=EVERY_DAY) == Progress(0, 0, 0, 0, 0, 0.0)


# Streaks ------------------------------------------------------------------------------------


def test_weekend_off_days_do_not_break_a_mon_fri_streak() -> None:
    """With /days mon-fri, Thu, Fri, Mon and Tue in a row are a four-day streak."""
    tuesday = dt.date(2026, 11, 24)
    assert streaks(days(tuesday, -5, -4, -1, 0), tuesday, MON_FRI) == (4, 4)


def test_a_session_on_an_off_day_extends_the_streak() -> None:
    """Stretching on a Saturday off day adds a day to the streak."""
    monday = dt.date(2026, 11, 23)
    assert streaks(days(monday, -3, -2, 0), monday, MON_FRI) == (3, 3)


def test_without_the_off_days_the_weekend_breaks_the_streak() -> None:
    """The same history with reminders every day is broken by the empty weekend."""
    tuesday = dt.date(2026, 11, 24)
    assert streaks(days(tuesday, -5, -4, -1, 0), tuesday, EVERY_DAY) == (2, 2)


def test_paused_days_do_not_break_a_streak() -> None:
    """A pause over Tue–Thu keeps Monday's and Friday's sessions in one streak."""
    monday = dt.date(2026, 11, 16)
    pause = ((monday + dt.timedelta(days=1), monday + dt.timedelta(days=4)),)
    assert streaks(days(monday, 0, 4), monday + dt.timedelta(days=4), EVERY_DAY, pause) == (2, 2)


def test_a_pause_ends_the_day_before_its_end_date() -> None:
    """Pauses are half-open: the end date is a reminder day again, and missing it breaks."""
    monday = dt.date(2026, 11, 16)
    pause = ((monday + dt.timedelta(days=1), monday + dt.timedelta(days=3)),)
    assert streaks(days(monday, 0, 4), monday + dt.timedelta(days=4), EVERY_DAY, pause) == (1, 1)


def test_a_missed_reminder_day_breaks_the_streak() -> None:
    """Two days, a missed day, then today: the current streak is 1, the longest 2."""
    assert streaks(days(WED, -3, -2, 0), WED) == (1, 2)


def test_today_not_done_yet_does_not_break_the_streak() -> None:
    """Before today's session the streak still counts the days up to yesterday."""
    assert streaks(days(WED, -2, -1), WED) == (2, 2)


def test_missing_yesterday_ends_the_current_streak() -> None:
    """If yesterday was missed and today is not done yet, the current streak is 0."""
    assert streaks(days(WED, -3, -2), WED) == (0, 2)


def test_missed_days_before_the_first_session_do_not_matter() -> None:
    """A streak begins with the first completed session, whatever came before it."""
    assert streaks([WED], WED) == (1, 1)


def test_longest_streak_is_kept_and_includes_the_current_one() -> None:
    """The longest run is remembered after it breaks, and the current run can overtake it."""
    history = days(WED, -20, -19, -18, -10, -9)
    assert streaks(history, WED - dt.timedelta(days=9)) == (2, 3)
    assert streaks([*history, *days(WED, -8, -7)], WED - dt.timedelta(days=7)) == (4, 4)


def test_streak_follows_local_dates_across_auckland_midnight() -> None:
    """23:50 and 00:10 in Auckland are one UTC date but two local days: a 2-day streak."""
    late = session_at(dt.datetime(2026, 11, 24, 23, 50, tzinfo=AUCKLAND))
    early = session_at(dt.datetime(2026, 11, 25, 0, 10, tzinfo=AUCKLAND))
    assert late.started_at.date() == early.started_at.date() == dt.date(2026, 11, 24)
    result = progress([late, early], today=dt.date(2026, 11, 25), reminder_days=EVERY_DAY)
    assert (result.current_streak, result.longest_streak) == (2, 2)


def test_one_auckland_day_over_two_utc_dates_is_one_streak_day() -> None:
    """00:10 and 23:50 on one Auckland day fall on two UTC dates but make one streak day."""
    early = session_at(dt.datetime(2026, 11, 26, 0, 10, tzinfo=AUCKLAND))
    late = session_at(dt.datetime(2026, 11, 26, 23, 50, tzinfo=AUCKLAND))
    assert early.started_at.date() != late.started_at.date()
    result = progress([early, late], today=dt.date(2026, 11, 26), reminder_days=EVERY_DAY)
    assert (result.total, result.current_streak, result.longest_streak) == (2, 1, 1)


def test_streak_phrase_counts_days() -> None:
    """One day is singular, more are plural."""
    assert streak_phrase(1) == "1 day in a row"
    assert streak_phrase(3) == "3 days in a row"


# Chart --------------------------------------------------------------------------------------


def _chart_history() -> list[SessionRecord]:
    """Mon 16 Nov – Tue 24 Nov: done, stopped, done, nothing, Saturday done, then Tuesday done."""
    return [
        session(dt.date(2026, 11, 17)),
        session(dt.date(2026, 11, 18), SessionStatus.STOPPED),
        session(dt.date(2026, 11, 19)),
        session(dt.date(2026, 11, 21)),
        session(dt.date(2026, 11, 24)),
    ]


def test_chart_draws_each_kind_of_day() -> None:
    """Blank before the first session and from today on, ■ done, □ missed, · off or paused."""
    text = chart(
        _chart_history(),
        today=WED,
        reminder_days=MON_FRI,
        paused=((dt.date(2026, 11, 23), dt.date(2026, 11, 24)),),
        weeks=3,
    )
    assert text == (
        "       M T W T F S S\n"
        " 9 Nov\n"
        "16 Nov   ■ □ ■ □ ■ ·\n"
        "23 Nov · ■\n"
        "■ done  □ missed  · day off"
    )


def test_chart_marks_today_once_done_and_from_a_given_start_date() -> None:
    """Today's session shows at once, and days from ``since`` on are judged even before it."""
    text = chart(
        [session(WED)],
        today=WED,
        reminder_days=MON_FRI,
        weeks=1,
        since=dt.date(2026, 11, 20),
    )
    assert text.splitlines()[1] == "23 Nov □ □ ■"


def test_chart_rows_start_on_monday_with_the_current_week_last() -> None:
    """Rows are labelled by their Mondays, oldest first, across a month boundary."""
    sunday = dt.date(2026, 11, 1)
    text = chart([], today=sunday, reminder_days=EVERY_DAY, weeks=2)
    assert [line[:6] for line in text.splitlines()[1:3]] == ["19 Oct", "26 Oct"]


@pytest.mark.parametrize("weeks", [0, MAX_WEEKS + 1])
def test_chart_refuses_an_unreasonable_number_of_weeks(weeks: int) -> None:
    """Zero weeks or more than a year is a programming error."""
    with pytest.raises(ValueError, match="weeks"):
        chart([], today=WED, reminder_days=EVERY_DAY, weeks=weeks)


def test_a_year_of_history_stays_far_below_the_message_limit() -> None:
    """The longest chart with a full reply is well under Telegram's 4096 characters."""
    history = [session(WED - dt.timedelta(days=n)) for n in range(400)]
    p = progress(history, today=WED, reminder_days=EVERY_DAY)
    text = stats_text(p, chart(history, today=WED, reminder_days=EVERY_DAY, weeks=MAX_WEEKS))
    assert len(text) < 1500
    assert_well_formed(text)


# Reply --------------------------------------------------------------------------------------


def test_stats_text_shows_counts_streak_minutes_and_chart() -> None:
    """The reply lists the counts, the streak with the longest, minutes, then the chart."""
    p = Progress(
        this_week=3, this_month=11, total=42, current_streak=5, longest_streak=12, minutes=63.4
    )
    assert stats_text(p, "chart") == (
        "📊 <b>Your progress</b>\n"
        "This week 3 · This month 11 · Ever 42\n"
        "🔥 Current streak: 5 days in a row (longest: 12 days)\n"
        "⏱ 63 minutes stretched\n"
        "<pre>chart</pre>"
    )


@pytest.mark.parametrize(
    ("current", "longest", "minutes", "streak", "stretched"),
    [
        (4, 4, 1.0, "4 days in a row — your best yet", "1 minute"),
        (1, 1, 0.2, "1 day in a row", "Under a minute"),
        (0, 2, 0.0, "0 days (longest: 2 days)", "0 minutes"),
    ],
)
def test_stats_text_wording_for_small_numbers(
    current: int, longest: int, minutes: float, streak: str, stretched: str
) -> None:
    """A record streak is celebrated, one is singular, none says so, and seconds are not 0."""
    p = Progress(1, 1, 1, current, longest, minutes)
    lines = stats_text(p, "").splitlines()
    assert lines[2] == f"🔥 Current streak: {streak}"
    assert lines[3] == f"⏱ {stretched} stretched"


def test_stats_text_escapes_the_chart() -> None:
    """Anything in the chart that HTML would read as markup is escaped inside <pre>."""
    p = Progress(1, 1, 1, 1, 1, 5.0)
    text = stats_text(p, "<b>x</b> & 'y'")
    assert text.endswith("<pre>&lt;b&gt;x&lt;/b&gt; &amp; &#x27;y&#x27;</pre>")
    assert_well_formed(text)


def test_stats_text_without_sessions_invites_a_first_one() -> None:
    """With nothing completed the reply is a friendly invitation to reply start, no chart."""
    p = progress([session(WED, SessionStatus.STOPPED)], today=WED, reminder_days=EVERY_DAY)
    text = stats_text(p, chart([], today=WED, reminder_days=EVERY_DAY))
    assert text.startswith("📊 <b>Your progress</b>\n")
    assert "reply <b>start</b>" in text
    assert "<pre>" not in text
    assert_well_formed(text)


def test_stats_text_with_only_unfinished_sessions_says_so() -> None:
    """With sessions that ended early and none completed, the reply says no routine is
    completed yet and how many ended early, not "Nothing here yet"."""
    p = progress([session(WED, SessionStatus.STOPPED)], today=WED, reminder_days=EVERY_DAY)
    text = stats_text(p, "", unfinished=1)
    assert "Nothing here yet" not in text
    assert "No routine completed yet — 1 session ended early" in text
    assert_well_formed(text)


def test_a_partial_session_is_not_done() -> None:
    """A partial session counts nowhere: no streak day, no count, no minutes."""
    history = [session(WED - dt.timedelta(days=1)), session(WED, SessionStatus.PARTIAL)]
    p = progress(history, today=WED, reminder_days=EVERY_DAY)
    assert (p.total, p.this_week, p.current_streak, p.minutes) == (1, 1, 1, 5.0)
    assert not counts_as_done(history[1])
    assert counts_as_done(history[0])


def test_pain_weeks_average_before_and_after_per_iso_week() -> None:
    """Answers average per ISO week of the last four, oldest first; weeks and sessions without
    answers are left out, and a missing side of a week shows as None."""
    today = dt.date(2026, 11, 25)  # a Wednesday
    records = [
        replace(session(dt.date(2026, 10, 26)), pain_before=9),  # five weeks ago: too old
        replace(session(dt.date(2026, 11, 3)), pain_before=6, pain_after=4),
        replace(session(dt.date(2026, 11, 5)), pain_before=5, pain_after=2),
        session(dt.date(2026, 11, 10)),
        replace(session(dt.date(2026, 11, 24)), pain_before=3),
    ]
    assert pain_weeks(records, today=today) == [
        (dt.date(2026, 11, 2), 5.5, 3.0),
        (dt.date(2026, 11, 23), 3.0, None),
    ]
