"""Alembic's environment: run the migrations on the database ``bot.storage.postgres.schema``
hands over (no alembic.ini: the URL comes from the bot's settings)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

url = context.config.attributes["url"]
engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
