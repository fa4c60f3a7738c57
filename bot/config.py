"""Settings, read once from the environment (and ``.env``) into a frozen object.

Every problem is a :class:`ConfigError` with a one-line message naming the key, so a wrong
setting stops the bot with a sentence, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

from bot.core.parsing import ParseError, parse_time, parse_timezone

__all__ = ["ConfigError", "Settings", "load_settings"]

_TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
#: What Telegram allows in a webhook's secret token (it comes back in a header).
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


class ConfigError(ValueError):
    """A missing or invalid setting; the message is one line for the person running the bot."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str
    api_base_url: str | None = None
    data_dir: Path = Path("data")
    content_dir: Path = Path("content")
    default_timezone: str = "UTC"
    default_reminder_time: dt.time = dt.time(9, 0)
    log_level: str = "INFO"
    #: Every hold and pause is multiplied by this, so tests and demos can run a routine fast.
    time_scale: float = 1.0
    #: A reminder missed while the bot was down is still sent if it is at most this late.
    reminder_grace: dt.timedelta = dt.timedelta(minutes=30)
    #: Telegram user ids allowed to use /admin and /broadcast.
    admin_ids: frozenset[int] = frozenset()
    #: Incoming flood guard: a user's updates past this burst, refilled at one a second, are
    #: dropped. Not read from the environment; tests that tap at machine speed raise it.
    flood_burst: int = 10
    #: ``postgresql://…``: PostgreSQL is the store (several instances may share it); None:
    #: the TinyDB files in ``data_dir``.
    database_url: str | None = None
    #: ``stretchbot serve``: the secret Telegram sends with every update (set with
    #: ``stretchbot set-webhook``); a request without it is refused.
    webhook_secret: str | None = None
    #: Where ``stretchbot serve`` listens (the load balancer's upstream), and the update path.
    webhook_host: str = "127.0.0.1"
    webhook_port: int = 8080
    webhook_path: str = "/telegram"
    #: Bulk sends (reminders, broadcasts) at up to this many a second with the Bot API's
    #: ``allow_paid_broadcast`` (0.1 Star each, at most 1000); None: the free 30 a second.
    paid_broadcast_per_second: int | None = None

    def __repr__(self) -> str:
        # Settings end up in logs and tracebacks; the token must not.
        database = "postgresql" if self.database_url else "tinydb"
        return (
            f"Settings(data_dir={self.data_dir!s}, api_base_url={self.api_base_url!r}, "
            f"store={database}, ...)"
        )

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Settings:
        """Build settings from a mapping such as ``os.environ``; empty values count as unset."""

        def get(key: str) -> str | None:
            value = env.get(key, "").strip()
            return value or None

        token = get("TELEGRAM_BOT_TOKEN")
        if token is None:
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and put it in .env "
                "(see .env.example)."
            )
        if not _TOKEN_RE.match(token):
            raise ConfigError(
                "TELEGRAM_BOT_TOKEN does not look like a bot token (digits, a colon, then "
                "letters): copy it again from @BotFather."
            )
        base_url = get("TELEGRAM_API_BASE_URL")
        if base_url is not None and not base_url.startswith(("http://", "https://")):
            raise ConfigError(
                f"TELEGRAM_API_BASE_URL must be an http(s) URL such as "
                f"http://127.0.0.1:8081/bot, not {base_url!r}."
            )
        try:
            timezone = parse_timezone(get("DEFAULT_TIMEZONE") or "UTC")
        except ParseError as exc:
            raise ConfigError(f"DEFAULT_TIMEZONE: {exc}") from None
        try:
            reminder = parse_time(get("DEFAULT_REMINDER_TIME") or "09:00")
        except ParseError as exc:
            raise ConfigError(f"DEFAULT_REMINDER_TIME: {exc}") from None
        database_url = get("DATABASE_URL")
        if database_url is not None and not database_url.startswith(
            ("postgresql://", "postgres://")
        ):
            raise ConfigError(
                "DATABASE_URL must be a PostgreSQL URL such as "
                "postgresql://stretchbot@localhost/stretchbot (or unset for the data folder)."
            )
        secret = get("WEBHOOK_SECRET")
        if secret is not None and not _SECRET_RE.match(secret):
            raise ConfigError(
                "WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                "(Telegram's rule for a webhook's secret token)."
            )
        host, port = _listen(get("WEBHOOK_LISTEN") or "127.0.0.1:8080")
        path = get("WEBHOOK_PATH") or "/telegram"
        if not path.startswith("/"):
            raise ConfigError(f"WEBHOOK_PATH must start with /, not {path!r}.")
        log_level = (get("LOG_LEVEL") or "INFO").upper()
        if log_level not in _LOG_LEVELS:
            raise ConfigError(f"LOG_LEVEL must be one of {', '.join(_LOG_LEVELS)}.")
        return cls(
            token=token,
            api_base_url=base_url,
            data_dir=Path(get("DATA_DIR") or "data"),
            content_dir=Path(get("CONTENT_DIR") or "content"),
            default_timezone=timezone,
            default_reminder_time=reminder,
            log_level=log_level,
            time_scale=_positive_float("TIME_SCALE", get("TIME_SCALE") or "1"),
            reminder_grace=dt.timedelta(
                minutes=_minutes("REMINDER_GRACE_MINUTES", get("REMINDER_GRACE_MINUTES") or "30")
            ),
            admin_ids=_user_ids("ADMIN_IDS", get("ADMIN_IDS") or ""),
            database_url=database_url,
            webhook_secret=secret,
            webhook_host=host,
            webhook_port=port,
            webhook_path=path,
            paid_broadcast_per_second=_paid_rate(get("PAID_BROADCAST_PER_SECOND")),
        )


def _listen(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"WEBHOOK_LISTEN must be host:port such as 0.0.0.0:8080, not {text!r}.")
    return host.strip("[]"), int(port)


def _paid_rate(text: str | None) -> int | None:
    """Unset or 0: off. Telegram's paid broadcasts go up to 1000 a second; below 30 they
    would be slower than the free ones."""
    if text is None or text == "0":
        return None
    if not text.isdigit() or not 30 <= int(text) <= 1000:
        raise ConfigError(
            "PAID_BROADCAST_PER_SECOND must be a whole number of messages a second from 30 to "
            f"1000 (or 0 for off), not {text!r}."
        )
    return int(text)


def _minutes(key: str, text: str) -> int:
    if not text.isdigit() or int(text) > 24 * 60:
        raise ConfigError(f"{key} must be a whole number of minutes from 0 to 1440, not {text!r}.")
    return int(text)


def _user_ids(key: str, text: str) -> frozenset[int]:
    ids = [part.strip() for part in text.split(",") if part.strip()]
    if not all(part.isdigit() for part in ids):
        raise ConfigError(f"{key} must be Telegram user ids separated by commas, not {text!r}.")
    return frozenset(int(part) for part in ids)


def _positive_float(key: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ConfigError(f"{key} must be a number, not {text!r}.") from None
    if not math.isfinite(value) or value <= 0:
        raise ConfigError(f"{key} must be a positive number, not {text!r}.")
    return value


def load_settings(env_file: Path | None = None) -> Settings:
    """Read ``.env`` (real environment variables win), then the environment."""
    load_dotenv(env_file or Path(".env"), override=False)
    return Settings.from_env(os.environ)
