"""``stretchbot serve`` behind the emulator's webhook deliveries: real processes, real HTTP,
one database for several instances. Each update is answered exactly once, whichever instance
the round-robin hands it to, and however many times Telegram delivers it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from bot.emulator import BotAPIEmulator, EmulatedUser
from bot.web.asgi import SECRET_HEADER
from tests.e2e.serving import SECRET, command, free_port, serving

pytestmark = pytest.mark.xdist_group("instances")

#: The public URL Telegram is given; the emulator's test-only balancer routes it to instances.
PUBLIC = "http://127.0.0.1:9/telegram"


async def test_one_instance_answers_by_webhook(
    emulator: BotAPIEmulator, user: EmulatedUser, tmp_path: Path
) -> None:
    """set-webhook points Telegram at the instance; a user's /start is delivered with the
    secret, answered, and accepted; webhook-info shows the URL."""
    async with serving(emulator, tmp_path) as (instance,):
        out = await command(emulator, tmp_path, "set-webhook", instance.url)
        assert instance.url in out
        assert emulator.webhook is not None
        emulator.send_text(user, "/start")
        await emulator.wait_for_message(user, "I help people", timeout=10)
        await emulator.wait_for_delivery(lambda d: d.target == instance.url, timeout=10)
        info = await command(emulator, tmp_path, "webhook-info")
        assert f"url: {instance.url}" in info
        assert "pending updates: 0" in info
    assert emulator.token.partition(":")[2] not in instance.process.log
    assert SECRET not in instance.process.log


async def test_a_wrong_secret_is_refused_and_nothing_handled(
    emulator: BotAPIEmulator, user: EmulatedUser, tmp_path: Path
) -> None:
    """A webhook set with another secret: every delivery is 403 and the bot sends nothing;
    set with the right one, the waiting update is delivered and answered once."""
    async with serving(emulator, tmp_path) as (instance,):
        await command(emulator, tmp_path, "set-webhook", instance.url, WEBHOOK_SECRET="other")
        emulator.send_text(user, "/start")
        refused = await emulator.wait_for_delivery(accepted=False, timeout=10)
        assert refused.status == 403
        assert emulator.messages(user) == []
        await command(emulator, tmp_path, "set-webhook", instance.url)
        await emulator.wait_for_message(user, "I help people", timeout=10)
        assert len(emulator.messages(user)) == 1


async def test_healthz_and_bad_requests(
    emulator: BotAPIEmulator, database_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL /healthz is 200; a POST with no secret is 403 and one that is not an
    update is 400, and neither sends anything."""
    async with (
        serving(emulator, tmp_path, DATABASE_URL=database_url) as (instance,),
        httpx.AsyncClient(base_url=instance.base) as client,
    ):
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.post("/telegram", json={"update_id": 1})).status_code == 403
        garbage = await client.post(
            "/telegram", content=b"not json", headers={SECRET_HEADER: SECRET}
        )
        assert garbage.status_code == 400
    assert emulator.requests_for("sendMessage") == []


async def answer_everyone(emulator: BotAPIEmulator, users: list[EmulatedUser]) -> None:
    """Each user sends /start; wait until every delivery is accepted and every user answered."""
    for user in users:
        emulator.send_text(user, "/start")
    for user in users:
        await emulator.wait_for_message(user, "I help people", timeout=30)
    await emulator.wait_for(lambda: not emulator.pending_updates, timeout=30)


@pytest.mark.parametrize("count", [2, 3])
async def test_instances_behind_a_balancer_answer_each_update_once(
    emulator: BotAPIEmulator, database_url: str, tmp_path: Path, count: int
) -> None:
    """Two or three instances on one database behind the round-robin: every instance takes
    updates, and each of 12 users gets exactly one answer."""
    users = [emulator.add_user(f"User{n}") for n in range(12)]
    async with serving(emulator, tmp_path, count, DATABASE_URL=database_url) as instances:
        await command(emulator, tmp_path, "set-webhook", PUBLIC)
        emulator.balance(PUBLIC, [i.url for i in instances])
        await answer_everyone(emulator, users)
    assert [len(emulator.messages(user)) for user in users] == [1] * len(users)
    targets = {d.target for d in emulator.webhook_deliveries if d.accepted}
    assert targets == {i.url for i in instances}


async def test_redelivery_after_a_500_is_not_handled_twice(
    emulator: BotAPIEmulator, user: EmulatedUser, database_url: str, tmp_path: Path
) -> None:
    """An instance handles an update but the answer Telegram gets is a 500 (a proxy in front
    of it): the redelivery goes to the other instance, which drops it; one reply."""
    async with (
        serving(emulator, tmp_path, 2, DATABASE_URL=database_url) as (first, second),
        failing_proxy(first.url) as proxy,
    ):
        await command(emulator, tmp_path, "set-webhook", PUBLIC)
        emulator.balance(PUBLIC, [proxy, second.url])
        emulator.send_text(user, "/start")
        await emulator.wait_for_message(user, "I help people", timeout=10)
        accepted = await emulator.wait_for_delivery(timeout=10)
        attempts = emulator.deliveries_of(accepted.update_id)
        assert [(a.target, a.status) for a in attempts] == [(proxy, 500), (second.url, 200)]
    assert len(emulator.messages(user)) == 1


@contextlib.asynccontextmanager
async def failing_proxy(target: str) -> AsyncIterator[str]:
    """A URL that forwards each POST to ``target`` and answers 500 whatever it said."""

    async def forward(request: web.Request) -> web.Response:
        async with httpx.AsyncClient() as client:
            await client.post(target, content=await request.read(), headers=dict(request.headers))
        return web.Response(status=500, text="the load balancer lost the answer")

    app = web.Application()
    app.router.add_post("/telegram", forward)
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    try:
        await web.TCPSite(runner, "127.0.0.1", port).start()
        yield f"http://127.0.0.1:{port}/telegram"
    finally:
        await runner.cleanup()
