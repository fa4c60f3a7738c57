"""The HTTP side of ``stretchbot serve``: Telegram's updates in, a health check out.

``POST <WEBHOOK_PATH>``: the secret header must match (else 403, nothing handled); the body must
be an update (else 400); an update some instance already took is answered 200 and dropped (see
:class:`bot.ports.Updates`). A new one is handled *before* the answer, so Telegram's connection
limit is the instance's back-pressure, and an instance that dies before taking an update leaves
it to Telegram's redelivery. If the record of taken updates cannot be reached the answer is 503:
nothing was taken, Telegram tries again later. A handler's failure is the error handler's to
answer (as in polling); the update counts as taken, so it is never handled twice.

``GET /healthz``: 200 while the bot runs and (on PostgreSQL) its database answers, else 503,
for the load balancer.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.ports import Updates
from bot.telegram.context import BotApp

__all__ = ["SECRET_HEADER", "webhook_app"]

_LOGGER = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

#: Whether the instance can serve: what /healthz reports.
HealthProbe = Callable[[], Awaitable[bool]]


def _text(status: int, text: str) -> Response:
    return PlainTextResponse(text, status_code=status)


def webhook_app(
    application: BotApp, updates: Updates, *, secret: str, path: str, healthy: HealthProbe
) -> Starlette:
    """The ASGI app: updates at ``path`` for ``application``, and ``/healthz``."""
    expected = secret.encode()

    async def receive_update(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            _LOGGER.warning("Refused an update with a wrong or missing secret token")
            return _text(403, "wrong secret token")
        try:
            data = json.loads(await request.body())
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("no update_id")
            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            return _text(400, f"not an update: {exc}")
        if not application.running:
            return _text(503, "not running")
        try:
            first = await updates.first_time(update.update_id)
        except Exception:
            _LOGGER.exception(
                "Could not record update %s; Telegram will redeliver it", update.update_id
            )
            return _text(503, "cannot record updates")
        if not first:
            _LOGGER.info("Update %s was already taken; dropping it", update.update_id)
            return _text(200, "seen")
        try:
            await application.process_update(update)
        except Exception:  # taken: a redelivery would be dropped anyway
            _LOGGER.exception("Update %s failed outside the handlers", update.update_id)
        return _text(200, "ok")

    async def health(_: Request) -> Response:
        try:
            ok = application.running and await healthy()
        except Exception as exc:
            _LOGGER.warning("Health check failed: %s", exc)
            ok = False
        return _text(200, "ok") if ok else _text(503, "unavailable")

    return Starlette(
        routes=[
            Route(path, receive_update, methods=["POST"]),
            Route("/healthz", health, methods=["GET"]),
        ]
    )
