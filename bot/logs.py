"""Logging set-up that never writes the bot token.

The token is part of every Bot API URL: httpx logs each request URL at INFO and PTB logs its API
URL at DEBUG. A filter on the handlers (not on loggers, which would miss records propagated from
child loggers) rewrites each record before any formatter sees it, tracebacks included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

__all__ = ["REDACTED", "RedactingFilter", "setup_logging"]

REDACTED = "[token]"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


class RedactingFilter(logging.Filter):
    """Replace each secret in a record's message and traceback with ``[token]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        # A bot token's secret half never changes when URL-encoded, unlike its colon, so
        # redacting it alone catches "123%3Asecret" as well.
        expanded = {part for secret in secrets for part in (secret, secret.partition(":")[2])}
        self._secrets = tuple(sorted((s for s in expanded if s), key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    """Log to stderr at ``level`` with the secrets redacted; quiet the chattiest libraries."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter(secrets))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    if level != "DEBUG":
        # One INFO line per long poll drowns everything else; DEBUG shows them, redacted.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
