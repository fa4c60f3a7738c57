"""The webhook app's rules, over ASGI with a stand-in application: the secret, the body, the
de-duplication, what a failure answers, and /healthz."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import httpx
import pytest

from bot.storage.updates import RecentUpdates
from bot.telegram.context import BotApp
from bot.web.asgi import SECRET_HEADER, webhook_app

SECRET = "s3cret_token"
UPDATE = {
    "update_id": 41,
    "message": {
        "message_id": 1,
        "date": 1_700_000_000,
        "chat": {"id": 7, "type": "private"},
        "from": {"id": 7, "is_bot": False, "first_name": "Alex"},
        "text": "/help",
    },
}


class StandIn:
    """What the app uses of a PTB Application: ``running``, ``bot``, ``process_update``."""

    def __init__(self) -> None:
        self.running = True
        self.bot = None
        self.handled: list[int] = []

    async def process_update(self, update: Any) -> None:
        self.handled.append(update.update_id)


class BrokenUpdates:
    async def first_time(self, update_id: int) -> bool:
        raise OSError("database gone")


class Health:
    """The store's side of /healthz: fine, down, or failing outright."""

    def __init__(self) -> None:
        self.ok = True
        self.error: Exception | None = None

    async def __call__(self) -> bool:
        if self.error is not None:
            raise self.error
        return self.ok


@pytest.fixture
def application() -> StandIn:
    return StandIn()


@pytest.fixture
def health() -> Health:
    return Health()


def client_for(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bot")


@pytest.fixture
async def client(application: StandIn, health: Health) -> AsyncIterator[httpx.AsyncClient]:
    app = webhook_app(
        cast(BotApp, application), RecentUpdates(), secret=SECRET, path="/tg", healthy=health
    )
    async with client_for(app) as client:
        yield client


async def post(client: httpx.AsyncClient, body: object, secret: str | None = SECRET) -> int:
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    return (await client.post("/tg", json=body, headers=headers)).status_code


async def test_an_update_is_handled_once(client: httpx.AsyncClient, application: StandIn) -> None:
    """A new update is handled before the 200; the same update again is 200 and not handled."""
    assert await post(client, UPDATE) == 200
    assert await post(client, UPDATE) == 200
    assert application.handled == [41]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x"])
async def test_a_wrong_or_missing_secret_is_403(
    client: httpx.AsyncClient, application: StandIn, secret: str | None
) -> None:
    """Without the exact secret header: 403, nothing handled, nothing recorded."""
    assert await post(client, UPDATE, secret) == 403
    assert application.handled == []
    assert await post(client, UPDATE) == 200
    assert application.handled == [41]


@pytest.mark.parametrize("body", [[1, 2], {"message": {}}, {"update_id": "41"}, "text"])
async def test_a_body_that_is_not_an_update_is_400(
    client: httpx.AsyncClient, application: StandIn, body: object
) -> None:
    """JSON that is not an update (no integer update_id) is 400 and handled by nobody."""
    assert await post(client, body) == 400
    assert (
        await client.post("/tg", content=b"{", headers={SECRET_HEADER: SECRET})
    ).status_code == 400
    assert application.handled == []


async def test_not_running_is_503_and_takes_nothing(
    client: httpx.AsyncClient, application: StandIn
) -> None:
    """Before start or while stopping, an update is 503 (Telegram redelivers) and not taken."""
    application.running = False
    assert await post(client, UPDATE) == 503
    application.running = True
    assert await post(client, UPDATE) == 200
    assert application.handled == [41]


async def test_an_unreachable_record_is_503(application: StandIn) -> None:
    """If taken updates cannot be recorded, 503 and nothing handled: Telegram tries again."""

    async def healthy() -> bool:
        return True

    app = webhook_app(
        cast(BotApp, application), BrokenUpdates(), secret=SECRET, path="/tg", healthy=healthy
    )
    async with client_for(app) as client:
        assert await post(client, UPDATE) == 503
    assert application.handled == []


async def test_healthz(client: httpx.AsyncClient, application: StandIn, health: Health) -> None:
    """/healthz is 200 while running with a store that answers, 503 when either is not."""
    assert (await client.get("/healthz")).status_code == 200
    health.ok = False
    assert (await client.get("/healthz")).status_code == 503
    health.ok, health.error = True, OSError("connection refused")
    assert (await client.get("/healthz")).status_code == 503
    health.error = None
    application.running = False
    assert (await client.get("/healthz")).status_code == 503
