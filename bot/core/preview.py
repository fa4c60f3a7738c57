"""A routine at a glance before it starts: its exercises in order, each with its time, and the
total, from the compiled script (so adapted holds, reading pauses and both sides count)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.session import Cue, CueKind, script_seconds

__all__ = ["Preview", "PreviewItem", "preview"]


@dataclass(frozen=True, slots=True)
class PreviewItem:
    """One exercise: its title, how many sides, and its seconds at normal speed (all sides)."""

    title: str
    sides: int
    seconds: float


@dataclass(frozen=True, slots=True)
class Preview:
    exercises: tuple[PreviewItem, ...]
    #: The whole session at normal speed, the intro included.
    seconds: float


def preview(script: tuple[Cue, ...]) -> Preview:
    """The exercises of ``script`` in order, with their time, and the session's total."""
    titles: dict[int, str] = {}
    sides: dict[int, int] = {}
    seconds: dict[int, float] = {}
    for cue in script:
        if cue.exercise < 0:
            continue
        if cue.kind is CueKind.TITLE:
            titles.setdefault(cue.exercise, cue.words)
            sides[cue.exercise] = sides.get(cue.exercise, 0) + 1
        seconds[cue.exercise] = seconds.get(cue.exercise, 0.0) + cue.wait
    items = tuple(
        PreviewItem(titles.get(index, ""), sides.get(index, 1), seconds[index])
        for index in sorted(seconds)
    )
    return Preview(items, script_seconds(script))
