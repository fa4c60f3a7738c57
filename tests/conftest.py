"""Suite-wide settings."""

from __future__ import annotations

import os

# PTB 22 warns, when it builds a RetryAfter, that retry_after will become a timedelta; with
# warnings as errors that would break every flood-limit test. Opt in to the new behaviour.
os.environ.setdefault("PTB_TIMEDELTA", "true")


# PostgreSQL ---------------------------------------------------------------------------------
# Fixtures for the tests that run against a real server (tests/postgres.py): one cluster per
# pytest-xdist worker, migrated once; each test starts from empty tables.

from collections.abc import Iterator

import pytest

from tests.postgres import Cluster, cluster

_TABLES = (
    "chats",
    "sessions",
    "active_sessions",
    "prompts",
    "unreadable",
    "updates_seen",
    "timers",
    "send_budget",
    "send_windows",
    "flood",
)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A running PostgreSQL server with the bot's schema, for this worker."""
    from bot.storage.postgres.schema import migrate

    with cluster() as server:
        migrate(server.url())
        yield server


@pytest.fixture
def database_url(postgres: Cluster) -> str:
    """The test database's URL, its tables emptied first."""
    import psycopg

    url = postgres.url()
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {', '.join(_TABLES)}")
    return url
