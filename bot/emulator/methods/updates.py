"""How the bot receives updates: getUpdates' long polling, and the webhook calls around it.

Only polling is emulated: there is never a webhook, so deleteWebhook and getWebhookInfo only
act on and report the queue of pending updates.
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


@method("getUpdates")
async def get_updates(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    """Long polling; a newer call ends an older one with 409, as at Telegram."""
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
        if state.updates or state.closing:
            return state.updates[:limit]
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return []
        await state.changed.wait(remaining)


@method("deleteWebhook")
async def delete_webhook(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    if p.get("drop_pending_updates"):
        state.updates.clear()
    return True


@method("getWebhookInfo")
async def get_webhook_info(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    return {"url": "", "has_custom_certificate": False, "pending_update_count": len(state.updates)}
