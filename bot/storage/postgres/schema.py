"""The PostgreSQL schema's version: applied by ``stretchbot migrate``, checked at start-up.

Migrations are Alembic's (a kept library, versioned, each revision a module in
``migrations/versions``): the bot does not hand-roll its own table of applied scripts. Start-up
only reads the applied revision and refuses an old schema with one clear line, instead of
failing later on a missing column; it does that without importing this module
(:mod:`bot.storage.postgres.revision`).
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, pool

from bot.storage.postgres.revision import SchemaError

__all__ = ["SchemaError", "applied", "head", "migrate", "sqlalchemy_url"]

_MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlalchemy_url(url: str) -> str:
    """The same database for SQLAlchemy (Alembic's engine), through psycopg 3."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def _config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    config.attributes["url"] = sqlalchemy_url(url)
    return config


def head() -> str:
    """The newest revision this bot knows."""
    revision = ScriptDirectory.from_config(_config("postgresql://")).get_current_head()
    if revision is None:  # pragma: no cover - the package always ships revisions
        raise SchemaError("no migrations found")
    return revision


def applied(url: str) -> str | None:
    """The revision the database is at; None for a database never migrated."""
    engine = create_engine(sqlalchemy_url(url), poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def migrate(url: str) -> tuple[str | None, str]:
    """Bring the database to the newest revision; (revision before, revision after)."""
    before = applied(url)
    command.upgrade(_config(url), "head")
    return before, head()
