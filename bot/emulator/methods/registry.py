"""How a Bot API method handler is declared, and the table they are registered in.

Kept apart from the handlers so that every area module (``messages``, ``files``...) can
register with ``@method`` without importing another area; ``bot.emulator.methods`` imports
them all, so ``HANDLERS`` is complete wherever it is read through that package.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ..spec import BotApiSpec
from ..state import EmulatorState

Params = dict[str, Any]
Handler = Callable[[EmulatorState, BotApiSpec, Params, float], Awaitable[object]]
HANDLERS: dict[str, Handler] = {}


def method(name: str) -> Callable[[Handler], Handler]:
    """Register a handler under the spec's spelling of the method name."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register
