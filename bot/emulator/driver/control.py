"""Control of the emulator itself: serving (start/stop, ``async with``; the webhook dispatcher
runs while it serves), where it listens, and the failures a test injects: faults, flood limits,
Telegram's limits mode.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Self

from aiohttp import web

from ..delivery import WebhookDispatcher
from ..errors import EmulatorUsageError
from ..faults import Faults
from ..flood import FloodLimits, TelegramLimits
from ..models import JSON
from ..server import build_app
from ..spec import BotApiSpec
from ..state import EmulatorState


class Control:
    """``BotAPIEmulator``'s part for running it and breaking it on purpose."""

    # Set by ``BotAPIEmulator.__init__``.
    _state: EmulatorState
    _token: str
    _host: str
    _port: int
    _runner: web.AppRunner | None
    _dispatcher: WebhookDispatcher | None
    spec: BotApiSpec

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on ``host:port`` (port 0 picks a free one, see ``base_url``)."""
        if self._runner is not None:
            raise EmulatorUsageError("the emulator is already running")
        self._state.closing = False
        app = build_app(self._state, self.spec, self._token)
        runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=1.0
        )
        await runner.setup()
        try:
            # A thousand chats at once open hundreds of connections together: with aiohttp's
            # backlog of 128 the rest would wait for a SYN retry (1 s, then 3 s).
            site = web.TCPSite(runner, self._host, self._port, backlog=4096)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._port = int(runner.addresses[0][1])
        self._runner = runner
        self._dispatcher = WebhookDispatcher(self._state)
        await self._dispatcher.start()

    async def stop(self) -> None:
        """Stop delivering to the webhook, answer pending long polls (empty), then close
        every connection and the socket."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._state.closing = True
        self._state.changed.fire()
        await asyncio.sleep(0)
        dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            await dispatcher.stop()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- connection facts --------------------------------------------------------------------

    @property
    def token(self) -> str:
        return self._token

    @property
    def port(self) -> int:
        return self._port

    @property
    def base_url(self) -> str:
        """What ``ApplicationBuilder().base_url()`` / ``Bot(base_url=...)`` need."""
        return f"http://{self._host}:{self._port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://{self._host}:{self._port}/file/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's ``User`` object, as getMe returns it."""
        return dict(self._state.bot_user)

    # -- faults and limits -------------------------------------------------------------------

    @property
    def faults(self) -> Faults:
        """Injected failures: ``emulator.faults.add("502", method="sendMessage", times=2)``."""
        return self._state.faults

    def set_flood_limit(self, per_chat: tuple[int, float] | None) -> None:
        """At most ``n`` sends/edits per chat in ``seconds``, else 429; None turns it off."""
        self._state.flood_limit = per_chat

    def enable_limits(self, limits: FloodLimits | None = None) -> None:
        """Limits mode: answer 429 as Telegram does past its flood limits (see ``flood``);
        ``FloodLimits(strict_window=True)`` counts over sliding windows instead of buckets."""
        self._state.telegram_limits = TelegramLimits(limits)

    def disable_limits(self) -> None:
        self._state.telegram_limits = None

    @property
    def too_many_requests(self) -> int:
        """How many 429s the emulator has answered so far (limits mode or set_flood_limit)."""
        return self._state.too_many_requests

    @property
    def paid_broadcasts(self) -> int:
        """How many sends with allow_paid_broadcast=True went through (limits mode or not)."""
        return self._state.paid_broadcasts
