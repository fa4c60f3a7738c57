"""Webhook deliveries: POSTs with the secret header, redelivery with back-off, order per chat,
parallel chats within max_connections, and the test-only load balancer."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from bot.emulator import (
    BotAPIEmulator,
    EmulatedUser,
    WaitTimeout,
    WebhookDelivery,
    WebhookTiming,
)

from .conftest import RawApi
from .instances import Instance, running


@asynccontextmanager
async def serving(timing: WebhookTiming) -> AsyncIterator[tuple[BotAPIEmulator, RawApi]]:
    """An emulator with its own webhook timing, and a raw client for it."""
    async with (
        BotAPIEmulator(webhook_timing=timing) as emulator,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client,
    ):
        yield emulator, RawApi(client, emulator.token)
        assert emulator.internal_errors == []


@pytest.fixture
async def instance() -> AsyncIterator[Instance]:
    async with running("a") as (only,):
        yield only


async def set_webhook(api: RawApi, url: str, **params: str) -> None:
    response = await api.call("setWebhook", url=url, **params)
    assert response.status_code == 200, response.text


async def test_delivery_posts_the_update_with_the_secret_header(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser, instance: Instance
) -> None:
    """An update is POSTed as JSON with the secret header, once, and leaves the queue."""
    await set_webhook(api, instance.url, secret_token="s3cret_-X")
    message = emulator.send_text(user, "hello")
    delivery = await emulator.wait_for_delivery()
    (received,) = instance.received
    assert received.update == {"update_id": delivery.update_id, "message": message}
    assert (received.secret, received.content_type) == ("s3cret_-X", "application/json")
    assert (delivery.url, delivery.target, delivery.attempt, delivery.status) == (
        instance.url,
        instance.url,
        1,
        200,
    )
    assert delivery.chat_id == user.id
    assert emulator.pending_updates == []


async def test_no_secret_no_header(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser, instance: Instance
) -> None:
    """Without a secret_token the header is absent."""
    await set_webhook(api, instance.url)
    emulator.send_text(user, "hello")
    await emulator.wait_for_delivery()
    assert instance.received[0].secret is None


async def test_redelivery_after_500_keeps_the_chat_in_order(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser, instance: Instance
) -> None:
    """A 500 means the update comes again; the chat's next update waits until it is accepted."""
    instance.statuses.extend([500, 503])
    await set_webhook(api, instance.url)
    emulator.send_text(user, "one")
    emulator.send_text(user, "two")
    await emulator.wait_for(lambda: not emulator.pending_updates)
    first, second = (u["update_id"] for u in (r.update for r in instance.received[-2:]))
    assert instance.update_ids() == [first, first, first, second]
    assert [(d.attempt, d.status) for d in emulator.deliveries_of(first)] == [
        (1, 500),
        (2, 503),
        (3, 200),
    ]
    assert [d.attempt for d in emulator.deliveries_of(second)] == [1]
    failed = emulator.deliveries_of(first)[0]
    assert failed.error == "Wrong response from the webhook: 500 Internal Server Error"
    assert not failed.accepted


