"""/timezone with offsets: "GMT+2" means two hours east of Greenwich, as people mean it.

Before, "GMT+2" became the POSIX zone Etc/GMT+2, which is two hours *behind* Greenwich,
"UTC+2" got "Did you mean UTC?", and a half-hour offset (India) could not be set at all.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.conftest import Bot, BotFactory

#: 10:38 UTC on Wednesday 25 November 2026.
MORNING = dt.datetime(2026, 11, 25, 10, 38, tzinfo=dt.UTC)
REMINDER = "Time to look after your back"
NO_DST = "never changes for daylight saving"


@pytest.mark.parametrize(
    ("given", "zone", "local"),
    [
        ("GMT+2", "UTC+02:00", "12:38"),
        ("UTC+2", "UTC+02:00", "12:38"),
        ("+2", "UTC+02:00", "12:38"),
        ("-3", "UTC-03:00", "07:38"),
        ("UTC+05:30", "UTC+05:30", "16:08"),
        ("UTC-03:30", "UTC-03:30", "07:08"),
        ("Etc/GMT+2", "UTC-02:00", "08:38"),
    ],
)
async def test_offsets_mean_east_of_greenwich(
    start_bot: BotFactory, given: str, zone: str, local: str
) -> None:
    """/timezone with an offset sets it with the sign people mean, shows the right local time,
    and suggests a city, since an offset never changes for daylight saving."""
    async with start_bot(now=MORNING) as bot:
        await bot.ask("/start", "I help people")
        reply = await bot.ask(f"/timezone {given}", "")
        assert reply.text.startswith(f"Time zone set to {zone} — it's {local} there now.")
        assert NO_DST in reply.text
        assert "Did you mean" not in reply.text
        subscriber = bot.storage.chat(bot.user.id)
        assert subscriber is not None
        assert subscriber.schedule.timezone == zone


@pytest.mark.parametrize(("given", "note"), [("EST", True), ("CET", False), ("berlin", False)])
async def test_only_zones_without_rules_get_the_note(
    subscribed: Bot, given: str, note: bool
) -> None:
    """EST never changes for daylight saving and gets the note; CET and cities do not."""
    reply = await subscribed.ask(f"/timezone {given}", "Time zone set")
    assert (NO_DST in reply.text) is note


async def test_impossible_offset_is_refused(subscribed: Bot) -> None:
    """An offset no place uses is refused with the range, and nothing changes."""
    before = subscribed.db_snapshot()
    await subscribed.ask("/timezone UTC+15", "“UTC+15” isn't an offset any place uses")
    assert subscribed.db_snapshot() == before


async def test_reminder_fires_at_the_right_instant_for_a_half_hour_zone(
    start_bot: BotFactory,
) -> None:
    """A 09:00 reminder in UTC+05:30 comes at 03:30 UTC; sessions, /stats and /settings work
    in that zone too."""
    just_before = dt.datetime(2026, 11, 25, 3, 29, 58, tzinfo=dt.UTC)
    async with start_bot(now=just_before) as bot:
        await bot.subscribe("09:00", zone="UTC+05:30")
        assert bot.app.job_queue is not None
        (job,) = bot.app.job_queue.jobs(r"^reminder:")
        assert job.next_t is not None
        due = job.next_t + bot.clock.offset
        assert abs(due - dt.datetime(2026, 11, 25, 3, 30, tzinfo=dt.UTC)) < dt.timedelta(seconds=1)
        await bot.expect(REMINDER, timeout=5)
        await bot.ask("start quick", "Quick desk stretch")
        await bot.ask("stop", "Session stopped")
        await bot.ask("/stats", "")
        settings = await bot.ask("/settings", "Settings")
        assert "Next: tomorrow at 09:00." in settings.text
        assert "Time zone: UTC+05:30 (it's 09:0" in settings.text
