"""setWebhook, deleteWebhook, getWebhookInfo and getUpdates' 409, as Telegram answers them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from telegram import Bot

from bot.emulator import BotAPIEmulator, EmulatedUser, FloodLimits

from .conftest import RawApi
from .instances import Instance

WEBHOOK_ACTIVE = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
HOOK = "http://127.0.0.1:9/telegram"  # never listened on: these tests look at the API only


def error(response: httpx.Response) -> tuple[int, str]:
    body: dict[str, Any] = response.json()
    assert body["ok"] is False
    return response.status_code, body["description"]


async def info(api: RawApi) -> dict[str, Any]:
    response = await api.call("getWebhookInfo")
    assert response.status_code == 200
    result: dict[str, Any] = response.json()["result"]
    return result


@pytest.fixture
async def public_api() -> AsyncIterator[RawApi]:
    """An emulator applying Telegram's public rules (no http, no local addresses)."""
    async with (
        BotAPIEmulator(allow_http_webhooks=False) as emulator,
        httpx.AsyncClient(base_url=f"http://127.0.0.1:{emulator.port}") as client,
    ):
        yield RawApi(client, emulator.token)


@pytest.mark.parametrize(
    ("params", "description"),
    [
        ({"url": "ftp://example.com/hook"}, "Bad Request: invalid webhook URL specified"),
        ({"url": "https://"}, "Bad Request: invalid webhook URL specified"),
        ({"url": "https://example.com:99999/"}, "Bad Request: invalid webhook URL specified"),
        ({"url": HOOK, "secret_token": "x" * 257}, "Bad Request: secret token is too long"),
        (
            {"url": HOOK, "secret_token": "not secret!"},
            "Bad Request: secret token contains unallowed characters",
        ),
        (
            {"url": HOOK, "ip_address": "not-an-ip"},
            "Bad Request: bad webhook: Invalid IP address specified",
        ),
    ],
)
async def test_set_webhook_validation(
    api: RawApi, params: dict[str, str], description: str
) -> None:
    """Malformed URLs and secret tokens are refused with Telegram's 400 wording."""
    assert error(await api.call("setWebhook", **params)) == (400, description)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.com/hook", "An HTTPS URL must be provided for webhook"),
        (
            "https://example.com:8080/hook",
            "Webhook can be set up only on ports 80, 88, 443 or 8443",
        ),
        ("https://127.0.0.1/hook", "IP address 127.0.0.1 is reserved"),
        ("https://10.1.2.3:8443/hook", "IP address 10.1.2.3 is reserved"),
        ("https://[2001:db8::1]/hook", "IPv6-only addresses are not allowed"),
    ],
)
async def test_public_rules_without_allow_http_webhooks(
    public_api: RawApi, url: str, reason: str
) -> None:
    """With allow_http_webhooks=False: https only, four ports, no reserved or IPv6 address."""
    response = await public_api.call("setWebhook", url=url)
    assert error(response) == (400, f"Bad Request: bad webhook: {reason}")


async def test_public_rules_accept_a_public_https_url(public_api: RawApi) -> None:
    """A public https URL passes; a URL without a scheme is taken as https, as at Telegram."""
    for url in ("https://bot.example.com:8443/telegram", "bot.example.com/telegram"):
        response = await public_api.call("setWebhook", url=url)
        assert response.json() == {"ok": True, "result": True, "description": "Webhook was set"}
        assert (await info(public_api))["url"] == url


async def test_local_mode_accepts_http_on_any_port(api: RawApi) -> None:
    """By default (allow_http_webhooks=True) http://127.0.0.1 on any port is a valid webhook."""
    response = await api.call("setWebhook", url=HOOK)
    assert response.json() == {"ok": True, "result": True, "description": "Webhook was set"}
    assert (await info(api))["ip_address"] == "127.0.0.1"


@pytest.mark.parametrize(("given", "kept"), [(None, 40), ("0", 1), ("7", 7), ("1000", 100)])
async def test_max_connections_is_clamped(api: RawApi, given: str | None, kept: int) -> None:
    """max_connections defaults to 40 and is clamped to 1-100, never refused."""
    params = {} if given is None else {"max_connections": given}
    assert (await api.call("setWebhook", url=HOOK, **params)).status_code == 200
    assert (await info(api))["max_connections"] == kept


async def test_descriptions_of_set_and_delete(api: RawApi) -> None:
    """Telegram's descriptions: was set / is already set / was deleted / is already deleted;
    an empty url removes the webhook too."""

    async def description(method: str, **params: str) -> str:
        body: dict[str, Any] = (await api.call(method, **params)).json()
        assert body["result"] is True
        return str(body["description"])

    assert await description("setWebhook", url=HOOK) == "Webhook was set"
    assert await description("setWebhook", url=HOOK) == "Webhook is already set"
    assert await description("setWebhook", url=HOOK, secret_token="s") == "Webhook was set"
    assert await description("deleteWebhook") == "Webhook was deleted"
    assert await description("deleteWebhook") == "Webhook is already deleted"
    assert await description("setWebhook", url=HOOK) == "Webhook was set"
    assert await description("setWebhook", url="") == "Webhook was deleted"
    assert (await info(api))["url"] == ""