async def test_redelivery_after_a_connection_error(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Nobody listening is a failure ("Connection refused"), retried until the bot is up."""
    instance = Instance()
    await instance.start()
    port = instance.port
    await instance.stop()
    await set_webhook(api, instance.url)
    emulator.send_text(user, "hello")
    refused = await emulator.wait_for_delivery(accepted=False)
    assert (refused.status, refused.error) == (None, "Connection refused")
    await instance.start(port)
    try:
        delivered = await emulator.wait_for_delivery()
        assert delivered.update_id == refused.update_id
        assert delivered.attempt >= 2
        assert instance.update_ids() == [delivered.update_id]
    finally:
        await instance.stop()


async def test_redelivery_after_a_timeout(instance: Instance) -> None:
    """An answer slower than the delivery timeout is "Read timeout expired", and retried."""
    async with serving(WebhookTiming(timeout=0.2)) as (emulator, api):
        user = emulator.add_user("Alex")
        instance.hold = 1.0
        await set_webhook(api, instance.url)
        emulator.send_text(user, "hello")
        late = await emulator.wait_for_delivery(accepted=False)
        assert (late.status, late.error) == (None, "Read timeout expired")
        instance.hold = 0.0
        delivered = await emulator.wait_for_delivery()
        assert delivered.attempt >= 2


def gaps(deliveries: list[WebhookDelivery]) -> list[float]:
    """Seconds from the end of each attempt to the start of the next."""
    return [b.at - (a.at + a.duration) for a, b in itertools.pairwise(deliveries)]


async def test_back_off_doubles(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser, instance: Instance
) -> None:
    """Retries come after 0.1 s, then 0.2 s, then 0.4 s (the default back-off)."""
    instance.statuses.extend([500, 500, 500])
    await set_webhook(api, instance.url)
    emulator.send_text(user, "x")
    (update,) = emulator.pending_updates
    await emulator.wait_for(lambda: not emulator.pending_updates)
    waited = gaps(emulator.deliveries_of(update["update_id"]))
    assert len(waited) == 3
    for gap, expected in zip(waited, (0.1, 0.2, 0.4), strict=True):
        assert expected <= gap < expected + 0.2


async def test_retry_after_header_is_honoured_up_to_the_maximum(instance: Instance) -> None:
    """A Retry-After header sets the next delay, capped at the emulator's maximum delay."""
    async with serving(WebhookTiming(first_retry=0.05, max_retry=0.3)) as (emulator, api):
        user = emulator.add_user("Alex")
        instance.statuses.append(503)
        instance.retry_after = "5"
        await set_webhook(api, instance.url)
        emulator.send_text(user, "x")
        (update,) = emulator.pending_updates
        await emulator.wait_for(lambda: not emulator.pending_updates)
        (waited,) = gaps(emulator.deliveries_of(update["update_id"]))
        assert 0.3 <= waited < 0.5


async def test_chats_go_in_parallel_up_to_max_connections(
    api: RawApi, emulator: BotAPIEmulator, instance: Instance
) -> None:
    """Different chats are delivered in parallel, never more at once than max_connections."""
    instance.gate = asyncio.Event()
    await set_webhook(api, instance.url, max_connections="2")
    for name in ("A", "B", "C"):
        emulator.send_text(emulator.add_user(name), "hi")
    await instance.wait_until(lambda: instance.in_flight == 2)
    assert instance.received == []  # both held at the gate, the third not sent yet
    instance.gate.set()
    await emulator.wait_for(lambda: not emulator.pending_updates)
    assert len(instance.received) == 3
    assert instance.most_in_flight == 2


async def test_round_robin_over_three_instances(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A balanced URL sends each delivery to the next instance in turn."""
    async with running("a", "b", "c") as instances:
        public = "https://bot.example.com/telegram"
        emulator.balance(public, [i.url for i in instances])
        await set_webhook(api, public)
        for n in range(6):
            emulator.send_text(user, f"m{n}")
        await emulator.wait_for(lambda: not emulator.pending_updates)
        targets = [d.target for d in emulator.webhook_deliveries]
        assert targets == [i.url for i in instances] * 2
        assert [len(i.received) for i in instances] == [2, 2, 2]
        assert {d.url for d in emulator.webhook_deliveries} == {public}


async def test_failover_when_an_instance_is_taken_out(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """A dead instance fails to connect; the retry reaches a live one, in order, and the
    instance gets deliveries again once brought back."""
    async with running("a", "b", "c") as (a, b, c):
        emulator.balance(a.url, [a.url, b.url, c.url])
        emulator.take_out(b.url)
        await set_webhook(api, a.url)
        for n in range(4):
            emulator.send_text(user, f"m{n}")
        await emulator.wait_for(lambda: not emulator.pending_updates)
        assert b.received == []
        delivered = sorted(a.update_ids() + c.update_ids())
        assert len(delivered) == 4
        to_b = [d for d in emulator.webhook_deliveries if d.target == b.url]
        assert to_b
        assert all(d.error == "Connection refused" and d.status is None for d in to_b)
        assert all(len(emulator.deliveries_of(d.update_id)) == 2 for d in to_b)
        emulator.bring_back(b.url)
        for n in range(3):
            emulator.send_text(user, f"later {n}")
        await emulator.wait_for(lambda: not emulator.pending_updates)
        assert len(b.received) == 1


async def test_delete_webhook_stops_deliveries(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser, instance: Instance
) -> None:
    """After deleteWebhook nothing is posted; the pending updates wait for getUpdates."""
    instance.statuses.extend([500] * 1000)
    await set_webhook(api, instance.url)
    emulator.send_text(user, "hello")
    await emulator.wait_for_delivery(accepted=False)
    assert (await api.call("deleteWebhook")).status_code == 200
    attempts = len(instance.received)
    response = await api.call("getUpdates")
    assert [u["message"]["text"] for u in response.json()["result"]] == ["hello"]
    assert len(instance.received) <= attempts + 1  # one attempt may have been under way


async def test_wait_for_delivery_times_out_saying_what_happened(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser, instance: Instance
) -> None:
    """A wait that is not met raises WaitTimeout listing the latest attempts."""
    instance.statuses.extend([500] * 1000)
    await set_webhook(api, instance.url)
    emulator.send_text(user, "hello")
    with pytest.raises(WaitTimeout, match=r"update 1 #1 -> http://127\.0\.0\.1:\d+/telegram: 500"):
        await emulator.wait_for_delivery(timeout=0.3)
