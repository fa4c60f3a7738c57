"""PostgreSQL as the store, for a bot that outgrows one machine (``DATABASE_URL``)."""
