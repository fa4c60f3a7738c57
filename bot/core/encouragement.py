"""One concrete figure for the end of a routine: the hold that grew the most over the routine's
own timing (else the longest one held), from the session's own data."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.session import CueKind, GuidedSession, compile_script

__all__ = ["HoldFigure", "best_hold"]


@dataclass(frozen=True, slots=True)
class HoldFigure:
    """A side's time in position this session, by label ("Iliopsoas stretch · left")."""

    label: str
    seconds: float
    #: Seconds over the routine file's own timing (0: not grown, or unknown).
    gained: float


def best_hold(session: GuidedSession) -> HoldFigure | None:
    """The side held to its release this session whose hold grew the most (ties: the longest);
    None if no timed side was held through."""
    held = session.holds_used()
    if not held:
        return None
    base = {
        cue.label: cue.seconds
        for cue in compile_script(session.routine)
        if cue.kind is CueKind.RELEASE and cue.label
    }

    def gain(label: str) -> float:
        return max(0.0, held[label] - base.get(label, held[label]))

    label = max(held, key=lambda name: (gain(name), held[name]))
    return HoldFigure(label, held[label], gain(label))
