"""A chat's own routine, sent as a TOML file (a physio's, say): limits and validation.

The file is data: parsed by ``tomllib`` and the same loader as ``content/``, never executed.
It is kept as sent on the chat's settings and validated again whenever it is read, so a
stricter loader later cannot let an old upload through unchecked.
"""

from __future__ import annotations

from bot.core.chat import Chat
from bot.core.loader import parse_routine
from bot.core.parsing import quoted
from bot.core.routines import ContentError, Routine, RoutineBook

__all__ = [
    "MAX_BYTES",
    "MAX_STEPS",
    "UploadError",
    "available",
    "chat_routine",
    "own_routine",
    "validate_upload",
]

#: Bigger than any sensible routine (back.toml is 3.5 KB), small enough to keep in storage.
MAX_BYTES = 64 * 1024
#: Steps in the whole routine, both sides counted once: a session stays under an hour or so.
MAX_STEPS = 60


class UploadError(ValueError):
    """An upload that cannot become the chat's routine; ``problems`` says every reason."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def validate_upload(data: bytes, filename: str, shared_ids: set[str]) -> Routine:
    """The routine in an uploaded file, or UploadError listing every problem (each names the
    file, shortened: Telegram allows file names far longer than a reply can repeat)."""
    where = quoted(filename)
    if len(data) > MAX_BYTES:
        raise UploadError(f"{where}: the file is larger than {MAX_BYTES // 1024} KB")
    try:
        routine = parse_routine(data, where)
    except ContentError as exc:
        raise UploadError(*exc.problems) from exc
    problems = []
    steps = sum(len(exercise.steps) for exercise in routine.exercises)
    if steps > MAX_STEPS:
        problems.append(f"{where}: {steps} steps, at most {MAX_STEPS} are allowed")
    if routine.id in shared_ids:
        problems.append(f"{where}: id {routine.id!r} is taken by a built-in routine")
    if problems:
        raise UploadError(*problems)
    return routine


def own_routine(subscriber: Chat) -> Routine | None:
    """The chat's own routine, if it has one that (still) validates."""
    if not subscriber.coaching.own_routine:
        return None
    try:
        return parse_routine(subscriber.coaching.own_routine.encode(), "your routine")
    except ContentError:
        return None


def available(routines: RoutineBook, subscriber: Chat | None) -> dict[str, Routine]:
    """The routines this chat may use: the shared ones, then its own (visible to it alone)."""
    mine = own_routine(subscriber) if subscriber else None
    return {**routines, **({mine.id: mine} if mine else {})}


def chat_routine(routines: RoutineBook, subscriber: Chat) -> Routine:
    """The routine the chat picked (its own, if it picked that), else the default."""
    mine = own_routine(subscriber)
    if mine is not None and subscriber.coaching.routine_id == mine.id:
        return mine
    return routines.choose(subscriber.coaching.routine_id)
