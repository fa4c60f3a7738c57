"""Which language a text is said in, and the gettext catalogs that say it (managed by Babel).

The language is a context variable, as Django's ``translation.override`` and aiogram's i18n
middleware do it: it is set once per update (``bot.telegram.handlers.guard``) and once per
message the outbox sends, so every render function stays a plain function of its note:
``_("Done ✅")``. An unset language is English, the source language of every text.

Catalogs live in ``bot/locales/<language>/LC_MESSAGES/<domain>.po`` and are compiled to ``.mo``
by ``make catalogs`` (the Makefile's install step runs it); how to add a language is in
``docs/languages.md``. Two domains: ``messages`` (the bot's own texts, extracted from
``bot/telegram/render``) and ``content`` (the routines' texts, extracted from ``content/``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gettext
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from pathlib import Path
from typing import TypeVar

from babel import Locale
from babel.dates import format_skeleton
from babel.lists import format_list
from babel.numbers import format_decimal
from babel.support import Translations

__all__ = [
    "DEFAULT",
    "LANGUAGES",
    "N_",
    "_",
    "current",
    "in_every_language",
    "locale",
    "ngettext",
    "pgettext",
    "pick",
    "speaking",
    "supported",
    "translate_content",
    "use",
    "warm",
]

_LOGGER = logging.getLogger(__name__)

#: Where the catalogs are: ``bot/locales``.
LOCALES = Path(__file__).resolve().parents[2] / "locales"

#: The shipped languages, English first: the source every catalog translates.
LANGUAGES = ("en", "de", "es", "ru")
DEFAULT = "en"

#: Babel's locale per language, for dates, weekdays and numbers. English is British English:
#: 24-hour times and "Tue 1 Dec", as the bot has always written them.
_LOCALES = {"en": "en_GB", "de": "de_DE", "es": "es_ES", "ru": "ru_RU"}

_T = TypeVar("_T")

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


def supported(code: str | None) -> str | None:
    """The shipped language a Telegram ``language_code`` ("de", "de-AT", "pt-br") or a typed
    name means; None if none of them."""
    if not code:
        return None
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return base if base in LANGUAGES else None


def pick(*codes: str | None) -> str:
    """The first of ``codes`` that is a shipped language (a chat's own choice, then its user's
    Telegram language), else English."""
    for code in codes:
        language = supported(code)
        if language is not None:
            return language
    return DEFAULT


def in_every_language(say: Callable[[], _T]) -> list[_T]:
    """What ``say`` says in each shipped language, in :data:`LANGUAGES` order: for the words
    people may type in any of them (session words, "it hurts", "meeting")."""
    said = []
    for language in LANGUAGES:
        with speaking(language):
            said.append(say())
    return said


def current() -> str:
    """The language being spoken now."""
    return _current.get()


def use(language: str | None) -> str:
    """Speak ``language`` from now on in this task (an update's handlers, set by its first
    guard); elsewhere, prefer :func:`speaking`, which ends."""
    _current.set(pick(language))
    return _current.get()


@contextlib.contextmanager
def speaking(language: str | None) -> Iterator[str]:
    """Say everything inside in ``language`` (a shipped one; anything else is English)."""
    token = _current.set(pick(language))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


@functools.cache
def catalog(language: str, domain: str = "messages") -> gettext.NullTranslations:
    """The compiled catalog of one language and domain; English, or one not compiled yet, is
    the source text itself (and says so once in the log)."""
    if language == DEFAULT:
        return gettext.NullTranslations()
    translations = Translations.load(LOCALES, [language], domain)
    if not isinstance(translations, Translations):
        _LOGGER.warning(
            "No compiled %s catalog for %r in %s: run `make catalogs`", domain, language, LOCALES
        )
    return translations


def _(message: str) -> str:
    """``message`` in the current language."""
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form for ``count`` in the current language (Russian has three): the catalog picks
    it, never an ``if count == 1``. The result still has its ``{count}`` placeholder."""
    return catalog(_current.get()).ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    """``message`` in the current language, where the same English may need different words
    in other languages (a session word, not a sentence)."""
    return catalog(_current.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Mark a text for extraction where it is defined and translate it where it is used
    (with :func:`_`): for names kept in tables, such as the days of the week."""
    return message


def translate_content(text: str) -> str:
    """A routine's text (a title, a step, a note) in the current language: the content files
    are English, the source of truth; their translations are the ``content`` catalogs."""
    return catalog(_current.get(), "content").gettext(text) if text else text


def locale() -> Locale:
    """Babel's locale for the current language: how dates, weekdays and numbers are written."""
    return _locale(_current.get())


def warm() -> None:
    """Load every shipped language's catalogs and Babel's locale data now, at start-up: the
    first number, date or list a language writes otherwise costs 20-60 ms of loading, which
    would make the first hold of a session start late by that much."""
    for language in LANGUAGES:
        catalog(language)
        catalog(language, "content")
        loaded = _locale(language)
        format_decimal(1.5, locale=loaded)
        format_skeleton("MMMEd", dt.date(2026, 12, 1), locale=loaded)
        format_list(["a", "b", "c"], locale=loaded)


@functools.cache
def _locale(language: str) -> Locale:
    return Locale.parse(_LOCALES[language])
