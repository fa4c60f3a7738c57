"""The command line: every start-up problem is one line on stderr and exit status 2, never a
traceback; nothing here reaches the network (the bot stops before it would)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import REPO
from tests.sandbox.driver import sandbox_env

TOKEN = "123456:ABCdef_ghi-jkl"


def run_cli(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env={**sandbox_env(tmp_path), **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": "nonsense"}, "does not look like a bot token"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "TIME_SCALE": "fast"}, "TIME_SCALE must be a number"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN, "DEFAULT_TIMEZONE": "Mars/Olympus"}, "DEFAULT_TIMEZONE"),
    ],
)
def test_bad_settings_stop_with_one_line(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    """`stretchbot run` with a missing or invalid setting prints one line and exits 2."""
    result = run_cli(tmp_path, "run", **env)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("stretchbot: ")
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_broken_content_stops_with_one_line(tmp_path: Path) -> None:
    """A broken routine file stops the bot naming the file, exercise and step."""
    content = tmp_path / "content"
    content.mkdir()
    routine = (REPO / "content" / "back.toml").read_text()
    (content / "back.toml").write_text(routine.replace("hold = 20", "hold = -20", 1))
    result = run_cli(
        tmp_path,
        "run",
        TELEGRAM_BOT_TOKEN=TOKEN,
        CONTENT_DIR=str(content),
        DATA_DIR=str(tmp_path / "data"),
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "broken content, not starting" in result.stderr
    assert "back.toml: exercise 1, step 4, follow-up 1: hold must be a positive number" in (
        result.stderr
    )
