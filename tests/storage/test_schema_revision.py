"""The start-up schema check without Alembic: the head it knows is Alembic's, it reads the
database's revision through psycopg, and starting the bot imports neither Alembic nor
SQLAlchemy."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

from bot.storage.postgres.revision import HEAD, SchemaError, applied, check
from bot.storage.postgres.schema import head, migrate
from tests.app.test_database_commands import fresh_database
from tests.factories import REPO
from tests.postgres import Cluster


def test_the_known_head_is_alembics_head() -> None:
    """HEAD names the newest revision in the migrations folder (raise it with each new one)."""
    assert head() == HEAD


def test_starting_the_bot_imports_no_alembic() -> None:
    """The entry point and the wiring import neither Alembic nor SQLAlchemy (0.7 s of CPU)."""
    code = (
        "import sys, bot.__main__, bot.app, bot.storage.postgres.store;"
        "print(sorted(m for m in ('alembic', 'sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


async def test_a_database_at_the_head_passes(postgres: Cluster) -> None:
    """The test cluster, migrated by Alembic, reads as HEAD and passes the check."""
    assert await applied(postgres.url()) == HEAD
    await check(postgres.url())


async def test_a_database_never_migrated_is_refused(postgres: Cluster) -> None:
    """No alembic_version table: refused, saying to run `stretchbot migrate`."""
    url = fresh_database(postgres)
    assert await applied(url) is None
    with pytest.raises(SchemaError, match="no stretch-bot schema yet: run `stretchbot migrate`"):
        await check(url)


async def test_an_older_revision_is_refused(postgres: Cluster) -> None:
    """A database one revision behind: refused, naming both revisions."""
    url = fresh_database(postgres)
    migrate(url)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0005'")
    with pytest.raises(SchemaError, match=f"at 0005, this bot needs {HEAD}: run `stretchbot"):
        await check(url)
