"""``stretchbot serve``: the bot without an Updater, behind the webhook app, until a signal.

The order follows PTB's custom-webhook example and ``run_polling``: initialize → post_init →
start (the JobQueue runs: timers fire here as in polling) → listen; on SIGINT or SIGTERM stop
listening first (uvicorn lets requests in progress finish), then stop the bot. uvicorn's own
signal capture is turned off: it re-raises the signal after serving, which would kill the
process before the bot shut down (and closed its database pool).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator

import uvicorn

from bot.config import Settings
from bot.storage.postgres.store import PgStore
from bot.telegram.context import BotApp, services_of
from bot.telegram.poller import stop_on_signals
from bot.web.asgi import webhook_app

__all__ = ["ListenError", "serve"]

_LOGGER = logging.getLogger(__name__)


class ListenError(RuntimeError):
    """The web server could not listen (the address is taken, or not this machine's)."""


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # serve() handles the signals itself


async def serve(application: BotApp, settings: Settings) -> None:
    """Serve webhooks at ``settings.webhook_host:port`` until SIGINT or SIGTERM."""
    if not settings.webhook_secret:
        raise ValueError("serve needs settings.webhook_secret")
    services = services_of(application)
    store = services.store

    async def healthy() -> bool:
        if isinstance(store, PgStore):
            async with store.pool.connection(timeout=2) as conn:
                await conn.execute("SELECT 1")
        return True

    app = webhook_app(
        application,
        services.updates,
        secret=settings.webhook_secret,
        path=settings.webhook_path,
        healthy=healthy,
    )
    server = _Server(
        uvicorn.Config(
            app,
            host=settings.webhook_host,
            port=settings.webhook_port,
            lifespan="off",
            log_config=None,
            access_log=False,
            timeout_graceful_shutdown=10,
        )
    )
    stop = asyncio.Event()
    stop_on_signals(stop)
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        listening = asyncio.create_task(server.serve())
        stopping = asyncio.create_task(stop.wait())
        await asyncio.wait({listening, stopping}, return_when=asyncio.FIRST_COMPLETED)
        server.should_exit = True
        stopping.cancel()
        try:
            await listening
        except SystemExit:  # uvicorn's way of saying it could not bind
            raise ListenError(
                f"could not listen on {settings.webhook_host}:{settings.webhook_port}"
            ) from None
        _LOGGER.info("Stopped serving webhooks")
    finally:
        if application.running:
            await application.stop()
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
