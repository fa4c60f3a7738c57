"""The translation catalogs: every text of the bot and of the routines is translated in every
shipped language, keeps its placeholders and HTML tags, fits Telegram's limits, and is the
compiled catalog the bot loads (docs/languages.md)."""

from __future__ import annotations

import importlib.util
import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po
from babel.support import Translations

from bot.telegram.render import i18n

_SPEC = importlib.util.spec_from_file_location(
    "catalogs", Path(__file__).parents[2] / "tools" / "catalogs.py"
)
assert _SPEC is not None
assert _SPEC.loader is not None
catalogs = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(catalogs)

DOMAINS = ("messages", "content")
TRANSLATED = [language for language in i18n.LANGUAGES if language != i18n.DEFAULT]
#: Telegram's limit for one message's text.
MAX_MESSAGE = 4096
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _po(language: str, domain: str) -> Catalog:
    with (i18n.LOCALES / language / "LC_MESSAGES" / f"{domain}.po").open("rb") as file:
        return read_po(file, locale=language)


def _texts(message: Message) -> list[str]:
    """The source text, or its singular and plural."""
    return [message.id] if isinstance(message.id, str) else list(message.id)


def _translations(message: Message) -> list[str]:
    """The translation, or each of its plural forms."""
    string = message.string
    if string is None:
        return [""]
    return [string] if isinstance(string, str) else list(string)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_shipped_languages_are_the_catalogs_languages() -> None:
    """Every shipped language but English has a catalog folder, and nothing else does."""
    folders = {path.name for path in i18n.LOCALES.iterdir() if path.is_dir()}
    assert folders == set(TRANSLATED)
    assert tuple(TRANSLATED) == catalogs.TRANSLATED


@pytest.mark.parametrize("domain", DOMAINS)
def test_the_catalogs_hold_exactly_the_texts_of_the_source(domain: str, tmp_path: Path) -> None:
    """A text added or changed in the source without `make messages` fails here."""
    with catalogs.extract(domain, into=tmp_path).open("rb") as file:
        source = {message.id for message in read_po(file) if message.id}
    for language in TRANSLATED:
        kept = {message.id for message in _po(language, domain) if message.id}
        assert kept == source, f"{language}/{domain}.po is behind the source: run make messages"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated(language: str, domain: str) -> None:
    """No empty or fuzzy translation, and every plural form the language has is filled in."""
    catalog = _po(language, domain)
    assert catalog.num_plurals == get_plural(language).num_plurals
    missing = [
        _texts(message)[0]
        for message in catalog
        if message.id and (message.fuzzy or not all(_translations(message)))
    ]
    assert not missing, f"{len(missing)} untranslated in {language}/{domain}.po: {missing[:3]}"


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_placeholders_and_tags(language: str, domain: str) -> None:
    """A translation has the source's {placeholders} and the same HTML tags in the same order,
    so formatting cannot fail and Telegram cannot refuse the HTML; and it fits a message."""
    for message in _po(language, domain):
        if not message.id:
            continue
        source = _texts(message)
        for translated in _translations(message):
            assert _fields(translated) <= set().union(*map(_fields, source)), translated
            assert _fields(source[-1]) - {"count"} <= _fields(translated), translated
            assert _TAG.findall(translated) == _TAG.findall(source[0]), translated
            assert len(translated) <= MAX_MESSAGE


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("language", TRANSLATED)
def test_the_bot_loads_the_compiled_catalogs(language: str, domain: str) -> None:
    """`make catalogs` compiled every .po, and the compiled one is not older than its source."""
    folder = i18n.LOCALES / language / "LC_MESSAGES"
    compiled = folder / f"{domain}.mo"
    assert compiled.exists(), "run make catalogs"
    assert compiled.stat().st_mtime >= (folder / f"{domain}.po").stat().st_mtime
    assert isinstance(i18n.catalog(language, domain), Translations)
