"""Running the application inside an event loop that something else owns.

``Application.run_polling`` owns its loop and blocks until a signal; tests and the sandbox need
the bot running *beside* the emulator in one loop. This follows the same order as
``run_polling``: initialize → post_init → polling → start, and back down in reverse.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from bot.app import allowed_updates
from bot.telegram.context import BotApp

__all__ = ["running"]


@contextlib.asynccontextmanager
async def running(
    application: BotApp, *, poll_timeout: int = 10, poll: bool = True
) -> AsyncIterator[BotApp]:
    """Run the bot (long polling, JobQueue and all) for the duration of the ``async with``;
    ``poll=False``: no update intake (another instance takes the updates; this one runs
    timers)."""
    updater = application.updater
    if updater is None:  # pragma: no cover - the builder always makes one
        raise RuntimeError("the application has no Updater")
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        if poll:
            await updater.start_polling(
                poll_interval=0, timeout=poll_timeout, allowed_updates=allowed_updates()
            )
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
