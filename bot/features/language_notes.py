"""What /language answers (:meth:`bot.features.account.Account.language`), as data."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ports import Note

__all__ = ["LanguageNow", "LanguageSet", "LanguageUnknown"]


@dataclass(frozen=True, slots=True)
class LanguageNow(Note):
    """/language alone: the one spoken here, and the others."""

    language: str


@dataclass(frozen=True, slots=True)
class LanguageSet(Note):
    """The chat's language changed (said in the new one)."""

    language: str


@dataclass(frozen=True, slots=True)
class LanguageUnknown(Note):
    """/language with something that is not a language the bot speaks."""

    typed: str
