"""Long polling by one instance of several (``stretchbot run`` with ``DATABASE_URL``).

Every instance runs the bot (its JobQueue fires timers); only the holder of the poller lock
(``bot.storage.postgres.lock``) also polls. The others ask for the lock every
:data:`RETRY_SECONDS`, so when the poller dies another takes over within that, and the holder
checks its lock's connection as often, stopping its poll if the connection is gone (then
someone else may hold the lock). Updates the dead poller fetched but had not confirmed are
fetched again by the next one and dropped if already taken (``guard.first_time_only``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Protocol

from bot.app import allowed_updates
from bot.telegram.context import BotApp

__all__ = ["RETRY_SECONDS", "Lock", "poll_under_lock", "stop_on_signals"]

_LOGGER = logging.getLogger(__name__)

#: How often an instance without the lock asks for it, and the holder checks it still has it.
RETRY_SECONDS = 2.0
#: The long poll's timeout (as run_polling's default).
POLL_TIMEOUT = 10


class Lock(Protocol):
    async def try_acquire(self) -> bool: ...

    async def still_held(self) -> bool: ...

    async def release(self) -> None: ...


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (the service manager's stop is a clean shutdown)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)


async def _poll_while_held(application: BotApp, lock: Lock, stop: asyncio.Event) -> None:
    updater = application.updater
    if updater is None:  # pragma: no cover - build_application(webhook=False) makes one
        raise RuntimeError("the application has no Updater")
    waiting_said = False
    while not stop.is_set():
        if not updater.running:
            if await lock.try_acquire():
                _LOGGER.info("This instance polls for updates (it holds the poller lock)")
                await updater.start_polling(
                    poll_interval=0, timeout=POLL_TIMEOUT, allowed_updates=allowed_updates()
                )
                waiting_said = False
            elif not waiting_said:
                _LOGGER.info("Another instance polls; this one serves timers and waits")
                waiting_said = True
        elif not await lock.still_held():
            _LOGGER.warning("Stopped polling: the poller lock may be someone else's now")
            await updater.stop()
        await _sleep_or_stop(stop, RETRY_SECONDS)
    if updater.running:
        await updater.stop()
    await lock.release()


async def poll_under_lock(application: BotApp, lock: Lock) -> None:
    """Run the bot until SIGINT or SIGTERM, polling while this instance holds ``lock``; in
    ``run_polling``'s order: initialize → post_init → start → poll, and back."""
    stop = asyncio.Event()
    stop_on_signals(stop)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        await _poll_while_held(application, lock, stop)
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
