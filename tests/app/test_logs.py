"""The bot token never reaches a log line, whichever library writes it."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from bot.logs import REDACTED, RedactingFilter, setup_logging

TOKEN = "123456:SECRET-token-value"


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """A handler on the root logger with the redacting filter, as setup_logging builds it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([TOKEN]))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_token_in_arguments_is_redacted(log_output: io.StringIO) -> None:
    """httpx-style lines (URL passed as an argument) are redacted."""
    logging.getLogger("httpx").info(
        'HTTP Request: POST %s "HTTP/1.1 200 OK"', f"https://api.telegram.org/bot{TOKEN}/getMe"
    )
    text = log_output.getvalue()
    assert TOKEN not in text
    assert f"/bot{REDACTED}/getMe" in text


def test_token_in_message_and_traceback_is_redacted(log_output: io.StringIO) -> None:
    """PTB's "Set Bot API URL" line and an exception mentioning the URL are redacted."""
    logging.getLogger("telegram.ext.ExtBot").debug("Set Bot API URL: %s", f"http://x/bot{TOKEN}")
    try:
        raise RuntimeError(f"failed to reach http://x/bot{TOKEN}/getUpdates")
    except RuntimeError:
        logging.getLogger("telegram.ext.Updater").exception("Polling failed")
    text = log_output.getvalue()
    assert TOKEN not in text
    assert "Set Bot API URL" in text
    assert "RuntimeError" in text


def test_setup_logging_installs_the_filter() -> None:
    """setup_logging puts the redacting filter on the handler it installs."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        setup_logging("INFO", [TOKEN])
        (handler,) = root.handlers
        assert any(isinstance(f, RedactingFilter) for f in handler.filters)
        assert logging.getLogger("httpx").level == logging.WARNING
    finally:
        root.handlers[:], root.level = saved
        logging.getLogger("httpx").setLevel(logging.NOTSET)
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)


def test_url_encoded_token_is_redacted(log_output: io.StringIO) -> None:
    """A token written URL-encoded (colon as %3A) loses its secret half too."""
    logging.getLogger("httpx").debug("url=%s", "http://x/bot123456%3ASECRET-token-value/getMe")
    assert "SECRET-token-value" not in log_output.getvalue()
