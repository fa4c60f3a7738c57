"""Issue 15's languages through the emulator: the chat's language comes from Telegram, /language
changes it, and the command menu is published in every shipped language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_skeleton

from bot.emulator import BotAPIEmulator
from bot.emulator.models import EmulatedUser
from bot.telegram.render import i18n
from tests.e2e.conftest import Bot, BotFactory
from tests.e2e.english import english_in


@pytest.fixture
def user(emulator: BotAPIEmulator) -> EmulatedUser:
    """A user whose Telegram app is in German."""
    return emulator.add_user("Lena", language_code="de")


async def test_the_command_menu_is_published_in_every_language(bot: Bot) -> None:
    """setMyCommands once per shipped language (and English as the default for the others)."""
    menus = {code: bot.emulator.commands_for(language_code=code) for code in i18n.LANGUAGES}
    default = {c["command"]: c["description"] for c in bot.emulator.commands_for()}
    assert default["go"] == "Start a routine now"
    assert menus["en"] == []  # English is the default menu, not a language_code of its own
    described = {code: {c["command"]: c["description"] for c in menus[code]} for code in menus}
    assert described["de"]["go"] == "Jetzt eine Übungsfolge starten"
    assert described["es"]["go"] == "Empezar una rutina ahora"
    assert described["ru"]["go"] == "Начать комплекс сейчас"
    assert all(set(described[code]) == set(default) for code in ("de", "es", "ru"))


async def test_a_new_chat_speaks_its_users_telegram_language(bot: Bot) -> None:
    """/start from a German Telegram app stores German as the chat's language."""
    await bot.ask("/start", "")
    reply = await bot.ask("/language", "Hier spreche ich")
    assert "Hier spreche ich Deutsch" in reply.text


async def test_language_changes_it_and_a_restart_keeps_it(start_bot: BotFactory) -> None:
    """/language es answers in Spanish, and the chat stays Spanish after a restart."""
    async with start_bot() as bot:
        await bot.ask("/start", "")
        await bot.ask("/language es", "A partir de ahora hablo español")
    async with start_bot() as bot:
        await bot.ask("/language", "Aquí hablo español")


@pytest.mark.parametrize("typed", ["Deutsch", "german", "немецкий", "alemán", "DE", "de-AT"])
async def test_a_language_can_be_named_in_any_shipped_language(bot: Bot, typed: str) -> None:
    """A code or a name in any shipped language picks the language."""
    await bot.ask("/start", "")
    await bot.ask("/language ru", "Теперь я говорю")
    await bot.ask(f"/language {typed}", "Ab jetzt spreche ich hier Deutsch")


async def test_a_language_the_bot_does_not_speak_changes_nothing(bot: Bot) -> None:
    """/language klingon says which languages there are, and the chat keeps its own."""
    await bot.ask("/start", "")
    reply = await bot.ask("/language <klingon>", "spreche ich noch nicht")
    assert "„<klingon>“" in reply.text
    assert "/language es — Español" in reply.text
    await bot.ask("/language", "Hier spreche ich Deutsch")


async def test_a_german_user_hears_no_english_through_a_whole_session(bot: Bot) -> None:
    """From /start to the end of a guided session with its pain check and feedback, then
    /settings and /stats: every message, edit, button and toast is German (scanned against
    the English catalogs)."""
    await bot.ask("/start", "")
    await bot.ask("/timezone Europe/Berlin", "")
    question = await bot.ask("start quick", "0–10")
    bot.emulator.press_button(bot.user, question, text="2")
    await bot.expect("Gut gemacht", timeout=30)
    after = await bot.expect("0–10")
    bot.emulator.press_button(bot.user, after, text="1")
    await bot.ask("/settings", "")
    await bot.ask("/stats", "")
    await bot.ask("/help", "")
    found = english_in(bot.emulator, bot.user.id, "de")
    assert found == [], found[:5]


async def test_a_group_speaks_its_own_language(bot: Bot) -> None:
    """A group speaks its starter's language, whoever writes; only its admins change it."""
    emulator, admin = bot.emulator, bot.user
    member = emulator.add_user("Sam", language_code="es")
    group = emulator.add_group("Büro", members=[admin, member], admins=[admin])
    emulator.send_text(group, "/start", from_user=admin)
    await emulator.wait_for_message(group, "")
    emulator.send_text(group, "/language", from_user=member)
    await emulator.wait_for_message(group, "Hier spreche ich Deutsch")
    emulator.send_text(group, "/language es", from_user=member)
    await emulator.wait_for_message(group, "Nur die Admins")
    emulator.send_text(group, "/language es", from_user=admin)
    await emulator.wait_for_message(group, "A partir de ahora hablo español")


async def test_language_switches_in_the_middle_of_a_session(bot: Bot) -> None:
    """/language es during a German session: the next cues come in Spanish."""
    await bot.ask("/start", "")
    await bot.ask("/pain off", "")
    await bot.ask("start quick", "Übungen")
    await bot.expect("halten", timeout=10)
    await bot.ask("/language es", "A partir de ahora hablo español")
    await bot.expect("Suelta", timeout=20)
    await bot.expect("Bien hecho", timeout=30)


async def test_the_settings_button_changes_the_language(bot: Bot) -> None:
    """/settings' language button lists the languages by their own names; picking one saves
    it and shows the settings again in that language."""
    await bot.ask("/start", "")
    screen = await bot.ask("/settings", "Einstellungen")
    bot.emulator.press_button(bot.user, screen, text="🌐 Deutsch")
    picker = await bot.emulator.wait_for_edit(bot.user, screen.message_id, "Welche Sprache")
    assert picker.reply_markup is not None
    labels = [button["text"] for button in picker.reply_markup["inline_keyboard"][0]]
    assert labels == ["English", "✓ Deutsch", "Español", "Русский"]
    bot.emulator.press_button(bot.user, screen, text="Español")
    await bot.emulator.wait_for_edit(bot.user, screen.message_id, "Ajustes")
    await bot.ask("/language", "Aquí hablo español")


async def test_settings_and_stats_write_dates_as_the_language_does(bot: Bot) -> None:
    """A German pause ends on "Do., 3. Dez." (Babel's German), in the reply, /settings and
    /stats' text; no English weekday or month."""
    await bot.ask("/start", "")
    await bot.ask("/timezone Europe/Berlin", "")
    today = bot.clock.now().astimezone(ZoneInfo("Europe/Berlin")).date()
    until = format_skeleton("MMMEd", today + dt.timedelta(days=3), locale="de_DE")
    reply = await bot.ask("/pause 3", "pausiert")
    assert until in reply.text
    screen = await bot.ask("/settings", "Einstellungen")
    assert until in screen.text
    stats = await bot.ask("/stats", "")
    english = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Dec", "Nov")
    assert not [word for word in english if f" {word} " in stats.text], stats.text
