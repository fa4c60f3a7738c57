"""What a pain answer asks of the bot: pure rules, no Telegram.

The thresholds follow the pain-monitoring ("traffic light") model physiotherapists give people
doing exercise at home for back pain: 0–2 is fine; 3–5 is acceptable if it settles soon after,
so go gently; 6 or more means stop and seek advice rather than exercise through it. Pain that
rises during exercise and has not settled afterwards is the other warning sign, and pain that
stays high session after session is a reason to see a practitioner, not to keep stretching.

Every threshold is here, once, so changing the advice means changing this module only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "GENTLY_FROM",
    "PERSISTENT_SESSIONS",
    "RISE",
    "STOP_FROM",
    "After",
    "Answers",
    "Before",
    "after_session",
    "before_session",
    "persistently_high",
]

#: 3–5 of 10: acceptable if it settles, so go gently (the traffic light's amber).
GENTLY_FROM = 3
#: 6–10 of 10: too much to stretch with; pause and offer to stop (the traffic light's red).
STOP_FROM = 6
#: A rise of this much from before a session to after it is worth a note: about 2 points on
#: the 0–10 scale is the smallest change studies find people with back pain feel as real.
RISE = 2
#: This many answers before sessions in a row at STOP_FROM or more: see a practitioner.
PERSISTENT_SESSIONS = 3


class Before(StrEnum):
    """What an answer before a session calls for."""

    FINE = "fine"
    GENTLY = "gently"
    #: Pause the routine and ask: continue gently, or stop for today.
    STOP = "stop"


class After(StrEnum):
    """What an answer after a session calls for."""

    FINE = "fine"
    #: Worse than before by RISE or more.
    ROSE = "rose"
    #: Not a rise, but high: the safety note.
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class Answers:
    """One session's pain answers, and the answers before earlier sessions (oldest first;
    sessions without one left out)."""

    before: int | None
    after: int | None
    earlier: tuple[int, ...] = ()


def before_session(score: int) -> Before:
    if score >= STOP_FROM:
        return Before.STOP
    if score >= GENTLY_FROM:
        return Before.GENTLY
    return Before.FINE


def after_session(before: int | None, after: int) -> After:
    if before is not None and after - before >= RISE:
        return After.ROSE
    if after >= STOP_FROM:
        return After.HIGH
    return After.FINE


def persistently_high(answers: Sequence[int]) -> bool:
    """Whether the last PERSISTENT_SESSIONS answers before sessions (oldest first; sessions
    without an answer left out) were all high."""
    recent = answers[-PERSISTENT_SESSIONS:]
    return len(recent) == PERSISTENT_SESSIONS and all(score >= STOP_FROM for score in recent)
