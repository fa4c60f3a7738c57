"""The domain as plain data and pure functions: no Telegram, no storage engine, no texts."""
