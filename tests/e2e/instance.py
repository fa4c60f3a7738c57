"""A bot instance with no update intake, as a process (``python -m tests.e2e.instance``): it runs
timers only, as the instances that do not hold the poller lock do. Configured like the real bot
(``tests.e2e.process.environment``); it runs until it is killed."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.app import build_application
from bot.config import load_settings
from bot.logs import setup_logging
from bot.telegram.runner import running


async def serve() -> None:
    settings = load_settings(Path(os.environ["STRETCHBOT_ENV_FILE"]))
    setup_logging(settings.log_level, [settings.token])
    async with running(build_application(settings), poll=False):
        await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(serve())
