"""The bot on PostgreSQL (``DATABASE_URL``), through the emulator: the same behaviour as on the
data folder, its state in the database, and a database with an old schema refused at start-up
with one clear line (the real ``python -m bot run``)."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.emulator import BotAPIEmulator
from bot.storage.postgres.pool import open_pool
from bot.storage.postgres.store import PgStore
from tests.app.test_database_commands import fresh_database
from tests.e2e.conftest import BotFactory
from tests.e2e.process import bot_process
from tests.postgres import Cluster

BERLIN = ZoneInfo("Europe/Berlin")


async def test_a_chat_lives_in_postgres_across_restarts(
    start_bot: BotFactory, database_url: str
) -> None:
    """Subscribe, set a time and run a session on PostgreSQL; a restart reads it all back and
    the reminder comes on time, from its row (nothing is rebuilt at start-up)."""
    the_day_before = dt.datetime(2026, 11, 25, 17, 0, tzinfo=BERLIN)
    async with start_bot(database_url=database_url, now=the_day_before) as bot:
        await bot.ask("/start", "I help people")
        await bot.ask("/timezone Europe/Berlin", "Time zone set")
        await bot.ask("/time 07:45", "Done")
        await bot.ask("start quick", "Quick desk stretch")
        await bot.ask("stop", "Session stopped")
    pool = await open_pool(database_url, min_size=1, max_size=2)
    try:
        store = PgStore(pool)
        chat = await store.chat(bot.user.id)
        assert chat is not None
        assert chat.schedule.times == (dt.time(7, 45),)
        assert chat.schedule.timezone == "Europe/Berlin"
        assert [record.status for record in await store.history(bot.user.id)] == ["stopped"]
    finally:
        await pool.close()
    now = dt.datetime(2026, 11, 26, 7, 44, 59, tzinfo=BERLIN)
    async with start_bot(database_url=database_url, now=now) as again:
        reminder = await again.expect("Time to look after your back", timeout=5)
        assert reminder.text


async def test_an_old_schema_is_refused_at_start_up(postgres: Cluster, tmp_path: Path) -> None:
    """The real bot on a database never migrated: exit status 2 and one line saying to run
    ``stretchbot migrate``, no traceback."""
    url = fresh_database(postgres)
    async with (
        BotAPIEmulator() as emulator,
        bot_process(emulator, tmp_path / "data", DATABASE_URL=url, LOG_LEVEL="INFO") as bot,
    ):
        code = await asyncio.wait_for(bot.process.wait(), timeout=30)
    assert code == 2
    assert "run `stretchbot migrate`" in bot.log
    assert "Traceback" not in bot.log
