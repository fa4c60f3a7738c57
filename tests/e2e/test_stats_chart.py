"""/stats through the emulator: with history, a chart photo captioned with the summary; without
history, text."""

from __future__ import annotations

import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

from PIL import Image

from bot.app import build_application
from bot.charts.worker import ChartRenderer
from bot.config import Settings
from bot.core.chat import SessionRecord, SessionStatus
from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.telegram.runner import running
from tests.e2e.conftest import Bot


def seed_history(bot: Bot, days: int, chat_id: int | None = None) -> None:
    """A completed session on each of the last ``days`` days, with holds and pain answers."""
    today = bot.clock.now().astimezone(dt.UTC).date()
    for n in range(days, 0, -1):
        day = today - dt.timedelta(days=n)
        started = dt.datetime.combine(day, dt.time(9), dt.UTC)
        bot.storage.end_session(
            SessionRecord(
                chat_id=bot.user.id if chat_id is None else chat_id,
                routine_id="back",
                started_at=started,
                ended_at=started + dt.timedelta(minutes=6),
                local_date=day,
                status=SessionStatus.COMPLETED,
                duration=360.0,
                holds={"Iliopsoas stretch · left": 20.0, "Iliopsoas stretch · right": 24.0},
                pain_before=4,
                pain_after=2,
            )
        )


async def test_stats_with_history_is_a_chart_photo(bot: Bot) -> None:
    """With a month of sessions, /stats answers with one photo: a valid PNG of a phone-sized
    picture (uploaded, not a file_id), captioned with the counts and the streak, and no text
    chart."""
    await bot.ask("/start", "I help people")
    seed_history(bot, 30)
    reply = await bot.ask("/stats", "Your progress", timeout=30)
    assert reply.photo is not None
    assert reply.photo.uploaded
    data = reply.photo.data
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert 3_000 < len(data) < 300_000
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.size == (900, 1125)
    assert "This week" in reply.text
    assert "Current streak: 30 days in a row" in reply.text
    assert "■" not in reply.text  # the picture replaces the text chart
    assert "Back pain" in reply.text  # the whole text fits the caption
    assert len(bot.emulator.photos(bot.user)) == 1


async def test_stats_without_history_is_text(bot: Bot) -> None:
    """A new user's /stats is text ("Nothing here yet"), not an empty chart."""
    await bot.ask("/start", "I help people")
    reply = await bot.ask("/stats", "Your progress")
    assert reply.photo is None
    assert "Nothing here yet" in reply.text
    assert bot.emulator.photos(bot.user) == []


async def test_stats_in_a_group_is_the_groups_chart(bot: Bot) -> None:
    """In a group, /stats from any member is the group's chart (its sessions, not the
    member's)."""
    emulator, admin = bot.emulator, bot.user
    member = emulator.add_user("Sam")
    group = emulator.add_group("Back office", members=[admin, member], admins=[admin])
    emulator.send_text(group, "/start", from_user=admin)
    await emulator.wait_for_message(group, "Hi Back office!")
    seed_history(bot, 5, chat_id=group)
    emulator.send_text(group, "/stats", from_user=member)
    reply = await emulator.wait_for_message(group, "Your progress", timeout=30)
    assert reply.photo is not None
    assert reply.photo.data.startswith(b"\x89PNG")
    assert "Current streak: 5 days in a row" in reply.text


async def test_stats_is_text_when_the_chart_is_not_drawn_in_time(
    emulator: BotAPIEmulator, user: EmulatedUser, settings: Settings
) -> None:
    """A chart the worker does not deliver in time (stuck, or gone): /stats answers in text,
    the text chart included, rather than not at all."""
    renderer = ChartRenderer(ThreadPoolExecutor(max_workers=1), timeout=0.0)
    application = build_application(settings, charts=renderer)
    try:
        async with running(application, poll_timeout=1):
            bot = Bot(application, emulator, user, settings)
            await bot.ask("/start", "I help people")
            seed_history(bot, 5)
            reply = await bot.ask("/stats", "Your progress")
    finally:
        renderer.close()
    assert reply.photo is None
    assert "Current streak: 5 days in a row" in reply.text
    assert "■" in reply.text
    assert emulator.photos(user) == []
