"""Fault injection: make the emulated Telegram fail the way the real one sometimes does.

A test arms faults on ``emulator.faults``; each matching call (by method, by chat, or both)
consumes one and fails instead of being answered::

    emulator.faults.add("502", method="sendMessage", chat_id=user.id, times=2)
    emulator.faults.add("429", method="sendMessage", retry_after=1)
    emulator.faults.add("reset", method="sendMessage")     # connection closed, no response
    emulator.faults.add("timeout", method="sendMessage", hold=6.0)   # longer than the client

A ``timeout`` with ``processed=True`` carries the call out first and then holds the response:
the send reached Telegram but the answer was lost, the case no client can tell apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, get_args

__all__ = ["Fault", "FaultKind", "Faults"]

FaultKind = Literal["400", "500", "502", "429", "403", "reset", "timeout"]
KINDS: frozenset[str] = frozenset(get_args(FaultKind))


@dataclass
class Fault:
    """One armed fault; ``hits`` counts the calls it failed, ``times`` how many it may."""

    kind: FaultKind
    method: str | None = None
    chat_id: int | None = None
    #: How many calls fail; None: every matching call until ``Faults.clear()``.
    times: int | None = 1
    retry_after: int = 1
    #: Seconds a ``timeout`` holds the response (more than the client's read timeout).
    hold: float = 10.0
    processed: bool = False
    hits: int = 0
    #: Calls a processed ``timeout`` has finally answered (after ``hold``, if the client waited).
    answered: int = 0

    @property
    def spent(self) -> bool:
        return self.times is not None and self.hits >= self.times

    def matches(self, method: str, params: dict[str, Any]) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or params.get("chat_id") == self.chat_id


class Faults:
    """The faults armed on one emulator, consumed in the order they were added."""

    def __init__(self) -> None:
        self._armed: list[Fault] = []
        self.fired: list[tuple[str, Fault]] = []

    def add(
        self,
        kind: FaultKind,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        times: int | None = 1,
        retry_after: int = 1,
        hold: float = 10.0,
        processed: bool = False,
    ) -> Fault:
        """Arm a fault for calls of ``method`` (any if None) to ``chat_id`` (any if None)."""
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(KINDS)}")
        if times is not None and times < 1:
            raise ValueError("times must be at least 1 (or None for 'until cleared')")
        fault = Fault(kind, method, chat_id, times, retry_after, hold, processed)
        self._armed.append(fault)
        return fault

    def clear(self) -> None:
        """Disarm everything; what already fired stays in ``fired``."""
        self._armed.clear()

    @property
    def armed(self) -> list[Fault]:
        return [fault for fault in self._armed if not fault.spent]

    def take(self, method: str, params: dict[str, Any]) -> Fault | None:
        """The first live fault matching this call, counted as fired."""
        for fault in self._armed:
            if not fault.spent and fault.matches(method, params):
                fault.hits += 1
                self.fired.append((method, fault))
                return fault
        return None
