"""Which language is spoken: Telegram's language codes, the context it is set in, names."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.render import i18n
from bot.telegram.render import language as language_text


@pytest.mark.parametrize(
    ("code", "language"),
    [("de", "de"), ("de-AT", "de"), ("ES", "es"), ("ru_RU", "ru"), ("pt-br", None), ("", None)],
)
def test_a_telegram_language_code_maps_to_a_shipped_language(
    code: str, language: str | None
) -> None:
    """Regional variants speak their language; one the bot lacks is None."""
    assert i18n.supported(code) == language


def test_pick_takes_the_first_shipped_language_else_english() -> None:
    """A chat's own choice comes before its user's app; nothing usable is English."""
    assert i18n.pick(None, "es") == "es"
    assert i18n.pick("ru", "es") == "ru"
    assert i18n.pick("fr", None) == "en"


def test_speaking_nests_and_ends() -> None:
    """The language is back to what it was when the block ends."""
    assert i18n.current() == "en"
    with i18n.speaking("de"):
        assert i18n._("Start a routine now") == "Jetzt eine Übungsfolge starten"
        with i18n.speaking("ru"):
            assert i18n.current() == "ru"
        assert i18n.current() == "de"
    assert i18n._("Start a routine now") == "Start a routine now"


async def test_each_task_speaks_its_own_language() -> None:
    """Two updates answered at once do not hear each other's language."""

    async def answer(language: str) -> str:
        i18n.use(language)
        await asyncio.sleep(0)
        return i18n._("End a pause")

    assert list(await asyncio.gather(answer("de"), answer("es"))) == [
        "Eine Pause beenden",
        "Terminar una pausa",
    ]


def test_content_is_translated_by_its_own_catalog() -> None:
    """A routine's step is looked up in the content catalog; an unknown text stays itself."""
    with i18n.speaking("es"):
        assert i18n.translate_content("Keep your spine upright.") == "Mantén la columna erguida."
        assert i18n.translate_content("A step nobody translated.") == "A step nobody translated."


@pytest.mark.parametrize(
    ("typed", "language"),
    [("Deutsch", "de"), ("spanish", "es"), ("РУССКИЙ", "ru"), ("inglés", "en"), ("fr", None)],
)
def test_a_language_is_known_by_its_name_in_every_shipped_language(
    typed: str, language: str | None
) -> None:
    """/language takes names as people type them, in any shipped language."""
    assert language_text.named(typed) == language


def test_a_language_is_shown_by_its_own_name() -> None:
    assert [language_text.name(code) for code in i18n.LANGUAGES] == [
        "English",
        "Deutsch",
        "Español",
        "Русский",
    ]
