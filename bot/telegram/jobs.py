"""Session and countdown timers on the JobQueue, until the sessions feature moves them to the
Timers port (``bot.ports.Timers``, :class:`bot.telegram.timers.JobQueueTimers`), as reminders
already have.

Job names are predictable (``session:{chat_id}``, ``countdown:{chat_id}``) and an old job is
removed before a new one with the same name is added, as in PTB's timerbot example.

Every job is added with ``misfire_grace_time=None``: PTB keeps APScheduler's default of one
second, so a job that starts more than a second late (a busy loop, a slow disk) would be dropped
without a word. A timer that is late must be delayed, never lost.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import Job, JobQueue

from bot.telegram.context import BotContext

__all__ = [
    "JOB_KWARGS",
    "cancel_chat",
    "cancel_jobs",
    "countdown_job_name",
    "schedule_once",
    "schedule_repeating",
    "session_job_name",
]

#: Passed to APScheduler for every job: run however late, and only once if several runs piled
#: up. A job's successor has the same id (see _kwargs) and may start while the job is still
#: finishing (a session cue that schedules the next one, then awaits its send): APScheduler's
#: default of one running instance per id would silently skip it. Overlap is safe: session
#: timers check a generation under the chat's lock.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 3}

JobCallback = Callable[[BotContext], Coroutine[Any, Any, None]]


def session_job_name(chat_id: int) -> str:
    return f"session:{chat_id}"


def countdown_job_name(chat_id: int) -> str:
    return f"countdown:{chat_id}"


def _kwargs(name: str) -> dict[str, Any]:
    # The job's APScheduler id is its name: adding a job replaces the old one by id, and
    # cancelling looks it up by id, where PTB's get_jobs_by_name scans every job.
    return {**JOB_KWARGS, "id": name, "replace_existing": True}


def cancel_jobs(job_queue: JobQueue[BotContext], name: str) -> bool:
    """Remove the job with this name; True if there was one."""
    job = job_queue.scheduler.get_job(name)
    if job is None:
        return False
    job.remove()
    return True


def schedule_once(
    job_queue: JobQueue[BotContext],
    callback: JobCallback,
    delay: float,
    *,
    name: str,
    chat_id: int,
    data: object = None,
) -> Job[BotContext]:
    """Replace any job called ``name`` with one that runs ``callback`` in ``delay`` seconds."""
    return job_queue.run_once(
        callback, max(0.0, delay), name=name, chat_id=chat_id, data=data, job_kwargs=_kwargs(name)
    )


def schedule_repeating(
    job_queue: JobQueue[BotContext],
    callback: JobCallback,
    interval: float,
    *,
    name: str,
    chat_id: int,
) -> Job[BotContext]:
    """Replace any job called ``name`` with one that runs every ``interval`` seconds."""
    return job_queue.run_repeating(
        callback, interval, first=interval, name=name, chat_id=chat_id, job_kwargs=_kwargs(name)
    )


def cancel_chat(job_queue: JobQueue[BotContext], chat_id: int) -> None:
    """Remove the chat's session and countdown jobs (its reminders are the reminders
    feature's: ``services.reminders.cancel``)."""
    for name in (session_job_name, countdown_job_name):
        cancel_jobs(job_queue, name(chat_id))
