"""/language in words: which languages the bot speaks, by their own names, and what people type
to pick one ("de", "Deutsch", "german", "немецкий")."""

from __future__ import annotations

import functools
from html import escape

from babel import Locale

from bot.features import language_notes
from bot.telegram.render import Rendered, Renderers, i18n
from bot.telegram.render.i18n import _
from bot.telegram.render.words import b


def name(language: str, *, menu: bool = True) -> str:
    """A language by its own name: capitalised as a menu shows it ("Español"), or as a
    sentence has it (``menu=False``: "español", "русский", "Deutsch")."""
    own = Locale.parse(language).get_display_name(language) or language
    return own[:1].upper() + own[1:] if menu else own


@functools.cache
def _names() -> dict[str, str]:
    """Every shipped language's name in every shipped language, lower case → its code."""
    return {
        (Locale.parse(language).get_display_name(spoken) or language).casefold(): language
        for language in i18n.LANGUAGES
        for spoken in i18n.LANGUAGES
    }


def named(typed: str) -> str | None:
    """The shipped language ``typed`` names: a code ("de", "pt-BR" → None) or a name in any
    shipped language ("German", "deutsch", "alemán", "немецкий"); None if none."""
    text = typed.strip()
    code = i18n.supported(text) if len(text) <= 5 else None
    return code or _names().get(text.casefold())


def _choices() -> str:
    return "\n".join(f"/language {code} — {name(code)}" for code in i18n.LANGUAGES)


def language_now(note: language_notes.LanguageNow) -> str:
    current = name(i18n.pick(note.language, i18n.current()), menu=False)
    return _("I speak {language} here. To change it:").format(language=b(current)) + (
        "\n" + _choices()
    )


def language_set(note: language_notes.LanguageSet) -> str:
    with i18n.speaking(note.language):
        return _("Done ✅ From now on I speak {language} here.").format(
            language=b(name(note.language, menu=False))
        )


def language_unknown(note: language_notes.LanguageUnknown) -> str:
    return (
        _("I don't speak “{typed}” yet. I speak:").format(typed=escape(note.typed[:40]))
        + "\n"
        + _choices()
    )


RENDERERS: Renderers = {
    language_notes.LanguageNow: lambda n: Rendered(language_now(n)),
    language_notes.LanguageSet: lambda n: Rendered(language_set(n)),
    language_notes.LanguageUnknown: lambda n: Rendered(language_unknown(n)),
}
