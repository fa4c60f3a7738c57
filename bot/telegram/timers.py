"""The :class:`~bot.ports.Timers` port over PTB's JobQueue (APScheduler).

Timers are batched: **one job per kind and instant** (``reminder:2026-11-25T08:00:00.000000Z``)
carries every timer of that kind due then, and indexes (name → batch, chat → names) replace or
cancel one timer in O(1) and find one chat's in O(its timers). With one job per timer, 100 000
subscribers' reminders meant 200 000 APScheduler jobs and a 20 s start-up (adding a job costs
more the more there are); reminders cluster on whole quarter hours, so batches number in the
hundreds. A batch that fires runs each timer's handler as its own task, yielding between them,
so 10 000 reminders due together never hold up a session's cue.

Every job is added with ``misfire_grace_time=None``: PTB keeps APScheduler's default of one
second, so a job that starts more than a second late (a busy loop, a slow disk) would be dropped
without a word. A timer that is late must be delayed, never lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import JobQueue

from bot.ports import Clock, Timer, TimerHandler

__all__ = ["JOB_KWARGS", "JobQueueTimers"]

_LOGGER = logging.getLogger(__name__)

#: Passed to APScheduler for every job: run however late, and only once if several runs piled
#: up. A batch's successor may share its id while it still runs: overlap is safe, every
#: handler checks what it is still meant to do.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 3}

#: Reports a handler's exception to the application's error handler.
ErrorReporter = Callable[[Timer, Exception], Coroutine[Any, Any, None]]


@functools.lru_cache(maxsize=4096)  # a start-up names a few hundred instants 200 000 times
def _batch_name(kind: str, at: dt.datetime) -> str:
    return f"{kind}:{at.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%S.%f}Z"


class JobQueueTimers:
    """Timers in one JobQueue: a batch job per kind and instant, handlers by kind."""

    def __init__(
        self, job_queue: JobQueue[Any], clock: Clock, on_error: ErrorReporter | None = None
    ) -> None:
        self._jobs = job_queue
        self._clock = clock
        self._on_error = on_error
        self._handlers: dict[str, TimerHandler] = {}
        #: Batch job name → the timers due at that instant, by timer name.
        self._batches: dict[str, dict[str, Timer]] = {}
        #: Timer name → its batch job name.
        self._where: dict[str, str] = {}
        #: Chat → the names of its timers.
        self._by_chat: dict[int, set[str]] = {}

    def on(self, kind: str, handler: TimerHandler) -> None:
        self._handlers[kind] = handler

    async def set(self, timer: Timer) -> None:
        self._cancel(timer.name)
        batch_name = _batch_name(timer.kind, timer.due)
        batch = self._batches.get(batch_name)
        if batch is None:
            batch = self._batches[batch_name] = {}
            delay = self._clock.seconds_until(timer.due)
            self._jobs.run_once(
                self._fire,
                delay,
                name=batch_name,
                data=batch_name,
                job_kwargs={**JOB_KWARGS, "id": batch_name, "replace_existing": True},
            )
        batch[timer.name] = timer
        self._where[timer.name] = batch_name
        names = self._by_chat.get(timer.chat_id)
        if names is None:
            names = self._by_chat[timer.chat_id] = set()
        names.add(timer.name)

    async def cancel(self, name: str) -> None:
        self._cancel(name)

    def _cancel(self, name: str) -> None:
        batch_name = self._where.pop(name, None)
        if batch_name is None:
            return
        batch = self._batches.get(batch_name)
        if batch is None:
            return
        timer = batch.pop(name, None)
        if timer is not None:
            self._forget(timer)
        if not batch:  # nothing left at that instant: no job
            del self._batches[batch_name]
            job = self._jobs.scheduler.get_job(batch_name)
            if job is not None:
                job.remove()

    async def pending(self, chat_id: int | None = None) -> list[Timer]:
        return self.snapshot(chat_id)

    def snapshot(self, chat_id: int | None = None) -> list[Timer]:
        """:meth:`pending`, without a loop: for tests that look from a synchronous probe."""
        if chat_id is None:
            found = [timer for batch in self._batches.values() for timer in batch.values()]
        else:
            names = self._by_chat.get(chat_id, ())
            found = [self._batches[self._where[name]][name] for name in names]
        return sorted(found, key=lambda timer: (timer.due, timer.name))

    def _forget(self, timer: Timer) -> None:
        """Take a timer that fired or was cancelled out of its chat's names."""
        names = self._by_chat.get(timer.chat_id)
        if names is not None:
            names.discard(timer.name)
            if not names:
                del self._by_chat[timer.chat_id]

    async def _fire(self, context: Any) -> None:
        """Job callback: every timer due at this instant, each as its own task."""
        job = getattr(context, "job", None)
        batch_name = job.data if job is not None else None
        batch = self._batches.pop(batch_name, None) if isinstance(batch_name, str) else None
        if not batch:
            return
        due = list(batch.values())
        for timer in due:
            if self._where.get(timer.name) == batch_name:
                del self._where[timer.name]
                self._forget(timer)
        tasks = []
        for timer in due:
            tasks.append(asyncio.ensure_future(self._run(timer)))
            # A handler may write to the store before its first await: yielding here lets
            # sessions and commands run between them instead of after 10 000 of them.
            await asyncio.sleep(0)
        await asyncio.gather(*tasks)

    async def _run(self, timer: Timer) -> None:
        handler = self._handlers.get(timer.kind)
        if handler is None:
            _LOGGER.error("No handler for timer %s (kind %s)", timer.name, timer.kind)
            return
        try:
            await handler(timer)
        except Exception as exc:  # one chat's failure goes to the error handler, not the others
            if self._on_error is None:
                raise
            await self._on_error(timer, exc)
