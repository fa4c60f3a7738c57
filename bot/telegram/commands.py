"""The command menu Telegram shows under "/": one list per shipped language, by
``language_code`` (Telegram picks the one matching each user's app), English by default."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand
from telegram.ext import ExtBot

from bot.telegram.render import account as account_text
from bot.telegram.render import i18n


async def publish(bot: ExtBot[Any]) -> None:
    """Set the menu in every language: the default (no ``language_code``) is English, for the
    apps in a language the bot does not speak. Every language's texts are loaded first."""
    i18n.warm()
    for language in i18n.LANGUAGES:
        with i18n.speaking(language):
            menu = [BotCommand(name, description) for name, description in account_text.commands()]
        code = None if language == i18n.DEFAULT else language
        await bot.set_my_commands(menu, language_code=code)
