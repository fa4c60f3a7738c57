"""Webhook delivery: the emulated Telegram POSTs each pending update to the webhook.

While a webhook is set, every pending update (the queue getUpdates would read) is sent as an
HTTP POST with the ``Update`` as its JSON body (``Content-Type: application/json``) and, if
the webhook has a secret, the ``X-Telegram-Bot-Api-Secret-Token`` header. A 2xx answer
confirms it (it leaves the queue); anything else, a connection error or no answer within
``WebhookTiming.timeout`` is a failure: the update is sent again after a back-off, and
getWebhookInfo reports the error (Telegram's wording: ``Wrong response from the webhook: 500
Internal Server Error``, ``Connection refused``, ``Read timeout expired``...).

Order, as at Telegram: a chat's updates go one at a time, the next only after the previous one
was accepted; different chats go in parallel, at most ``max_connections`` at once. Updates tied
to no chat are each on their own. A body in a 2xx answer (Telegram would run the method it
names) is ignored.

Every attempt is recorded (``WebhookState.deliveries``). The test-only load balancer lives in
``WebhookState.target``: a ``balance``-d URL sends each attempt to the next instance in turn,
and an instance taken out (``dead``) fails with "Connection refused" without being contacted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

import aiohttp

from .models import JSON
from .state import EmulatorState
from .webhook import SECRET_TOKEN_HEADER, Webhook, WebhookDelivery, update_chat_id

__all__ = ["WebhookDispatcher"]

_LOG = logging.getLogger(__name__)
#: How long the dispatcher sleeps when nothing is due (any change wakes it earlier).
_IDLE = 60.0
CONNECTION_REFUSED = "Connection refused"
READ_TIMEOUT = "Read timeout expired"
CONNECTION_CLOSED = "Webhook connection closed"
RESOLVE_FAILED = "Failed to resolve host"

QueueKey = tuple[str, int]


class _Outcome:
    __slots__ = ("error", "retry_after", "status")

    def __init__(self) -> None:
        self.status: int | None = None
        self.error: str | None = None
        self.retry_after = 0


class WebhookDispatcher:
    """Runs beside the server while the emulator serves; idle while no webhook is set."""

    def __init__(self, state: EmulatorState) -> None:
        self._state = state
        self._hooks = state.webhooks
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._in_flight: dict[QueueKey, asyncio.Task[None]] = {}
        #: Attempts so far per update (kept across webhook changes), failures in a row per
        #: update under the current webhook, and when each failed update may go again.
        self._attempts: dict[int, int] = {}
        self._failures: dict[int, int] = {}
        self._retry_at: dict[int, float] = {}

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=self._hooks.timing.timeout)
        )
        self._task = asyncio.create_task(self._run(), name="webhook dispatcher")

    async def stop(self) -> None:
        self._hooks.on_install = None
        task, self._task = self._task, None
        tasks = [*self._in_flight.values(), *([task] if task else [])]
        for running in tasks:
            running.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._in_flight.clear()
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _run(self) -> None:
        installed = asyncio.Event()
        self._hooks.on_install = installed.set
        generation = self._hooks.generation
        while True:
            if self._hooks.current is None and not self._in_flight:
                # Polling: sleep until a webhook is set, not woken by every change.
                installed.clear()
                await installed.wait()
            if generation != self._hooks.generation:
                generation = self._hooks.generation
                for running in self._in_flight.values():
                    running.cancel()  # under the old webhook; the update stays pending
                self._failures.clear()
                self._retry_at.clear()
            wait = self._launch_due()
            await self._state.changed.wait(wait)

    def _launch_due(self) -> float:
        """Start a delivery for each chat whose first pending update is due, within
        max_connections; the seconds until the next retry is due (or ``_IDLE``)."""
        webhook = self._hooks.current
        if webhook is None:
            return _IDLE
        now = time.monotonic()
        next_due = now + _IDLE
        heads: set[QueueKey] = set()
        for update in self._state.updates:
            if len(self._in_flight) >= webhook.max_connections:
                break
            update_id: int = update["update_id"]
            chat_id = update_chat_id(update)
            key = ("chat", chat_id) if chat_id is not None else ("update", update_id)
            if key in heads:
                continue
            heads.add(key)
            if key in self._in_flight:
                continue
            due = self._retry_at.get(update_id, now)
            if due > now:
                next_due = min(next_due, due)
                continue
            self._in_flight[key] = asyncio.create_task(
                self._deliver(webhook, self._hooks.generation, key, chat_id, update)
            )
        return next_due - now

    async def _deliver(
        self, webhook: Webhook, generation: int, key: QueueKey, chat_id: int | None, update: JSON
    ) -> None:
        update_id: int = update["update_id"]
        attempt = self._attempts[update_id] = self._attempts.get(update_id, 0) + 1
        target = self._hooks.target(webhook)
        started = time.monotonic()
        try:
            outcome = await self._post(webhook, target, update)
        finally:
            if self._in_flight.get(key) is asyncio.current_task():
                del self._in_flight[key]
            self._state.changed.fire()
        finished = time.monotonic()
        record = WebhookDelivery(
            update_id,
            chat_id,
            webhook.url,
            target,
            attempt,
            outcome.status,
            outcome.error,
            started,
            finished - started,
        )
        self._hooks.deliveries.append(record)
        if generation != self._hooks.generation:
            return
        if record.accepted:
            with contextlib.suppress(ValueError):
                self._state.updates.remove(update)
            for table in (self._attempts, self._failures, self._retry_at):
                table.pop(update_id, None)
            return
        failures = self._failures[update_id] = self._failures.get(update_id, 0) + 1
        delay = self._hooks.timing.retry_delay(failures, outcome.retry_after)
        self._retry_at[update_id] = finished + delay
        self._hooks.last_error = (int(time.time()), outcome.error or "")
        _LOG.debug("Webhook delivery failed: %s; next try in %.2f s", record.describe(), delay)

    async def _post(self, webhook: Webhook, target: str, update: JSON) -> _Outcome:
        outcome = _Outcome()
        if target in self._hooks.dead:
            outcome.error = CONNECTION_REFUSED
            return outcome
        headers = {"Content-Type": "application/json"}
        if webhook.secret_token:
            headers[SECRET_TOKEN_HEADER] = webhook.secret_token
        assert self._session is not None
        try:
            async with self._session.post(
                target, data=json.dumps(update).encode(), headers=headers
            ) as response:
                await response.read()
                outcome.status = response.status
                if not 200 <= response.status <= 299:
                    outcome.error = (
                        f"Wrong response from the webhook: {response.status} {response.reason}"
                    )
                    retry_after = response.headers.get("Retry-After", "")
                    outcome.retry_after = int(retry_after) if retry_after.isdigit() else 0
        except TimeoutError:
            outcome.error = READ_TIMEOUT
        except aiohttp.ClientConnectorDNSError:
            outcome.error = RESOLVE_FAILED
        except aiohttp.ClientConnectorError:
            outcome.error = CONNECTION_REFUSED
        except aiohttp.ClientError:
            outcome.error = CONNECTION_CLOSED
        return outcome
