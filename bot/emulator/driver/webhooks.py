"""Webhooks from the test's side: the deliveries, waiting for one, and a test-only load
balancer standing for the one in front of several bot instances.

``balance(url, [instance, ...])`` sends each delivery attempt to ``url`` to the next instance in
turn (round-robin, whatever the chat); ``take_out(instance)`` makes it dead: attempts that reach
it fail with "Connection refused" without contacting it, so the update is retried after the
back-off and the rotation brings it to a live instance. Unlike a real load balancer there is no
health check: a dead instance keeps its turn. None of this exists at Telegram; it is for tests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..errors import EmulatorUsageError
from ..state import EmulatorState
from ..webhook import Webhook, WebhookDelivery
from .waiting import wait_until

DeliveryMatch = int | Callable[[WebhookDelivery], bool] | None
_SHOWN_IN_FAILURES = 10


class Webhooks:
    """``BotAPIEmulator``'s part for webhooks: ``webhook_deliveries``, ``balance``..."""

    _state: EmulatorState  # shared with the server; set by BotAPIEmulator.__init__

    @property
    def webhook(self) -> Webhook | None:
        """The webhook the bot set (None: it polls, or nothing yet)."""
        return self._state.webhooks.current

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        """Every finished delivery attempt, in the order they ended."""
        return list(self._state.webhooks.deliveries)

    def deliveries_of(self, update_id: int) -> list[WebhookDelivery]:
        """The attempts to deliver one update, first attempt first."""
        return [d for d in self._state.webhooks.deliveries if d.update_id == update_id]

    async def wait_for_delivery(
        self,
        match: DeliveryMatch = None,
        *,
        accepted: bool | None = True,
        timeout: float = 5.0,  # noqa: ASYNC109 - a deadline for the match, not for I/O
    ) -> WebhookDelivery:
        """The first finished attempt matching ``match`` (None: any; int: of that update_id;
        callable: predicate) and ``accepted`` (True: a 2xx answer; False: a failure; None:
        either). Consumes nothing: deliveries to different chats finish in any order.
        On timeout raises ``WaitTimeout`` listing the latest attempts."""

        def fits(delivery: WebhookDelivery) -> bool:
            if accepted is not None and delivery.accepted is not accepted:
                return False
            if match is None:
                return True
            if isinstance(match, int):
                return delivery.update_id == match
            return match(delivery)

        def probe() -> WebhookDelivery | None:
            return next((d for d in self._state.webhooks.deliveries if fits(d)), None)

        def report() -> str:
            latest = self._state.webhooks.deliveries[-_SHOWN_IN_FAILURES:]
            seen = "; ".join(d.describe() for d in latest) or "none"
            webhook = self._state.webhooks.current
            where = webhook.url if webhook else "no webhook set"
            wanted = "accepted " if accepted else "failed " if accepted is False else ""
            return (
                f"no {wanted}delivery matching {match!r} within {timeout}s ({where}, "
                f"{len(self._state.updates)} pending); latest attempts: {seen}"
            )

        return await wait_until(self._state, probe, timeout, report)

    # -- the test-only load balancer ----------------------------------------------------------

    def balance(self, url: str, instances: Sequence[str]) -> None:
        """Test-only: deliveries to webhook ``url`` go round-robin to ``instances`` (full URLs
        of the bot instances); an empty list removes the balancing."""
        if isinstance(instances, str):
            raise EmulatorUsageError("balance() takes a list of instance URLs")
        if instances:
            self._state.webhooks.routes[url] = list(instances)
        else:
            self._state.webhooks.routes.pop(url, None)
        self._state.changed.fire()

    def take_out(self, instance: str) -> None:
        """Test-only: the instance at this URL is dead; deliveries to it fail to connect."""
        self._state.webhooks.dead.add(instance)

    def bring_back(self, instance: str) -> None:
        """Test-only: the instance taken out is alive again."""
        self._state.webhooks.dead.discard(instance)
        self._state.changed.fire()
