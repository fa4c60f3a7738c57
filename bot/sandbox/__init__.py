"""``stretchbot sandbox``: the real bot, chatting with you in the terminal, with no Telegram.

One process, one event loop: the Bot API emulator, the bot application (built by
``build_application``, long-polling the emulator, JobQueue and TinyDB included) and the chat
in the terminal. Nothing reaches Telegram; the data folder is thrown away unless ``--data-dir``
says where to keep it.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from dotenv import dotenv_values

from bot.app import build_application
from bot.clock import Clock
from bot.config import Settings
from bot.core.loader import load_routines
from bot.core.routines import RoutineBook
from bot.core.zones import zone_of
from bot.emulator import DEFAULT_TOKEN, BotAPIEmulator
from bot.logs import setup_logging
from bot.sandbox.chat import Chat
from bot.sandbox.commands import HELP_LINES
from bot.sandbox.files import FileSaver, shown_path
from bot.sandbox.options import SandboxOptions, add_arguments, options_from, pretend_now
from bot.sandbox.render import Timeline, Transcript
from bot.sandbox.terminal import End, Input, detect_look, interrupts, read_lines
from bot.telegram.runner import running

__all__ = ["SandboxOptions", "add_arguments", "options_from", "run_sandbox", "sandbox_settings"]

#: Settings the sandbox decides itself, whatever the environment says (empty = unset).
_DECIDED_HERE = {
    "TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
    "TELEGRAM_API_BASE_URL": "",
    "DATA_DIR": "",
    "LOG_LEVEL": "",
    "TIME_SCALE": "",
}


def sandbox_settings(options: SandboxOptions, env_file: Path) -> Settings:
    """The bot's settings from the environment and ``env_file`` (content, default zone and
    reminder time), except the token, API URL, speed and log level, which are the sandbox's.

    Raises ConfigError, as the real bot does, for anything else that is wrong.
    """
    from_file = {key: value for key, value in dotenv_values(env_file).items() if value}
    settings = Settings.from_env({**from_file, **os.environ, **_DECIDED_HERE})
    return replace(
        settings,
        default_timezone=options.timezone or settings.default_timezone,
        time_scale=1 / options.speed,
        log_level=options.log_level,
    )


def run_sandbox(
    options: SandboxOptions,
    *,
    env_file: Path,
    notice: str | None = None,
    out: TextIO | None = None,
    stdin_fd: int = 0,
) -> int:
    """Run the chat until /quit, the end of input or Ctrl-C; the exit status is 0.

    Raises ConfigError or ContentError (before anything starts) for bad settings or content.
    """
    out = out or sys.stdout
    settings = sandbox_settings(options, env_file)
    routines = load_routines(settings.content_dir)
    setup_logging(options.log_level, [DEFAULT_TOKEN])
    zone = zone_of(settings.default_timezone)
    clock = Clock()
    if options.now is not None:
        clock = Clock.pretending(pretend_now(options.now, zone, dt.datetime.now(zone).date()))
    with _data_folder(options.data_dir) as data_dir:
        settings = replace(settings, data_dir=data_dir)
        timeline = Timeline(time.monotonic(), clock.now(), zone)
        transcript = Transcript(out, detect_look(out, stdin_fd, os.environ), timeline)
        if notice:
            transcript.notice(notice)
        transcript.banner(*_banner(options, settings, timeline))
        # KeyboardInterrupt only where the loop cannot take Ctrl-C as a signal (Windows).
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_serve(settings, routines, clock, transcript, options, stdin_fd))
        kept = f" Your data is in {data_dir}." if options.data_dir else ""
        transcript.bye(f"Sandbox closed.{kept}")
    return 0


async def _serve(
    settings: Settings,
    routines: RoutineBook,
    clock: Clock,
    transcript: Transcript,
    options: SandboxOptions,
    stdin_fd: int,
) -> End:
    """Emulator, then bot, then the chat; they stop in the reverse order."""
    inputs: asyncio.Queue[Input] = asyncio.Queue()
    with interrupts(lambda: inputs.put_nowait(End.INTERRUPT)):
        async with BotAPIEmulator(settings.token) as emulator:
            user = emulator.add_user(options.name, language_code=options.language)
            events = emulator.subscribe()
            application = build_application(
                replace(settings, api_base_url=emulator.base_url), routines=routines, clock=clock
            )
            async with running(application):
                files = FileSaver(Path.cwd() / options.files_dir)
                chat = Chat(
                    emulator, user, transcript, events, inputs, files=files, cwd=Path.cwd()
                )
                with read_lines(stdin_fd, inputs.put_nowait):
                    return await chat.run()


@contextlib.contextmanager
def _data_folder(keep: Path | None) -> Iterator[Path]:
    if keep is not None:
        yield keep
        return
    with tempfile.TemporaryDirectory(
        prefix="stretchbot-sandbox-", ignore_cleanup_errors=True
    ) as folder:
        yield Path(folder)


def _banner(
    options: SandboxOptions, settings: Settings, timeline: Timeline
) -> tuple[str, list[str]]:
    """A title and a few lines: what this is, speed and clock, how to talk to the bot."""
    speed = (
        "holds in real time"
        if options.speed == 1
        else f"speed ×{options.speed:g} (TIME_SCALE={settings.time_scale:g})"
    )
    local = timeline.local(timeline.started)
    clock = (
        f"pretending it is {local:%H:%M:%S} in {timeline.zone}"
        if options.now is not None
        else f"it is {local:%H:%M} in {timeline.zone}"
    )
    data = f"data in {options.data_dir}" if options.data_dir else "throw-away data"
    files = shown_path(Path.cwd() / options.files_dir, Path.cwd())
    lines = [
        "The real bot and a local Telegram emulator, in this terminal: nothing reaches Telegram.",
        f"{speed} · {clock} · {data} · the bot's files go to {files}/",
        f"You are {options.name}: type as you would in Telegram, e.g. /start, then start.",
        *HELP_LINES,
    ]
    return "Stretch Bot sandbox", lines
