"""The words a chart shows, passed in from the render layer (``bot.telegram.render``) so the
picture is drawn in the reader's language; a plain dataclass, so it travels to the worker
process. No chart is cached, so nothing else needs keying by language."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ChartWords"]


@dataclass(frozen=True, slots=True)
class ChartWords:
    """Every word the picture shows, in the reader's language (from the render layer)."""

    #: The panels' titles, top to bottom.
    sessions: str
    holds: str
    pain: str
    #: Legend entries.
    before: str
    after: str
    #: A side's name in the legend, by the side word in the data ("left" → "left").
    sides: tuple[tuple[str, str], ...] = ()
    #: The legend entry for one-sided exercises.
    unsided: str = ""
    #: Babel's locale for the date ticks ("3 Nov", "3. Nov.", "3 нояб."); without one "3.11".
    locale: str = ""

    def side(self, word: str) -> str:
        return dict(self.sides).get(word, word) if word else self.unsided
