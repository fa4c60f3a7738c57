"""Webhooks as the Bot API has them: what setWebhook accepts, and what the emulator keeps.

Validation follows the official server (tdlib/telegram-bot-api, ``Client::do_set_webhook`` and
``WebhookActor``), with its wording:

- the URL must parse (a missing scheme means https; only http and https), else
  ``invalid webhook URL specified``;
- ``secret_token``: at most 256 characters of ``A-Z a-z 0-9 _ -``;
- ``max_connections`` is clamped to 1-100, never refused (40 when absent);
- then, as ``bad webhook: ...``: https only, on ports 80, 88, 443 or 8443, and no reserved
  (private, loopback...) or IPv6 address, neither as the URL's host nor as ``ip_address``.

That last group is what the official server skips in ``--local`` mode, and so does the emulator
with ``BotAPIEmulator(allow_http_webhooks=True)``, the default: every bot and test here runs on
127.0.0.1. With ``allow_http_webhooks=False`` the public rules apply; a test can still deliver
locally by ``balance``-ing a public https URL to local http instances (the load balancer
terminates TLS). Host names are never resolved (Telegram would refuse one that does not resolve).

Unlike Telegram, setWebhook does not wait for a first connection to the URL: python-telegram-bot
calls it before its own web server listens. Deliveries are in ``bot.emulator.delivery``.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .errors import ApiError, bad_request
from .models import JSON, UploadedFile

__all__ = [
    "SECRET_TOKEN_HEADER",
    "Webhook",
    "WebhookDelivery",
    "WebhookState",
    "WebhookTiming",
    "parse_webhook",
    "update_chat_id",
]

SECRET_TOKEN_HEADER = "X-Telegram-Bot-Api-Secret-Token"
DEFAULT_MAX_CONNECTIONS = 40
MAX_MAX_CONNECTIONS = 100
MAX_SECRET_TOKEN = 256
WEBHOOK_PORTS = frozenset({80, 88, 443, 8443})
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]*")
_DEFAULT_PORTS = {"http": 80, "https": 443}


@dataclass(frozen=True)
class WebhookTiming:
    """How the emulator redelivers: after ``first_retry`` seconds, doubling up to ``max_retry``;
    an answer slower than ``timeout`` seconds is a failure ("Read timeout expired").

    Telegram retries the first failure at once, then after 2, 4, 8... s up to 60-120 s, and
    honours a ``Retry-After`` header up to an hour; the emulator's delays are small so that
    tests stay fast, and ``Retry-After`` is honoured up to ``max_retry``.
    """

    first_retry: float = 0.1
    max_retry: float = 1.0
    timeout: float = 10.0

    def retry_delay(self, failures: int, retry_after: int = 0) -> float:
        """Seconds before the next attempt after ``failures`` failed ones in a row."""
        if retry_after > 0:
            return min(float(retry_after), self.max_retry)
        return min(self.first_retry * 2.0 ** max(0, failures - 1), self.max_retry)


@dataclass(frozen=True)
class Webhook:
    """A webhook as set: ``url`` as the bot gave it, ``endpoint`` where it points."""

    url: str
    endpoint: str
    secret_token: str | None = None
    max_connections: int = DEFAULT_MAX_CONNECTIONS
    ip_address: str | None = None
    has_custom_certificate: bool = False


@dataclass(frozen=True)
class WebhookDelivery:
    """One delivery attempt of an update: where it went and how it ended.

    ``status`` is the HTTP status the webhook answered (None: no answer, see ``error``);
    ``target`` is the URL actually posted to (the instance a ``balance`` picked, or ``url``);
    ``at`` is the ``time.monotonic()`` the attempt started and ``duration`` how long it took.
    """

    update_id: int
    chat_id: int | None
    url: str
    target: str
    attempt: int
    status: int | None
    error: str | None
    at: float
    duration: float

    @property
    def accepted(self) -> bool:
        """A 2xx answer: Telegram forgets the update."""
        return self.status is not None and 200 <= self.status <= 299

    def describe(self) -> str:
        outcome = str(self.status) if self.status is not None else self.error
        return f"update {self.update_id} #{self.attempt} -> {self.target}: {outcome}"


@dataclass
class WebhookState:
    """The webhook part of the emulated world: the current webhook, its deliveries, its last
    error, and the test-only load balancer (``routes``, ``dead``)."""

    allow_http: bool = True
    timing: WebhookTiming = field(default_factory=WebhookTiming)
    current: Webhook | None = None
    #: Bumped whenever the webhook is set or deleted: deliveries under an older one stop.
    generation: int = 0
    #: (unix time, message) of the last failed delivery, reset when the webhook changes.
    last_error: tuple[int, str] | None = None
    deliveries: list[WebhookDelivery] = field(default_factory=list)
    #: In limits mode setWebhook is refused (429) more than once a second, as at Telegram.
    next_set_at: float = 0.0
    routes: dict[str, list[str]] = field(default_factory=dict)
    dead: set[str] = field(default_factory=set)
    #: Called whenever the webhook is set or deleted (the dispatcher sleeps until then).
    on_install: Callable[[], None] | None = None
    _turns: dict[str, int] = field(default_factory=dict)

    def install(self, webhook: Webhook | None) -> None:
        self.current = webhook
        self.generation += 1
        self.last_error = None
        if self.on_install is not None:
            self.on_install()

    def target(self, webhook: Webhook) -> str:
        """Where the next delivery goes: round-robin over the instances ``url`` is balanced
        to, else the webhook's own endpoint."""
        for key in (webhook.url, webhook.endpoint):
            instances = self.routes.get(key)
            if instances:
                turn = self._turns.get(key, 0)
                self._turns[key] = turn + 1
                return instances[turn % len(instances)]
        return webhook.endpoint


