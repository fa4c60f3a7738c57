"""Test-only: the real bot as a process that takes no updates (no polling, no webhook) and
serves timers only, so that a second instance can run beside a polling one on one database
without a ``409 Conflict``. ``python -m tests.e2e.no_intake``, with the bot's environment.

(The poller lock of issue 13 makes a second ``python -m bot run`` stand by instead; this stays
as the smallest way to have an instance that certainly never polls.)
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from bot.app import build_application
from bot.config import load_settings
from bot.logs import setup_logging


async def serve() -> None:
    settings = load_settings(Path(os.environ["STRETCHBOT_ENV_FILE"]))
    setup_logging(settings.log_level, [settings.token])
    application = build_application(settings)
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    await application.start()
    await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(serve())