async def test_get_updates_is_409_while_a_webhook_is_set(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """getUpdates is 409 with Telegram's words while a webhook is set, and works after
    deleteWebhook, the pending updates still there."""
    assert (await api.call("setWebhook", url=HOOK)).status_code == 200
    emulator.send_text(user, "hello")
    assert error(await api.call("getUpdates")) == (409, WEBHOOK_ACTIVE)
    assert (await api.call("deleteWebhook")).status_code == 200
    response = await api.call("getUpdates")
    assert [u["message"]["text"] for u in response.json()["result"]] == ["hello"]


async def test_set_webhook_ends_a_long_poll_with_409(
    api: RawApi, emulator: BotAPIEmulator
) -> None:
    """A long poll in progress when a webhook is set ends with 409 "terminated by setWebhook"."""
    poll = asyncio.create_task(api.call("getUpdates", timeout=30))
    await emulator.wait_for(lambda: emulator.waiting_polls > 0)
    assert (await api.call("setWebhook", url=HOOK)).status_code == 200
    assert error(await poll) == (409, "Conflict: terminated by setWebhook request")


async def test_failed_set_webhook_leaves_no_webhook(api: RawApi) -> None:
    """Changing the webhook closes the old one first, so an invalid new one leaves none."""
    assert (await api.call("setWebhook", url=HOOK)).status_code == 200
    assert (await api.call("setWebhook", url=HOOK, secret_token="bad token")).status_code == 400
    assert (await info(api))["url"] == ""


async def test_drop_pending_updates(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """drop_pending_updates empties the queue, on setWebhook and on deleteWebhook."""
    emulator.send_text(user, "one")
    await api.call("deleteWebhook", drop_pending_updates="true")
    assert emulator.pending_updates == []
    emulator.send_text(user, "two")
    await api.call("setWebhook", url=HOOK, drop_pending_updates="true")
    assert emulator.pending_updates == []
    assert (await info(api))["pending_update_count"] == 0


async def test_webhook_info_reports_the_settings(api: RawApi) -> None:
    """getWebhookInfo: a certificate upload, ip_address, allowed_updates when not default."""
    response = await api.client.post(
        f"/bot{api.token}/setWebhook",
        data={
            "url": HOOK,
            "ip_address": "203.0.113.7",
            "allowed_updates": '["callback_query", "message"]',
        },
        files={"certificate": ("cert.pem", b"-----BEGIN CERTIFICATE-----", "text/plain")},
    )
    assert response.status_code == 200
    assert await info(api) == {
        "url": HOOK,
        "has_custom_certificate": True,
        "pending_update_count": 0,
        "max_connections": 40,
        "ip_address": "203.0.113.7",
        "allowed_updates": ["message", "callback_query"],
    }


async def test_pending_count_and_last_error(
    api: RawApi, emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """pending_update_count counts updates not yet accepted; a failed delivery shows as
    last_error_date/last_error_message until the webhook changes."""
    instance = Instance()
    await instance.start()
    try:
        instance.statuses.extend([500] * 1000)
        assert (await api.call("setWebhook", url=instance.url)).status_code == 200
        for text in ("one", "two", "three"):
            emulator.send_text(user, text)
        await emulator.wait_for_delivery(accepted=False)
        report = await info(api)
        assert report["pending_update_count"] == 3
        assert report["last_error_message"] == (
            "Wrong response from the webhook: 500 Internal Server Error"
        )
        assert report["last_error_date"] > 1_700_000_000
        instance.statuses.clear()
        await instance.wait_until(lambda: len(instance.update_ids(accepted_only=True)) == 3)
        await emulator.wait_for_delivery(lambda d: d.update_id == 3)
        report = await info(api)
        assert report["pending_update_count"] == 0
        assert "last_error_message" in report  # Telegram keeps the last error
        await api.call("setWebhook", url=instance.url, max_connections="5")
        assert "last_error_message" not in await info(api)
    finally:
        await api.call("deleteWebhook")
        await instance.stop()


async def test_set_webhook_once_a_second_in_limits_mode(
    api: RawApi, emulator: BotAPIEmulator
) -> None:
    """In limits mode a second setWebhook within a second is 429 "retry after 1"."""
    emulator.enable_limits(FloodLimits(strict_window=True))
    assert (await api.call("setWebhook", url=HOOK)).status_code == 200
    second = await api.call("setWebhook", url=HOOK)
    assert error(second) == (429, "Too Many Requests: retry after 1")
    assert second.json()["parameters"] == {"retry_after": 1}
    assert (await api.call("deleteWebhook")).status_code == 200
    assert emulator.too_many_requests == 1


async def test_ptb_bot_sets_reads_and_deletes_a_webhook(bot: Bot) -> None:
    """python-telegram-bot's own calls parse the emulator's answers."""
    assert await bot.set_webhook(HOOK, secret_token="s3cret", max_connections=3)
    webhook = await bot.get_webhook_info()
    assert (webhook.url, webhook.max_connections, webhook.pending_update_count) == (HOOK, 3, 0)
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert (await bot.get_webhook_info()).url == ""
