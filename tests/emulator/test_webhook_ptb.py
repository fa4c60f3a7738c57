"""Real PTB Applications receiving updates by webhook, several behind the test load balancer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

from aiohttp import web
from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.emulator import SECRET_TOKEN_HEADER, BotAPIEmulator, EmulatedUser

SECRET = "only-telegram-knows"
PUBLIC_URL = "https://stretch.example.com/telegram"


class BotInstance:
    """One bot process: a PTB Application without updater, fed by its own aiohttp webhook
    endpoint that checks the secret header (the pattern for a custom webhook server)."""

    def __init__(self, name: str, app: Application) -> None:  # type: ignore[type-arg]
        self.name = name
        self.app = app
        self.url = ""
        self.updates = 0

    async def receive(self, request: web.Request) -> web.Response:
        if request.headers.get(SECRET_TOKEN_HEADER) != SECRET:
            return web.Response(status=403)
        update = Update.de_json(await request.json(), self.app.bot)
        self.updates += 1
        await self.app.update_queue.put(update)
        return web.Response()


@asynccontextmanager
async def bot_instance(emulator: BotAPIEmulator, name: str) -> AsyncIterator[BotInstance]:
    app = (
        ApplicationBuilder().token(emulator.token).base_url(emulator.base_url).updater(None)
    ).build()
    instance = BotInstance(name, app)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(f"{name}: {update.message.text}")

    app.add_handler(MessageHandler(filters.TEXT, echo))
    server = web.Application()
    server.router.add_post("/telegram", instance.receive)
    runner = web.AppRunner(server, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    instance.url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    try:
        async with app:
            await app.start()
            yield instance
            await app.stop()
    finally:
        await runner.cleanup()


async def test_two_applications_behind_the_balancer(
    emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Updates alternate between two instances, each answers; with one taken out the other
    answers everything, and no update is lost or answered twice."""
    async with AsyncExitStack() as stack:
        one = await stack.enter_async_context(bot_instance(emulator, "one"))
        two = await stack.enter_async_context(bot_instance(emulator, "two"))
        emulator.balance(PUBLIC_URL, [one.url, two.url])
        assert await one.app.bot.set_webhook(PUBLIC_URL, secret_token=SECRET)

        for n in range(4):
            emulator.send_text(user, f"m{n}")
            await emulator.wait_for_message(user, f": m{n}")
        assert (one.updates, two.updates) == (2, 2)

        emulator.take_out(two.url)
        for n in range(4, 8):
            emulator.send_text(user, f"m{n}")
            assert (await emulator.wait_for_message(user, f": m{n}")).text == f"one: m{n}"
        assert (one.updates, two.updates) == (6, 2)
        assert len(emulator.messages(user)) == 8
        assert emulator.pending_updates == []
        assert await one.app.bot.delete_webhook()


async def test_a_wrong_secret_is_refused_and_redelivered(
    emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """An instance answering 403 (secret mismatch) gets the update again once fixed."""
    async with bot_instance(emulator, "solo") as solo:
        assert await solo.app.bot.set_webhook(solo.url, secret_token="not-the-one")
        emulator.send_text(user, "hello")
        refused = await emulator.wait_for_delivery(accepted=False)
        assert refused.error == "Wrong response from the webhook: 403 Forbidden"
        assert await solo.app.bot.set_webhook(solo.url, secret_token=SECRET)
        assert (await emulator.wait_for_message(user, "hello")).text == "solo: hello"
