"""The operator's database commands, run as the operator runs them (``python -m bot …``)
against a real PostgreSQL: ``migrate`` brings an empty database to the bot's schema once, and
``migrate-store`` copies a data folder into it with matching counts."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

from bot.clock import Clock
from bot.core.chat import ActiveSession
from bot.storage.chatfiles import ChatFiles
from bot.storage.postgres.pool import open_pool
from bot.storage.postgres.schema import head
from bot.storage.postgres.store import PgStore
from bot.storage.postgres.timers import PgTimers
from tests.factories import NOW, REPO, make_chat, session_record
from tests.postgres import Cluster


def fresh_database(postgres: Cluster) -> str:
    """A new, empty database in the test cluster; its URL."""
    name = f"fresh_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(postgres.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres.url(name)


def stretchbot(*args: str, database: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_BOT_TOKEN")}
    env["STRETCHBOT_ENV_FILE"] = "/nonexistent.env"
    if database:
        env["DATABASE_URL"] = database
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=REPO, env=env, capture_output=True, text=True
    )


def test_migrate_brings_an_empty_database_to_the_schema_once(postgres: Cluster) -> None:
    """The first run migrates from nothing to the newest revision; the second changes nothing."""
    url = fresh_database(postgres)
    first = stretchbot("migrate", database=url)
    assert first.returncode == 0, first.stderr
    assert f"from nothing to {head()}" in first.stdout
    again = stretchbot("migrate", database=url)
    assert again.returncode == 0, again.stderr
    assert "up to date" in again.stdout


def test_migrate_without_a_database_says_so() -> None:
    """No DATABASE_URL: one line saying what to set, exit status 2."""
    result = stretchbot("migrate")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_migrate_store_copies_a_data_folder_with_matching_counts(
    postgres: Cluster, tmp_path: Path
) -> None:
    """25 chats, their histories and a session in progress: the counts on both sides match,
    every chat reads back from PostgreSQL as it was in the files, and each chat's reminder is a
    timer row."""
    url = fresh_database(postgres)
    assert stretchbot("migrate", database=url).returncode == 0
    files = ChatFiles.in_folder(tmp_path / "data")
    for chat_id in range(1, 26):
        files.save(make_chat(chat_id, times=(dt.time(7, chat_id),), created_at=NOW))
        for days_ago in range(chat_id % 4):
            files.end_session(session_record(chat_id, days_ago))
    files.begin_session(ActiveSession(3, "back", NOW, NOW.date()))
    copied = stretchbot("migrate-store", "--from", str(tmp_path / "data"), "--to", url)
    assert copied.returncode == 0, copied.stdout + copied.stderr
    assert "the counts match" in copied.stdout
    assert "chats" in copied.stdout

    async def read_back() -> None:
        pool = await open_pool(url, min_size=1, max_size=2)
        try:
            store = PgStore(pool)
            for chat in files.chats():
                assert await store.chat(chat.chat_id) == chat
                assert await store.history(chat.chat_id) == files.history(chat.chat_id)
            assert [a.chat_id for a in await store.active_sessions()] == [3]
            timers = PgTimers(pool, url, Clock())
            reminders = {t.chat_id for t in await timers.pending() if t.kind == "reminder"}
            assert reminders == set(range(1, 26))  # scheduled once, here: not at each start-up
        finally:
            await pool.close()

    asyncio.run(read_back())


def test_migrate_store_run_again_adds_only_what_is_missing(
    postgres: Cluster, tmp_path: Path
) -> None:
    """A second run over the same folder adds nothing, keeps a chat the bot changed since, and
    still reports matching counts; a chat new in the folder is the only row it adds."""
    url = fresh_database(postgres)
    assert stretchbot("migrate", database=url).returncode == 0
    data = tmp_path / "data"
    files = ChatFiles.in_folder(data)
    for chat_id in range(1, 6):
        files.save(make_chat(chat_id, times=(dt.time(7, chat_id),), created_at=NOW))
        files.end_session(session_record(chat_id, 1))
    assert stretchbot("migrate-store", "--from", str(data), "--to", url).returncode == 0
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE chats SET version = 9 WHERE chat_id = 2")  # the bot changed it
    files.save(make_chat(6, times=(dt.time(8, 0),), created_at=NOW))
    again = stretchbot("migrate-store", "--from", str(data), "--to", url)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "the counts match" in again.stdout
    assert "(1 new)" in again.stdout  # chat 6
    assert "(0 new)" in again.stdout  # active sessions
    with psycopg.connect(url, autocommit=True) as conn:
        counts = [
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()
            for table in ("chats", "sessions", "timers")
        ]
        version = conn.execute("SELECT version FROM chats WHERE chat_id = 2").fetchone()
    assert counts == [(6,), (5,), (6,)]
    assert version == (9,)
