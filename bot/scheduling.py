"""The only module that talks to the JobQueue: reminder jobs and session timers.

Job names are predictable (``reminder:{chat_id}:{HHMM}``, ``session:{chat_id}``) and an old job
is removed before a new one with the same name is added, as in PTB's timerbot example.

Every job is added with ``misfire_grace_time=None``: PTB keeps APScheduler's default of one
second, so a job that starts more than a second late (a busy loop, a slow disk) would be dropped
without a word. A reminder that is late must be delayed, never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from telegram.ext import Job, JobQueue

from bot.context import BotContext
from bot.parsing import format_time
from bot.reminders import Occurrence, next_occurrence, previous_occurrence
from bot.storage import Subscriber

__all__ = [
    "JOB_KWARGS",
    "ReminderJob",
    "cancel_chat",
    "cancel_jobs",
    "cancel_reminders",
    "countdown_job_name",
    "nudge_job_name",
    "reminder_job_name",
    "reminder_retry_job_name",
    "schedule_once",
    "schedule_reminders",
    "schedule_repeating",
    "schedule_retry",
    "session_job_name",
    "snooze_job_name",
]

_LOGGER = logging.getLogger(__name__)

#: Passed to APScheduler for every job: run however late, and only once if several runs piled
#: up. A job's successor has the same id (see _kwargs) and may start while the job is still
#: finishing (a session cue that schedules the next one, then awaits its send): APScheduler's
#: default of one running instance per id would silently skip it. Overlap is safe: session
#: timers check a generation under the chat's lock, reminders claim their slot.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": None, "coalesce": True, "max_instances": 3}
#: The default grace window (setting REMINDER_GRACE_MINUTES): a reminder missed while the bot
#: was down, or still failing to send, is sent if it is at most this late.
CATCH_UP = dt.timedelta(minutes=30)

JobCallback = Callable[[BotContext], Coroutine[Any, Any, None]]


def reminder_job_name(chat_id: int, slot: dt.time) -> str:
    return f"reminder:{chat_id}:{slot:%H%M}"


def reminder_retry_job_name(chat_id: int, slot: dt.time) -> str:
    """Starts like the reminder's name, so cancelling a chat's reminders cancels retries too."""
    return f"{reminder_job_name(chat_id, slot)}:retry"


def session_job_name(chat_id: int) -> str:
    return f"session:{chat_id}"


def countdown_job_name(chat_id: int) -> str:
    return f"countdown:{chat_id}"


def snooze_job_name(chat_id: int) -> str:
    return f"snooze:{chat_id}"


def nudge_job_name(chat_id: int) -> str:
    return f"nudge:{chat_id}"


@dataclass(frozen=True, slots=True)
class ReminderJob:
    """What a reminder job carries: which occurrence it is for."""

    chat_id: int
    occurrence: Occurrence
    #: 0 for the scheduled send, then 1, 2… for retries after failed sends.
    attempt: int = 0

    @property
    def slot(self) -> str:
        return format_time(self.occurrence.slot)


def _kwargs(name: str) -> dict[str, Any]:
    # The job's APScheduler id is its name: adding a job replaces the old one by id, and
    # cancelling looks it up by id, where PTB's get_jobs_by_name scans every job (with
    # thousands of reminder jobs, that made start-up quadratic).
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


def cancel_reminders(job_queue: JobQueue[BotContext], chat_id: int) -> None:
    """Remove the chat's reminder jobs, whatever slots they were for."""
    prefix = f"reminder:{chat_id}:"
    for job in job_queue.scheduler.get_jobs():
        if job.id.startswith(prefix):
            job.remove()


def cancel_chat(job_queue: JobQueue[BotContext], chat_id: int) -> None:
    """Remove every timer of the chat: reminders, retries, snooze, follow-up, session."""
    cancel_reminders(job_queue, chat_id)
    for name in (snooze_job_name, nudge_job_name, session_job_name, countdown_job_name):
        cancel_jobs(job_queue, name(chat_id))


def schedule_reminders(
    job_queue: JobQueue[BotContext],
    subscriber: Subscriber,
    callback: JobCallback,
    now: dt.datetime,
    *,
    seconds_until: Callable[[dt.datetime], float],
    catch_up: bool = False,
    fresh: bool = False,
    grace: dt.timedelta = CATCH_UP,
) -> list[Occurrence]:
    """(Re)build the reminder jobs of one chat from its stored schedule.

    With ``catch_up`` (at start-up) a reminder the bot missed while it was down, at most
    ``grace`` ago and not yet sent, is sent at once instead of waiting for tomorrow.
    ``fresh`` (an empty JobQueue, at start-up) skips removing the chat's old jobs. Returns the
    occurrences scheduled.
    """
    if not fresh:
        cancel_reminders(job_queue, subscriber.chat_id)
    if not subscriber.subscribed:
        return []
    zone = ZoneInfo(subscriber.timezone)
    scheduled: list[Occurrence] = []
    for slot in subscriber.times:
        occurrence = next_occurrence(slot, zone, now, subscriber.reminds_on)
        if catch_up:
            missed = _missed(subscriber, slot, zone, now, grace)
            if missed is not None:
                _LOGGER.info("Catching up on a missed reminder for chat %s", subscriber.chat_id)
                occurrence = missed
        schedule_once(
            job_queue,
            callback,
            seconds_until(occurrence.at),
            name=reminder_job_name(subscriber.chat_id, slot),
            chat_id=subscriber.chat_id,
            data=ReminderJob(subscriber.chat_id, occurrence),
        )
        scheduled.append(occurrence)
    return scheduled


def _missed(
    subscriber: Subscriber, slot: dt.time, zone: ZoneInfo, now: dt.datetime, grace: dt.timedelta
) -> Occurrence | None:
    previous = previous_occurrence(slot, zone, now, subscriber.reminds_on)
    if previous is None or now - previous.at > grace:
        return None
    if subscriber.created_at and previous.at < subscriber.created_at:
        return None
    last = subscriber.last_sent.get(format_time(slot))
    if last is not None and last >= previous.at:
        return None
    return previous


def schedule_following(
    job_queue: JobQueue[BotContext],
    subscriber: Subscriber,
    done: Occurrence,
    callback: JobCallback,
    *,
    seconds_until: Callable[[dt.datetime], float],
) -> Occurrence | None:
    """After a reminder ran, schedule the same slot's next occurrence (if still wanted)."""
    if not subscriber.subscribed or done.slot not in subscriber.times:
        return None
    zone = ZoneInfo(subscriber.timezone)
    occurrence = next_occurrence(done.slot, zone, done.at, subscriber.reminds_on)
    schedule_once(
        job_queue,
        callback,
        seconds_until(occurrence.at),
        name=reminder_job_name(subscriber.chat_id, done.slot),
        chat_id=subscriber.chat_id,
        data=ReminderJob(subscriber.chat_id, occurrence),
    )
    return occurrence


def schedule_retry(
    job_queue: JobQueue[BotContext], due: ReminderJob, callback: JobCallback, delay: float
) -> None:
    """Try a reminder that failed to send again in ``delay`` seconds (its own job, so the
    slot's next occurrence, already chained, stays in place)."""
    schedule_once(
        job_queue,
        callback,
        delay,
        name=reminder_retry_job_name(due.chat_id, due.occurrence.slot),
        chat_id=due.chat_id,
        data=ReminderJob(due.chat_id, due.occurrence, due.attempt + 1),
    )
