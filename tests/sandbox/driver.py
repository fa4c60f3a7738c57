"""Driving ``python -m bot sandbox`` as a subprocess, through its stdin and stdout, as a
person at a terminal would (stdout is a pipe here, so the transcript is plain text).

Every read has a deadline: a hang fails the test with the transcript so far, it never blocks.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.factories import REPO

__all__ = ["Entry", "SandboxProcess", "launch", "parse_transcript", "sandbox_env"]

#: Columns before a message's text; its other lines are indented by as much.
GUTTER = " " * 24
_HEADER = re.compile(
    r"^(?P<time>\d{2}:\d{2}:\d{2}) +\+(?P<elapsed>\d+\.\d)s  "
    r"(?P<tag>you|toast|»|#\d+|✎ #\d+|✗ #\d+) *(?P<text>.*)$"
)
_BUTTON = re.compile(r"^\[\d+\] ")
#: What the bot reads from the environment; the sandbox under test must not see a developer's.
_BOT_KEYS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
    "DATA_DIR",
    "CONTENT_DIR",
    "DEFAULT_TIMEZONE",
    "DEFAULT_REMINDER_TIME",
    "LOG_LEVEL",
    "TIME_SCALE",
    "NO_COLOR",
)
#: How long stdout must stay quiet before the last block printed counts as complete.
_QUIET = 0.2


@dataclass
class Entry:
    """One block of the transcript: a bot message, an edit, the user's line, a note."""

    time: str
    elapsed: float
    tag: str
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text as Telegram would show it (the numbered buttons left out)."""
        return "\n".join(line for line in self.lines if not _BUTTON.match(line)).rstrip("\n")

    @property
    def buttons(self) -> list[str]:
        return [line for line in self.lines if _BUTTON.match(line)]

    @property
    def is_message(self) -> bool:
        """A new bot message (not an edit, a note or the user's echo)."""
        return self.tag.startswith("#")


def parse_transcript(lines: list[str]) -> list[Entry]:
    """Blocks: a header line (time, elapsed, tag) and the lines indented under it."""
    entries: list[Entry] = []
    open_entry: Entry | None = None
    for line in lines:
        header = _HEADER.match(line)
        if header:
            open_entry = Entry(
                header["time"], float(header["elapsed"]), header["tag"], [header["text"]]
            )
            entries.append(open_entry)
        elif open_entry is not None and (line == "" or line.startswith(GUTTER)):
            open_entry.lines.append(line[len(GUTTER) :])
        else:
            open_entry = None
    return entries


def sandbox_env(tmp_path: Path) -> dict[str, str]:
    """The environment without any bot setting, and an env file that does not exist."""
    env = {key: value for key, value in os.environ.items() if key not in _BOT_KEYS}
    env["STRETCHBOT_ENV_FILE"] = str(tmp_path / "absent.env")
    return env


#: How long an answer may take before a test fails. A deadline, not a wait: an answer returns
#: at once. Generous because the first one waits for a whole bot process to start (imports,
#: the store, the chart worker), which takes seconds when the machine runs the suite in parallel.
_DEADLINE = 30.0


class SandboxProcess:
    """A running sandbox: ``say`` a line, ``expect`` what comes back."""

    def __init__(self, process: asyncio.subprocess.Process, stderr: Path) -> None:
        self.process = process
        self.stderr_path = stderr
        self.lines: list[str] = []
        self._cursor = 0
        self._quiet = False
        self._eof = False

    @property
    def entries(self) -> list[Entry]:
        return parse_transcript(self.lines)

    def say(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{text}\n".encode())

    async def expect(self, match: str, timeout: float = _DEADLINE) -> Entry:
        """The next entry containing ``match``; it and everything before it are consumed."""
        return (await self.read_until(match, timeout))[-1]

    async def read_until(self, match: str, timeout: float = _DEADLINE) -> list[Entry]:
        """The entries from the last one consumed up to the next containing ``match``."""
        deadline = time.monotonic() + timeout
        while True:
            entries = self.entries
            for index in range(self._cursor, len(entries)):
                complete = index < len(entries) - 1 or self._quiet
                if complete and match in entries[index].text:
                    consumed = entries[self._cursor : index + 1]
                    self._cursor = index + 1
                    return consumed
            await self._read_more(deadline, f"no entry containing {match!r}")

    async def _read_more(self, deadline: float, wanted: str) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or self._eof:
            why = "the sandbox ended" if self._eof else "timed out"
            raise AssertionError(f"{wanted} ({why}); stdout so far:\n" + "\n".join(self.lines))
        assert self.process.stdout is not None
        try:
            raw = await asyncio.wait_for(self.process.stdout.readline(), min(_QUIET, remaining))
        except TimeoutError:
            self._quiet = True
            return
        self._quiet = not raw
        self._eof = not raw
        if raw:
            self.lines.append(raw.decode().rstrip("\n"))

    async def finish(self, *, say: str | None = "/quit", timeout: float = 10.0) -> int:
        """Say ``say`` (None: close stdin), wait for the exit; the exit status."""
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        if say is not None:
            self.say(say)
        self.process.stdin.close()
        rest = await asyncio.wait_for(self.process.stdout.read(), timeout)
        self.lines.extend(rest.decode().splitlines())
        return await asyncio.wait_for(self.process.wait(), timeout)

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8")


@contextlib.asynccontextmanager
async def launch(tmp_path: Path, *args: str) -> AsyncIterator[SandboxProcess]:
    """``python -m bot sandbox ARGS`` in the repository; killed at the end if still running.

    Files the bot sends go to ``tmp_path / "files"`` unless ARGS say ``--files``, so a test
    never writes into the repository.
    """
    stderr = tmp_path / "stderr.txt"
    if "--files" not in args:
        args = (*args, "--files", str(tmp_path / "files"))
    with stderr.open("wb") as stderr_file:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "sandbox",
            *args,
            cwd=REPO,
            env=sandbox_env(tmp_path),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr_file,
        )
    try:
        yield SandboxProcess(process, stderr)
    finally:
        if process.returncode is None:
            process.kill()
        if process.stdin is not None:
            process.stdin.close()
        await process.communicate()
