"""setWebhook, deleteWebhook and getWebhookInfo, as the official Bot API server answers them.

- setWebhook validates (``bot.emulator.webhook``) and answers "Webhook was set", or "Webhook is
  already set" when nothing changed (then only allowed_updates is taken). Changing the webhook
  closes the old one *first*, as Telegram does: a setWebhook that fails validation leaves no
  webhook at all. An empty or missing url removes the webhook, like deleteWebhook.
- drop_pending_updates empties the queue of pending updates (even if validation then fails).
- In limits mode, setWebhook with a url is refused (429, retry after 1) more than once a second.
- getWebhookInfo reports the url as given, pending_update_count (in-flight updates included),
  the last delivery error until the webhook changes, max_connections, the ``ip_address`` given
  (or the URL's host if it is an address, else ``<unknown>``: the emulator resolves nothing),
  and allowed_updates when not the default.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from ..errors import ApiError
from ..flood import too_many_requests
from ..models import JSON, Described
from ..spec import BotApiSpec
from ..state import DEFAULT_EXCLUDED_UPDATES, EmulatorState
from ..webhook import Webhook, parse_webhook
from .registry import Params, method


@method("setWebhook")
async def set_webhook(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    url: str = p.get("url", "")
    hooks = state.webhooks
    if url and state.telegram_limits is not None:
        if now < hooks.next_set_at:
            state.too_many_requests += 1
            raise too_many_requests(1)
        hooks.next_set_at = now + 1
    if not url:
        return _delete(state, p)
    drop = bool(p.get("drop_pending_updates"))
    try:
        webhook = parse_webhook(p, allow_http=hooks.allow_http)
    except ApiError:
        if hooks.current is not None:
            hooks.install(None)  # the old webhook was closed before the new one was checked
        if drop:
            state.updates.clear()
        state.changed.fire()
        raise
    if "allowed_updates" in p:
        state.set_allowed_updates(p["allowed_updates"])
    if webhook == hooks.current and not webhook.has_custom_certificate and not drop:
        return Described(True, "Webhook is already set")
    if drop:
        state.updates.clear()
    hooks.install(webhook)
    state.changed.fire()  # ends a long poll with 409 and wakes the dispatcher
    return Described(True, "Webhook was set")


@method("deleteWebhook")
async def delete_webhook(state: EmulatorState, spec: BotApiSpec, p: Params, now: float) -> object:
    return _delete(state, p)


def _delete(state: EmulatorState, p: Params) -> Described:
    if p.get("drop_pending_updates"):
        state.updates.clear()
    if state.webhooks.current is None:
        return Described(True, "Webhook is already deleted")
    state.webhooks.install(None)
    state.changed.fire()
    return Described(True, "Webhook was deleted")


@method("getWebhookInfo")
async def get_webhook_info(
    state: EmulatorState, spec: BotApiSpec, p: Params, now: float
) -> object:
    hooks = state.webhooks
    webhook = hooks.current
    info: JSON = {
        "url": webhook.url if webhook else "",
        "has_custom_certificate": bool(webhook and webhook.has_custom_certificate),
        "pending_update_count": len(state.updates),
    }
    if hooks.last_error is not None:
        info["last_error_date"], info["last_error_message"] = hooks.last_error
    if webhook is not None:
        info["max_connections"] = webhook.max_connections
        info["ip_address"] = _ip_address(webhook)
    allowed = _allowed_updates(state, spec)
    if allowed is not None:
        info["allowed_updates"] = allowed
    return info


def _ip_address(webhook: Webhook) -> str:
    if webhook.ip_address:
        return webhook.ip_address
    host = urlsplit(webhook.endpoint).hostname or ""
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return "<unknown>"


def _allowed_updates(state: EmulatorState, spec: BotApiSpec) -> list[str] | None:
    """The subscribed update types in the spec's order, or None if they are the default."""
    if state.allowed_updates is None:
        return None
    kinds = [name for name in spec.types["Update"].fields if name != "update_id"]
    if state.allowed_updates == frozenset(kinds) - DEFAULT_EXCLUDED_UPDATES:
        return None
    return [kind for kind in kinds if kind in state.allowed_updates]
