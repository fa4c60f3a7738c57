"""Alembic's versioned migrations of the PostgreSQL schema (``stretchbot migrate``)."""
