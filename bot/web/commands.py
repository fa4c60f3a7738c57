"""``stretchbot set-webhook URL``, ``delete-webhook`` and ``webhook-info``: once per
deployment, by the operator, with the bot's own settings (not by every instance at start-up,
which would race and reset Telegram's queue)."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Bot

from bot.config import Settings

__all__ = ["delete_webhook", "set_webhook", "webhook_info"]

Say = Callable[[str], None]


def _bot(settings: Settings) -> Bot:
    if settings.api_base_url:
        return Bot(settings.token, base_url=settings.api_base_url)
    return Bot(settings.token)


async def set_webhook(settings: Settings, url: str, allowed: list[str], say: Say) -> None:
    """Point Telegram at ``url`` with the secret token; only the updates the bot handles."""
    if not settings.webhook_secret:
        raise ValueError("WEBHOOK_SECRET is not set: serve and set-webhook need the same one")
    async with _bot(settings) as bot:
        await bot.set_webhook(url, secret_token=settings.webhook_secret, allowed_updates=allowed)
    say(f"Webhook set: Telegram sends updates to {url}")


async def delete_webhook(settings: Settings, say: Say) -> None:
    """Remove the webhook (pending updates kept), so ``stretchbot run`` can poll again."""
    async with _bot(settings) as bot:
        await bot.delete_webhook()
    say("Webhook deleted: updates wait for stretchbot run (long polling)")


async def webhook_info(settings: Settings, say: Say) -> None:
    """What Telegram has: the URL, updates waiting, the last delivery error."""
    async with _bot(settings) as bot:
        info = await bot.get_webhook_info()
    say(f"url: {info.url or '(none: long polling)'}")
    say(f"pending updates: {info.pending_update_count}")
    if info.last_error_message:
        say(f"last error: {info.last_error_message} at {info.last_error_date}")
