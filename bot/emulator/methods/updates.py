"""How the bot receives updates by long polling: getUpdates.

While a webhook is set (``methods.webhooks``) getUpdates is refused with 409, and a long poll
in progress when one is set ends with 409 too, in Telegram's words.
"""

from __future__ import annotations

import time

from ..errors import ApiError
from ..spec import BotApiSpec
from ..state import EmulatorState
from .registry import Params, method

CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
TERMINATED_BY_SET_WEBHOOK = "Conflict: terminated by setWebhook request"


@method("getUpdates")
async def get_updates(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    """Long polling; a newer call ends an older one with 409, as at Telegram."""
    if state.webhooks.current is not None:
        raise ApiError(409, WEBHOOK_ACTIVE)
    state.poll_generation += 1
    generation = state.poll_generation
    state.changed.fire()
    if "allowed_updates" in p:
        state.set_allowed_updates(p["allowed_updates"])
    if "offset" in p:
        state.confirm_updates(p["offset"])
    limit = p.get("limit", 100)
    limit = limit if 1 <= limit <= 100 else 100
    deadline = now + max(0, p.get("timeout", 0))
    while True:
        if generation != state.poll_generation:
            raise ApiError(409, CONFLICT)
        if state.webhooks.current is not None:
            raise ApiError(409, TERMINATED_BY_SET_WEBHOOK)
        if state.updates or state.closing:
            return state.updates[:limit]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        state.waiting_polls += 1
        state.changed.fire()  # for a test waiting until the bot polls
        try:
            await state.changed.wait(remaining)
        finally:
            state.waiting_polls -= 1