def parse_webhook(p: dict[str, Any], *, allow_http: bool) -> Webhook:
    """The webhook setWebhook's parameters describe (``url`` not empty), or 400."""
    url: str = p["url"]
    endpoint = url if "://" in url else f"https://{url}"
    try:
        parts = urlsplit(endpoint)
        port = parts.port or _DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        raise bad_request("invalid webhook URL specified") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise bad_request("invalid webhook URL specified")
    secret: str | None = p.get("secret_token")
    if secret is not None and len(secret) > MAX_SECRET_TOKEN:
        raise bad_request("secret token is too long")
    if secret is not None and not _SECRET_RE.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if not allow_http:
        if scheme != "https":
            raise bad_webhook("An HTTPS URL must be provided for webhook")
        if port not in WEBHOOK_PORTS:
            raise bad_webhook("Webhook can be set up only on ports 80, 88, 443 or 8443")
    ip_address: str | None = p.get("ip_address")
    if ip_address is not None:
        _check_address(ip_address, allow_http=allow_http, given=True)
    else:
        _check_address(parts.hostname, allow_http=allow_http, given=False)
    certificate = p.get("certificate")
    return Webhook(
        url=url,
        endpoint=endpoint,
        secret_token=secret,
        max_connections=min(
            max(int(p.get("max_connections", DEFAULT_MAX_CONNECTIONS)), 1), MAX_MAX_CONNECTIONS
        ),
        ip_address=ip_address,
        has_custom_certificate=isinstance(certificate, UploadedFile),
    )


def bad_webhook(reason: str) -> ApiError:
    return bad_request(f"bad webhook: {reason}")


def _check_address(address: str, *, allow_http: bool, given: bool) -> None:
    """An explicit ``ip_address`` must be one; either must be public IPv4 (not in local mode)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        if given:
            raise bad_webhook("Invalid IP address specified") from None
        return  # a host name: Telegram resolves it, the emulator takes it as it is
    if allow_http:
        return
    if parsed.version != 4:
        raise bad_webhook("IPv6-only addresses are not allowed")
    if not parsed.is_global:
        raise bad_webhook(f"IP address {parsed} is reserved")


def update_chat_id(update: JSON) -> int | None:
    """The chat an update belongs to (Telegram delivers a chat's updates in order, one at a
    time); None for updates tied to no chat, which are each delivered on their own."""
    for key, payload in update.items():
        if key == "update_id" or not isinstance(payload, dict):
            continue
        chat = payload.get("chat")
        if chat is None and isinstance(payload.get("message"), dict):
            chat = payload["message"].get("chat")  # a callback query
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = payload.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None
