"""Settings from the environment: defaults, every key, and one clear line for each mistake."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, load_settings

TOKEN = "123456:ABCdef_ghi-jkl"


def test_defaults() -> None:
    """Only the token is required; everything else has the documented default."""
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert settings.token == TOKEN
    assert settings.api_base_url is None
    assert settings.data_dir == Path("data")
    assert settings.content_dir == Path("content")
    assert settings.default_timezone == "UTC"
    assert settings.default_reminder_time == dt.time(9, 0)
    assert settings.log_level == "INFO"
    assert settings.time_scale == 1.0


def test_every_key() -> None:
    """Every documented key is read and normalised."""
    settings = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot",
            "DATA_DIR": "/tmp/stretch",
            "CONTENT_DIR": "routines",
            "DEFAULT_TIMEZONE": "europe/berlin",
            "DEFAULT_REMINDER_TIME": "7:30pm",
            "LOG_LEVEL": "debug",
            "TIME_SCALE": "0.05",
        }
    )
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.data_dir == Path("/tmp/stretch")
    assert settings.content_dir == Path("routines")
    assert settings.default_timezone == "Europe/Berlin"
    assert settings.default_reminder_time == dt.time(19, 30)
    assert settings.log_level == "DEBUG"
    assert settings.time_scale == 0.05


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_BOT_TOKEN": ""}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "  "}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, "does not look like a bot token"),
        ({"TELEGRAM_API_BASE_URL": "127.0.0.1:8081"}, "must be an http(s) URL"),
        ({"DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE: unknown time zone"),
        ({"DEFAULT_REMINDER_TIME": "25:00"}, "DEFAULT_REMINDER_TIME:"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"TIME_SCALE": "fast"}, "TIME_SCALE must be a number"),
        ({"TIME_SCALE": "0"}, "TIME_SCALE must be a positive number"),
        ({"TIME_SCALE": "nan"}, "TIME_SCALE must be a positive number"),
        ({"WEBHOOK_SECRET": "not secret!"}, "WEBHOOK_SECRET must be 1-256 characters"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET must be 1-256 characters"),
        ({"WEBHOOK_LISTEN": "8080"}, "WEBHOOK_LISTEN must be host:port"),
        ({"WEBHOOK_LISTEN": "0.0.0.0:http"}, "WEBHOOK_LISTEN must be host:port"),
        ({"WEBHOOK_LISTEN": "0.0.0.0:70000"}, "WEBHOOK_LISTEN must be host:port"),
        ({"WEBHOOK_PATH": "telegram"}, "WEBHOOK_PATH must start with /"),
        ({"PAID_BROADCAST_PER_SECOND": "1001"}, "PAID_BROADCAST_PER_SECOND must be"),
        ({"PAID_BROADCAST_PER_SECOND": "10"}, "from 30 to 1000"),
        ({"PAID_BROADCAST_PER_SECOND": "fast"}, "PAID_BROADCAST_PER_SECOND must be"),
    ],
)
def test_bad_settings_fail_with_one_line(env: dict[str, str], message: str) -> None:
    """Each mistake is a ConfigError with a one-line message naming the key."""
    with pytest.raises(ConfigError) as caught:
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, **env})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_webhook_settings() -> None:
    """stretchbot serve's settings: no secret and 127.0.0.1:8080/telegram by default; an IPv6
    listen address keeps its colons; the secret never shows in the repr."""
    default = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert (default.webhook_secret, default.webhook_host, default.webhook_port) == (
        None,
        "127.0.0.1",
        8080,
    )
    assert default.webhook_path == "/telegram"
    given = Settings.from_env(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "WEBHOOK_SECRET": "s3cret_-X",
            "WEBHOOK_LISTEN": "[::]:8443",
            "WEBHOOK_PATH": "/hooks/stretch",
        }
    )
    assert (given.webhook_secret, given.webhook_host, given.webhook_port) == (
        "s3cret_-X",
        "::",
        8443,
    )
    assert given.webhook_path == "/hooks/stretch"
    assert "s3cret" not in repr(given)


def test_repr_hides_the_token() -> None:
    """Settings can be logged without leaking the token."""
    assert TOKEN not in repr(Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN}))


def test_dotenv_is_read_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Values come from .env, but a real environment variable overrides the file."""
    env_file = tmp_path / ".env"
    env_file.write_text(f"TELEGRAM_BOT_TOKEN={TOKEN}\nDEFAULT_TIMEZONE=Asia/Tokyo\n")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setenv("DEFAULT_TIMEZONE", "Europe/Paris")
    settings = load_settings(env_file)
    assert settings.token == TOKEN
    assert settings.default_timezone == "Europe/Paris"


def test_grace_and_admins() -> None:
    """REMINDER_GRACE_MINUTES and ADMIN_IDS are read; unset they are 30 minutes and nobody."""
    settings = Settings.from_env(
        {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_GRACE_MINUTES": "5", "ADMIN_IDS": "12, 34"}
    )
    assert settings.reminder_grace == dt.timedelta(minutes=5)
    assert settings.admin_ids == {12, 34}
    default = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert default.reminder_grace == dt.timedelta(minutes=30)
    assert default.admin_ids == frozenset()


@pytest.mark.parametrize(
    ("key", "value"),
    [("REMINDER_GRACE_MINUTES", "-1"), ("REMINDER_GRACE_MINUTES", "soon"), ("ADMIN_IDS", "bob")],
)
def test_bad_grace_or_admins_is_one_line(key: str, value: str) -> None:
    """A wrong grace window or admin list stops with a sentence naming the key."""
    with pytest.raises(ConfigError, match=key):
        Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, key: value})


@pytest.mark.parametrize(
    ("value", "rate"), [("", None), ("0", None), ("300", 300), ("1000", 1000)]
)
def test_paid_broadcast_rate(value: str, rate: int | None) -> None:
    """PAID_BROADCAST_PER_SECOND is off unless set (0 is off too), and up to 1000 a second."""
    settings = Settings.from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "PAID_BROADCAST_PER_SECOND": value})
    assert settings.paid_broadcast_per_second == rate
