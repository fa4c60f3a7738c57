"""A real PTB ``Application`` long-polling the emulator, end to end."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.emulator import BotAPIEmulator, EmulatedUser


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    assert update.message.text is not None
    await update.message.reply_text(f"echo: {update.message.text}")


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Ready", callback_data="ready")]])
    await update.message.reply_text("Ready to stretch?", reply_markup=keyboard)


async def ready(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Let's go")
    await query.edit_message_text("Stretching…")


def build(emulator: BotAPIEmulator) -> Application:  # type: ignore[type-arg]
    app = ApplicationBuilder().token(emulator.token).base_url(emulator.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(ready))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


async def test_application_long_polls_end_to_end(
    emulator: BotAPIEmulator, user: EmulatedUser
) -> None:
    """Polling, handlers, replies, a button press and its edit all work, and shut down cleanly."""
    app = build(emulator)
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0)
        await app.start()

        emulator.send_text(user, "hello")
        assert (await emulator.wait_for_message(user, "echo:")).text == "echo: hello"

        emulator.send_text(user, "/start")
        question = await emulator.wait_for_message(user, "Ready to stretch?")
        emulator.press_button(user, question, text="Ready")
        edit = await emulator.wait_for_edit(user, question.message_id, "Stretching")
        assert edit.reply_markup is None
        assert emulator.callback_answers[0].text == "Let's go"

        await app.updater.stop()
        await app.stop()
    assert emulator.pending_updates == []
    assert {r.method for r in emulator.requests} >= {"getMe", "deleteWebhook", "getUpdates"}
    assert all(r.status in (200, 409, 499) for r in emulator.requests)
